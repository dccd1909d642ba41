/**
 * Other projects' policy fixtures (test/references/policy-corpus: Kyverno, kube-linter,
 * checkov), mapped onto this pack's rules as test/references/README.md says.
 */
import * as fs from "node:fs";
import { parse } from "yaml";
import { evaluatePlan, violationDetail, type PolicyViolation } from "../../policy/evaluate";
import { workloadIsolation } from "../../policy/kubernetes-network-policies";
import { isWorkloadType, podTemplateOf } from "../../policy/kubernetes-workloads";
import { manifestResources, parseManifests } from "../../policy/manifests";
import type { PlannedResource } from "../../policy/contract/plan";
import { referencePath } from "../support/references";
import { planOf, viewOf } from "./harness";

const corpusFile = (...parts: string[]) => referencePath("policy-corpus", ...parts);

const readYaml = (...parts: string[]) => parse(fs.readFileSync(corpusFile(...parts), "utf8"));
const objectsIn = (...parts: string[]) => parseManifests(fs.readFileSync(corpusFile(...parts), "utf8"), parts.join("/"));

interface Checked {
  resources: PlannedResource[];
  violations: PolicyViolation[];
}

async function check(objects: unknown[]): Promise<Checked> {
  const { resources } = manifestResources(objects);
  return { resources, violations: (await evaluatePlan(planOf(resources))).violations };
}

const metadataName = (resource: PlannedResource) => (resource.inputs.metadata as { name?: string } | undefined)?.name ?? "";
const violates = (checked: Checked, policy: string, resource: PlannedResource) =>
  checked.violations.some((v) => v.policyName === policy && v.urn === resource.urn);
const workloads = (checked: Checked) => checked.resources.filter((r) => isWorkloadType(r.type));

function containersOf(resource: PlannedResource): unknown[] {
  const template = podTemplateOf(resource.type, resource.inputs);
  if (!template.ok) return [];
  const { containers, initContainers } = template.template.spec;
  return [containers, initContainers].flatMap((list) => (Array.isArray(list) ? list : []));
}

/**
 * Kyverno's require-requests-limits asks every container for requests.cpu, requests.memory and
 * a non-empty limits.memory; only the last is this pack's rule, so a Kyverno failure maps to a
 * failure here only when some container lacks a memory limit.
 */
function kyvernoFailureIsAboutMemoryLimit(resource: PlannedResource): boolean {
  return containersOf(resource).some((container) => {
    const memory = (container as { resources?: { limits?: { memory?: unknown } } }).resources?.limits?.memory;
    return typeof memory !== "string" || memory === "";
  });
}

/** A chainsaw test's applied files (inside the test folder) and whether Kyverno rejected them. */
function chainsawApplies(dir: string[]): { file: string; rejected: boolean }[] {
  const chainsaw = readYaml(...dir, ".chainsaw-test", "chainsaw-test.yaml") as { spec: { steps: { try: { apply?: { file: string; expect?: { check?: Record<string, unknown> }[] } }[] }[] } };
  return chainsaw.spec.steps
    .flatMap((step) => step.try.flatMap((operation) => (operation.apply ? [operation.apply] : [])))
    .filter((apply) => !apply.file.startsWith("../"))
    .map((apply) => ({ file: apply.file, rejected: (apply.expect ?? []).some((e) => e.check?.["($error != null)"] === true) }));
}

test("the corpus is where test/references/README.md says", () => {
  expect(fs.existsSync(corpusFile("kyverno")) && fs.existsSync(corpusFile("kube-linter")) && fs.existsSync(corpusFile("checkov"))).toBe(true);
});

