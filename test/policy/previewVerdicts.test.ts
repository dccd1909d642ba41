/**
 * Verdicts that hold during a real `pulumi preview`: AnalyzeStack gets each resource's
 * planned state, with every attribute its provider computes unknown (the plan's `outputs`),
 * and no mandatory verdict may hinge on one of them. Both stacks' offline plans are made once,
 * by the CLI a user runs.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { evaluatePlan, violationDetail, type PolicyReport } from "../../policy/evaluate";
import { policyConfigForStack } from "../../tools/plan/policyConfig";
import { UNKNOWN_PLACEHOLDER, type Plan, type PlannedResource } from "../../tools/plan/types";
import { spawnTool } from "../safety/spawnTool";
import { ROOT } from "../support/stackConfig";
import { CONTAINER, NETWORK, planOf, planned } from "./harness";

const STACKS = ["vps", "homelab"] as const;
type Stack = (typeof STACKS)[number];
const dir = mkdtempSync(join(tmpdir(), "preview-verdicts-"));
const plans = {} as Record<Stack, Plan>;
const configOf = (stack: Stack) => policyConfigForStack(stack, join(ROOT, `Pulumi.${stack}.yaml`));

beforeAll(async () => {
  await Promise.all(STACKS.map(async (stack) => {
    const file = join(dir, `${stack}.json`);
    const run = await spawnTool("tools/plan/cli.ts", [stack, "--json", file]);
    if (run.status !== 0) throw new Error(`npm run plan -- ${stack} failed:\n${run.stdout}\n${run.stderr}`);
    plans[stack] = JSON.parse(readFileSync(file, "utf8")) as Plan;
  }));
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const unknownKeys = (state: Record<string, unknown> = {}) => Object.keys(state).filter((key) => JSON.stringify(state[key]).includes(UNKNOWN_PLACEHOLDER));
const withState = (plan: Plan, state: (resource: PlannedResource) => Record<string, unknown> | undefined): Plan =>
  ({ ...plan, resources: plan.resources.map((resource) => ({ ...resource, outputs: state(resource) })) });
const verdicts = (report: PolicyReport) => report.violations.map((violation) => `[${violation.enforcementLevel}] ${violation.policyName} ${violation.name}: ${violationDetail(violation)}`);
const sdkAdvisories = (report: PolicyReport) => report.violations.filter((violation) => violation.message.includes("during preview:"));

describe("the offline plan records what AnalyzeStack gets in a preview", () => {
  test.each(STACKS)("%s: every Docker and Proxmox resource has the attributes its provider computes unknown, the rest as the program set it", (stack) => {
    const readTypes = [CONTAINER, NETWORK, "proxmoxve:index/vmLegacy:VmLegacy", "proxmoxve:index/containerLegacy:ContainerLegacy"];
    const resources = plans[stack].resources.filter((resource) => readTypes.includes(resource.type));
    expect(resources.length).toBeGreaterThan(0);
    for (const resource of resources) {
      expect({ urn: resource.urn, unknown: unknownKeys(resource.outputs).length > 0 }).toEqual({ urn: resource.urn, unknown: true });
      // What the program set stays as it set it; objects may gain computed fields.
      expect(resource.outputs).toMatchObject(resource.inputs);
    }
  });

  test("vps: the networks the program does not isolate have Docker's options unknown (the issue's case), the isolated one has them known", () => {
    const networks = plans.vps.resources.filter((resource) => resource.type === NETWORK);
    const options = Object.fromEntries(networks.map((network) => [network.name.split("/").pop(), network.outputs?.options]));
    expect(options).toEqual({
      "traefik-public": UNKNOWN_PLACEHOLDER,
      "pangolin-internal": UNKNOWN_PLACEHOLDER,
      "identity-internal": { "com.docker.network.bridge.gateway_mode_ipv4": "isolated" },
      "newt-periphery": UNKNOWN_PLACEHOLDER,
    });
  });

  test("Kubernetes objects keep their inputs (the provider returns them, or the server's dry run of them), components their registered outputs", () => {
    const kubernetes = plans.homelab.resources.filter((resource) => resource.custom && resource.type.startsWith("kubernetes:"));
    expect(kubernetes.length).toBeGreaterThan(50);
    for (const resource of kubernetes) expect(resource.outputs).toEqual(resource.inputs);
    const stack = plans.vps.resources.find((resource) => resource.type === "pulumi:pulumi:Stack");
    expect(Object.keys(stack?.outputs ?? {})).toContain("containers");
  });
});

describe("every policy decides from what a preview knows", () => {
  test.each(STACKS)("%s: the same verdicts on planned states with unknowns as with everything known, and no SDK advisory", async (stack) => {
    const config = configOf(stack);
    const preview = await evaluatePlan(plans[stack], config);
    const known = await evaluatePlan(withState(plans[stack], (resource) => resource.inputs), config);
    expect(sdkAdvisories(preview)).toEqual([]);
    expect(verdicts(preview)).toEqual(verdicts(known));
    expect(preview.resourceCount).toBe(plans[stack].resources.length);
  });

  test("the isolation break from the issue (an edge container joined to identity-internal) is mandatory on planned states with unknowns", async () => {
    const broken = withState(
      {
        ...plans.vps,
        resources: plans.vps.resources.map((resource) => {
          if (resource.type !== CONTAINER || resource.inputs.name !== "aegis-traefik") return resource;
          const join = (state: Record<string, unknown>) => ({ ...state, networksAdvanced: [...(state.networksAdvanced as object[]), { name: "identity-internal", aliases: ["aegis-traefik"] }] });
          return { ...resource, inputs: join(resource.inputs), outputs: join(resource.outputs!) };
        }),
      },
      (resource) => resource.outputs,
    );
    const report = await evaluatePlan(broken, configOf("vps"));
    expect(sdkAdvisories(report)).toEqual([]);
    const isolation = report.violations.filter((violation) => violation.policyName === "docker-isolation-boundaries");
    expect(isolation.map((violation) => [violation.enforcementLevel, violation.name])).toEqual([
      ["mandatory", "racknerd-aegis/lldap"],
      ["mandatory", "racknerd-aegis/pocketid"],
    ]);
    expect(violationDetail(isolation[0])).toMatch(/^lldap \(zone identity\) is reachable over network identity-internal from internet-facing aegis-traefik/);
  });
});

describe("a value a policy needs and the preview does not know: mandatory, naming the property", () => {
  const labels = (entries: Record<string, string>) => Object.entries(entries).map(([label, value]) => ({ label, value }));
  const HOST_LABELS = { "homeops.host": "h1", "homeops.zone": "app" };
  const CAPACITY = { "docker-host-memory-capacity": { capacityMb: { h1: 4096 } }, "proxmox-node-memory-capacity": { capacityMb: { pve1: 8192 } } };
  const unverifiable = async (resources: PlannedResource[]) =>
    (await evaluatePlan(planOf(resources), CAPACITY)).violations.map((violation) => [violation.enforcementLevel, violation.policyName, violationDetail(violation).split(" Fix: ")[0]]);

  test.each([
    ["a Docker container's labels", planned(CONTAINER, "c", { name: "c", memory: 64 }, { outputs: { name: "c", memory: 64, labels: UNKNOWN_PLACEHOLDER } }), "labels"],
    ["a Docker container's network", planned(CONTAINER, "c", { name: "c", memory: 64, labels: labels(HOST_LABELS), networksAdvanced: [{ name: "n" }] }, { outputs: { name: "c", memory: 64, labels: labels(HOST_LABELS), networksAdvanced: [{ name: UNKNOWN_PLACEHOLDER }] } }), "networksAdvanced[0].name"],
    ["a Docker network's name", planned(NETWORK, "n", { name: "n" }, { outputs: { name: UNKNOWN_PLACEHOLDER, internal: false } }), "name"],
    ["a Proxmox VM's node", planned("proxmoxve:index/vmLegacy:VmLegacy", "vm", { nodeName: "pve1", memory: { dedicated: 512 } }, { outputs: { nodeName: UNKNOWN_PLACEHOLDER, memory: { dedicated: 512 } } }), "nodeName"],
    ["a Kubernetes NetworkPolicy's namespace", planned("kubernetes:networking.k8s.io/v1:NetworkPolicy", "np", {}, { outputs: { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "np", namespace: UNKNOWN_PLACEHOLDER }, spec: {} } }), "metadata.namespace"],
  ])("%s", async (_, resource, property) => {
    const found = await unverifiable([resource]);
    const named = found.filter(([, , message]) => message.startsWith("Cannot be verified during preview"));
    expect(named.length).toBeGreaterThan(0);
    const expected = `Cannot be verified during preview: ${resource.name} (${resource.type}) has no known ${property}; the provider computes it when the program leaves it unset, or the program sets it from a value not yet known.`;
    for (const [level, , message] of named) expect([level, message]).toEqual(["mandatory", expected]);
    expect(found.filter(([level]) => level !== "mandatory")).toEqual([]);
  });

  test("a Kubernetes object whose provider's configuration is unknown (a cluster this update creates) has no planned state: mandatory, not a false verdict", async () => {
    const namespace = planned("kubernetes:core/v1:Namespace", "monitoring", { apiVersion: "v1", kind: "Namespace", metadata: { name: "monitoring" } }, { outputs: {} });
    const deny = planned("kubernetes:networking.k8s.io/v1:NetworkPolicy", "monitoring/default-deny", { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "default-deny", namespace: "monitoring" }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } }, { outputs: {} });
    const found = await unverifiable([namespace, deny]);
    expect(found).toContainEqual(["mandatory", "kubernetes-namespace-default-deny", "Cannot be verified during preview: the engine sends no planned state for monitoring/default-deny (kubernetes:networking.k8s.io/v1:NetworkPolicy), because its provider's configuration is not known yet (a cluster this update creates)."]);
    expect(found.filter(([level]) => level !== "mandatory")).toEqual([]);
  });
});