describe("Kyverno require-pod-requests-limits", () => {
  const dir = ["kyverno", "best-practices", "require-pod-requests-limits"];

  test("kyverno-test.yaml: every pod it fails for a missing memory limit fails here, every pod it passes passes", async () => {
    const expectations = readYaml(...dir, ".kyverno-test", "kyverno-test.yaml").results as { kind: string; resources: string[]; result: string }[];
    const checked = await check(objectsIn(...dir, ".kyverno-test", "resource.yaml"));
    const verdicts = expectations.flatMap(({ kind, resources, result }) => resources.map((name) => {
      const resource = checked.resources.find((r) => r.inputs.kind === kind && metadataName(r) === name)!;
      const expectedToFail = result === "fail" && kyvernoFailureIsAboutMemoryLimit(resource);
      return [name, expectedToFail, violates(checked, "kubernetes-memory-limits", resource)];
    }));
    expect(verdicts.map(([name, expected]) => [name, expected])).toEqual(verdicts.map(([name, , actual]) => [name, actual]));
    expect(verdicts.map(([, expected]) => expected)).toEqual([true, true, true, false, false]);
  });

  test("chainsaw: objects of the files Kyverno rejects fail here, objects of the files it admits pass", async () => {
    const applies = chainsawApplies(dir);
    expect(applies.map((a) => a.rejected)).toEqual([false, false, true, true, true, true]);
    for (const { file, rejected } of applies) {
      const checked = await check(objectsIn(...dir, ".chainsaw-test", file));
      expect(workloads(checked).length).toBeGreaterThan(0);
      for (const resource of workloads(checked)) {
        const expectedToFail = rejected && kyvernoFailureIsAboutMemoryLimit(resource);
        expect([file, resource.name, violates(checked, "kubernetes-memory-limits", resource)]).toEqual([file, resource.name, expectedToFail]);
      }
    }
  });
});

describe("Kyverno require-netpol: a workload needs a NetworkPolicy that selects it", () => {
  const dir = ["kyverno", "other", "require-netpol"];

  test("kyverno-test.yaml: with no NetworkPolicy at all the deployment is flagged here too", async () => {
    const [expectation] = readYaml(...dir, ".kyverno-test", "kyverno-test.yaml").results as { resources: string[]; result: string }[];
    const checked = await check(objectsIn(...dir, ".kyverno-test", "resource.yaml"));
    const [deployment] = workloads(checked);
    expect([metadataName(deployment), expectation.result]).toEqual([expectation.resources[0], "fail"]);
    expect(violates(checked, "kubernetes-workload-namespace-default-deny", deployment)).toBe(true);
  });

  test("chainsaw: the same isolation verdicts; the pack, which wants a namespace-wide default deny, flags all and says which are isolated", async () => {
    const [netpols, ...deployFiles] = chainsawApplies(dir);
    expect(netpols).toEqual({ file: "netpol.yaml", rejected: false });
    for (const { file, rejected } of deployFiles) {
      const checked = await check([...objectsIn(...dir, ".chainsaw-test", "netpol.yaml"), ...objectsIn(...dir, ".chainsaw-test", file)]);
      const isolation = workloadIsolation(checked.resources.map(viewOf));
      expect(isolation.length).toBeGreaterThan(0);
      for (const { resource, selectedBy } of isolation) {
        expect([file, resource.name, selectedBy.length > 0]).toEqual([file, resource.name, !rejected]);
        const [finding] = checked.violations.filter((v) => v.policyName === "kubernetes-workload-namespace-default-deny" && v.urn === resource.urn).map(violationDetail);
        expect(finding).toContain(rejected ? "no NetworkPolicy selects its pods" : "its pods are selected only by");
      }
    }
  });
});

describe("Kyverno add-network-policy: a namespace gets a default-deny policy", () => {
  const dir = ["kyverno", "best-practices", "add-network-policy"];

  test("the namespace with the policy Kyverno would generate passes; without it (what Kyverno leaves alone) it fails", async () => {
    const [expectation] = readYaml(...dir, ".kyverno-test", "kyverno-test.yaml").results as { resources: string[]; generatedResource: string }[];
    const namespaceObjects = objectsIn(...dir, ".kyverno-test", "resource.yaml");
    const withGenerated = await check([...namespaceObjects, ...objectsIn(...dir, ".kyverno-test", expectation.generatedResource)]);
    const [namespace] = withGenerated.resources;
    expect(metadataName(namespace)).toBe(expectation.resources[0]);
    expect(violates(withGenerated, "kubernetes-namespace-default-deny", namespace)).toBe(false);
    const alone = await check(namespaceObjects);
    expect(violates(alone, "kubernetes-namespace-default-deny", alone.resources[0])).toBe(true);
  });

  test("chainsaw: the pre-existing namespace, for which no policy is generated, fails", async () => {
    const checked = await check(objectsIn(...dir, ".chainsaw-test", "old-resource.yaml"));
    expect(checked.violations.filter((v) => v.policyName === "kubernetes-namespace-default-deny").map((v) => v.name)).toEqual(["bye-world-namespace"]);
  });
});

describe("kube-linter: objects named dont-fire* must not fire, the others must", () => {
  const mapped: [string, string][] = [
    ["unset-memory-requirements.yml", "kubernetes-memory-limits"],
    ["host-network.yml", "host-network-allowed"],
    ["docker-sock.yml", "docker-socket-mount-allowed"],
    // privileged-container.yml has no counterpart: this pack has no privileged-container rule.
  ];

  test.each(mapped)("%s maps to %s", async (file, policy) => {
    const checked = await check(objectsIn("kube-linter", file));
    expect(workloads(checked).length).toBe(checked.resources.length);
    for (const resource of checked.resources) {
      const fires = !metadataName(resource).startsWith("dont-fire");
      expect([resource.type, metadataName(resource), violates(checked, policy, resource)]).toEqual([resource.type, metadataName(resource), fires]);
    }
  });

  test("non-isolated-pod.yml: the same isolation verdicts; the pack flags all, naming the policies that isolate the dont-fire ones", async () => {
    const checked = await check(objectsIn("kube-linter", "non-isolated-pod.yml"));
    const isolation = workloadIsolation(checked.resources.map(viewOf));
    expect(isolation).toHaveLength(4);
    for (const { resource, workload, selectedBy } of isolation) {
      const fires = !workload.startsWith("default/dont-fire");
      expect([resource.type, workload, selectedBy.length === 0]).toEqual([resource.type, workload, fires]);
      const [finding] = checked.violations.filter((v) => v.policyName === "kubernetes-workload-namespace-default-deny" && v.urn === resource.urn).map(violationDetail);
      expect(finding).toContain(fires ? "no NetworkPolicy selects its pods" : "its pods are selected only by dont-fire");
    }
  });
});

describe("checkov: the file name counts passes and failures; UNKNOWN means malformed input", () => {
  function counts(file: string): { passed: number; failed: number } | "unknown" {
    if (/-UNKNOWN\d*\.yaml$/.test(file)) return "unknown";
    const number = (label: string) => Number(new RegExp(`(\\d+)${label}`).exec(file)?.[1] ?? 0);
    return { passed: number("PASSED"), failed: number("FAILED") };
  }
  const files = (folder: string) => fs.readdirSync(corpusFile("checkov", folder)).sort();

  test.each(files("example_Requests_Limits"))("Requests_Limits %s: failures are containers without a positive memory limit", async (file) => {
    const checked = await check(objectsIn("checkov", "example_Requests_Limits", file));
    const findings = checked.violations.filter((v) => v.policyName === "kubernetes-memory-limits").map(violationDetail);
    const expected = counts(file);
    if (expected === "unknown") {
      expect(findings.length).toBeGreaterThan(0);
      for (const finding of findings) expect(finding).toMatch(/is a list, expected a map/);
      return;
    }
    expect(findings).toHaveLength(expected.failed);
    expect(workloads(checked).flatMap(containersOf)).toHaveLength(expected.passed + expected.failed);
  });

  test.each(files("example_DockerSocketVolume"))("DockerSocketVolume %s: failures are workloads mounting the Docker socket", async (file) => {
    const checked = await check(objectsIn("checkov", "example_DockerSocketVolume", file));
    const socketMounts = checked.violations.filter((v) => v.policyName === "docker-socket-mount-allowed");
    const expected = counts(file);
    if (expected === "unknown") {
      expect(socketMounts).toEqual([]);
      expect(checked.violations.filter((v) => v.policyName === "kubernetes-memory-limits").map(violationDetail)).toEqual([
        expect.stringContaining("spec.containers is a map, expected a list of containers"),
      ]);
      return;
    }
    expect(socketMounts).toHaveLength(expected.failed);
    const readable = workloads(checked).filter((r) => podTemplateOf(r.type, r.inputs).ok);
    expect(readable).toHaveLength(expected.passed + expected.failed);
  });
});
