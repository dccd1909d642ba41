/**
 * The pack as the engine runs it in a `pulumi preview`. AnalyzeStack gets each resource's
 * planned state, with every attribute its provider computes unknown (the plan's `outputs`),
 * and no mandatory verdict may hinge on one of them. Then the pack itself, started as the
 * CLI's plugin starts it and driven over gRPC with `@pulumi/pulumi`'s analyzer protos, gives the
 * same verdicts as the offline evaluation and `npm run policy -- check` (its command function,
 * in-process: test/policy/cli.test.ts runs it as a process). Both stacks' offline plans are
 * this test run's shared previews (test/support/previews.ts), and the pack is started once.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { status as grpcStatus, type ServiceError } from "@grpc/grpc-js";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import Ajv from "ajv";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { PackConfig } from "../../policy/config";
import { analyzePlan, evaluatePlan, resolveConfig, violationDetail, type PolicyReport, type PolicyViolation } from "../../policy/evaluate";
import packageJson from "../../policy/package.json";
import { policies } from "../../policy/policies";
import { CONFIG_NAMESPACE } from "../../config/load";
import { policyConfigForStack } from "../../tools/plan/policyConfig";
import { readOfflineConfig } from "../../tools/plan/stackConfig";
import { UNKNOWN_PLACEHOLDER, type Plan, type PlannedResource } from "../../policy/contract/plan";
import { policyCommand } from "../../policy/cli";
import { stackPreview } from "../support/previews";
import { runCommand } from "../support/runCli";
import { grpcAnalyzer, introduce, startPolicyPack, unary, type PackStack, type RunningPack } from "../support/policyPack";
import { startStandInEngine } from "../support/standInEngine";
import { ROOT } from "../support/stackConfig";
import { CONTAINER, NETWORK, planOf, planned } from "./harness";

const STACKS = ["vps", "homelab"] as const;
type Stack = (typeof STACKS)[number];
const dir = mkdtempSync(join(tmpdir(), "preview-verdicts-"));
const plans = {} as Record<Stack, Plan>;
const configOf = (stack: Stack) => policyConfigForStack(stack, join(ROOT, `Pulumi.${stack}.yaml`));
/** The offline evaluation of a plan, once per plan: several tests compare against it. */
const evaluations = new Map<Plan, Promise<PolicyReport>>();
const evaluated = (stack: Stack, plan: Plan = plans[stack]) => {
  if (!evaluations.has(plan)) evaluations.set(plan, evaluatePlan(plan, configOf(stack)));
  return evaluations.get(plan)!;
};

beforeAll(async () => {
  await Promise.all(STACKS.map(async (stack) => void (plans[stack] = (await stackPreview(stack)).plan)));
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
      "aegis-identity_identity-internal": { "com.docker.network.bridge.gateway_mode_ipv4": "isolated" },
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
    const preview = await evaluated(stack);
    const known = await evaluatePlan(withState(plans[stack], (resource) => resource.inputs), configOf(stack));
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
          const join = (state: Record<string, unknown>) => ({ ...state, networksAdvanced: [...(state.networksAdvanced as object[]), { name: "aegis-identity_identity-internal", aliases: ["aegis-traefik"] }] });
          return { ...resource, inputs: join(resource.inputs), outputs: join(resource.outputs!) };
        }),
      },
      (resource) => resource.outputs,
    );
    const report = await evaluatePlan(broken, configOf("vps"));
    expect(sdkAdvisories(report)).toEqual([]);
    const isolation = report.violations.filter((violation) => violation.policyName === "docker-isolation-boundaries");
    expect(isolation.map((violation) => [violation.enforcementLevel, violation.name])).toEqual([
      ["mandatory", "aegis-identity/lldap"],
      ["mandatory", "aegis-identity/pocketid"],
    ]);
    expect(violationDetail(isolation[0])).toMatch(/^lldap \(zone identity\) is reachable over network aegis-identity_identity-internal from internet-facing aegis-traefik/);
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

describe("the pack over gRPC, started as the CLI starts it", () => {
  /** The VPS plan with one container changed, in its inputs and its planned state alike. */
  const changed = (name: string, change: (state: Record<string, unknown>) => Record<string, unknown>): Plan => ({
    ...plans.vps,
    resources: plans.vps.resources.map((resource) =>
      resource.type === CONTAINER && resource.inputs.name === name ? { ...resource, inputs: change(resource.inputs), outputs: change(resource.outputs!) } : resource),
  });
  const cases = (): Record<string, { stack: Stack; plan: Plan }> => ({
    vps: { stack: "vps", plan: plans.vps },
    homelab: { stack: "homelab", plan: plans.homelab },
    "an isolation break (edge container on identity-internal)": {
      stack: "vps",
      plan: changed("aegis-traefik", (state) => ({ ...state, networksAdvanced: [...(state.networksAdvanced as object[]), { name: "aegis-identity_identity-internal", aliases: ["aegis-traefik"] }] })),
    },
    "an unlisted public port": { stack: "vps", plan: changed("aegis-crowdsec", (state) => ({ ...state, ports: [{ internal: 8080, external: 8080, ip: "0.0.0.0", protocol: "tcp" }] })) },
    "a missing memory limit": { stack: "vps", plan: changed("pocketid", ({ memory: _, ...state }) => state) },
  });
  /** The @pulumi/policy the pack pins answers GetPluginInfo with its own version. */
  const POLICY_SDK_VERSION = packageJson.dependencies["@pulumi/policy"];
  const INVALID_CONFIG: PackConfig = {
    "docker-host-memory-capacity": { capacityMb: { "racknerd-aegis": 0 } },
    "docker-published-ports-allowed": { allowedPorts: { "racknerd-aegis": ["80"] } },
  };

  let pack: RunningPack;
  let engine: Awaited<ReturnType<typeof startStandInEngine>>;
  let info: analyzerproto.AnalyzerInfo;
  let pluginVersion: string;
  const packStack = (stack: Stack): PackStack => {
    const { values, secretKeys } = readOfflineConfig(join(ROOT, `Pulumi.${stack}.yaml`), CONFIG_NAMESPACE);
    return { organization: "organization", project: "homeops", stack, config: values, secretKeys };
  };
  /** `npm run policy -- check --json` on plan files, by their case name. */
  const checked: Record<string, PolicyViolation[]> = {};
  let invalidConfigCheck: { status: number | null; stderr: string };

  beforeAll(async () => {
    engine = await startStandInEngine();
    const files = Object.entries(cases()).map(([name, { stack, plan }], index) => {
      const file = join(dir, `case-${index}.json`);
      writeFileSync(file, JSON.stringify(plan));
      return { name, stack, file };
    });
    const configFile = (stack: Stack) => {
      const file = join(dir, `${stack}-config.json`);
      writeFileSync(file, JSON.stringify(configOf(stack)));
      return file;
    };
    const invalidFile = join(dir, "invalid-config.json");
    writeFileSync(invalidFile, JSON.stringify(INVALID_CONFIG));
    const check = async (stack: Stack) => {
      const mine = files.filter((file) => file.stack === stack);
      const run = await runCommand(policyCommand, ["check", "--json", "--config", configFile(stack), ...mine.map((file) => file.file)]);
      const output = JSON.parse(run.stdout) as { violations: (PolicyViolation & { source: string })[] };
      for (const file of mine) checked[file.name] = output.violations.filter((violation) => violation.source === file.file);
    };
    const [running] = await Promise.all([
      startPolicyPack(join(ROOT, "policy"), engine.address, packStack("vps")),
      check("vps"),
      check("homelab"),
      runCommand(policyCommand, ["check", "--config", invalidFile, files[0].file]).then((run) => (invalidConfigCheck = run)),
    ]);
    pack = running;
    const introduced = await introduce(pack.client, packStack("vps"));
    info = introduced.info;
    pluginVersion = introduced.plugin.getVersion();
  }, 240_000);
  afterAll(async () => {
    pack?.stop();
    await engine?.stop();
  });

  /** Configure as the engine does after reconciling the pack configuration, then analyse the plan. */
  async function overGrpc(stack: Stack, plan: Plan): Promise<PolicyReport> {
    await introduce(pack.client, packStack(stack));
    const request = new analyzerproto.ConfigureAnalyzerRequest();
    const levels = { advisory: analyzerproto.EnforcementLevel.ADVISORY, mandatory: analyzerproto.EnforcementLevel.MANDATORY, remediate: analyzerproto.EnforcementLevel.REMEDIATE, disabled: analyzerproto.EnforcementLevel.DISABLED };
    for (const [name, { enforcementLevel, properties }] of resolveConfig(configOf(stack))) {
      const policyConfig = new analyzerproto.PolicyConfig().setEnforcementlevel(levels[enforcementLevel]).setProperties(Struct.fromJavaScript(properties as never));
      request.getPolicyconfigMap().set(name, policyConfig);
    }
    await unary((done) => pack.client.configure(request, done));
    return analyzePlan(plan, grpcAnalyzer(pack.client, info));
  }
  const comparable = (violations: readonly PolicyViolation[]) =>
    violations.map(({ policyName, enforcementLevel, urn, message }) => ({ policyName, enforcementLevel, urn, message }));

  test("Handshake is not implemented by @pulumi/policy, so the engine falls back to ConfigureStack; the pack describes itself", async () => {
    const handshake = new analyzerproto.AnalyzerHandshakeRequest().setEngineAddress(engine.address).setRootDirectory(join(ROOT, "policy")).setProgramDirectory(join(ROOT, "policy"));
    await expect(unary((done) => pack.client.handshake(handshake, done))).rejects.toMatchObject({ code: grpcStatus.UNIMPLEMENTED } satisfies Partial<ServiceError>);
    expect([info.getName(), info.getVersion(), info.getSupportsconfig()]).toEqual(["homeops", packageJson.version, true]);
    expect(info.getPoliciesList().map((policy) => [policy.getName(), policy.getEnforcementlevel()])).toEqual(policies.map((policy) => [policy.name, analyzerproto.EnforcementLevel.MANDATORY]));
    expect(pluginVersion).toBe(POLICY_SDK_VERSION);
  });

  test.each(["vps", "homelab", "an isolation break (edge container on identity-internal)", "an unlisted public port", "a missing memory limit"])(
    "%s: the same verdicts over gRPC as offline and as `npm run policy -- check`",
    async (name) => {
      const { stack, plan } = cases()[name];
      const grpc = await overGrpc(stack, plan);
      const offline = await evaluated(stack, plan);
      expect(comparable(grpc.violations)).toEqual(comparable(offline.violations));
      expect(comparable(checked[name])).toEqual(comparable(offline.violations));
      expect(sdkAdvisories(grpc)).toEqual([]);
      const expected: Record<string, string | undefined> = {
        "an isolation break (edge container on identity-internal)": "docker-isolation-boundaries",
        "an unlisted public port": "docker-published-ports-allowed",
        "a missing memory limit": "docker-container-memory",
      };
      const policy = expected[name];
      if (policy) expect(grpc.violations.filter((violation) => violation.policyName === policy).map((violation) => violation.enforcementLevel)).toContain("mandatory");
      else expect(grpc.violations).toEqual([]);
    },
  );

  test("the isolation break is mandatory through gRPC on planned states whose Docker options are unknown", async () => {
    const { plan } = cases()["an isolation break (edge container on identity-internal)"];
    const options = plan.resources.filter((resource) => resource.type === NETWORK).map((resource) => resource.outputs?.options);
    expect(options.filter((value) => value === UNKNOWN_PLACEHOLDER)).toHaveLength(3);
    const isolation = (await overGrpc("vps", plan)).violations.filter((violation) => violation.policyName === "docker-isolation-boundaries");
    expect(isolation.map((violation) => [violation.enforcementLevel, violation.name])).toEqual([["mandatory", "aegis-identity/lldap"], ["mandatory", "aegis-identity/pocketid"]]);
  });

  test("an invalid pack configuration: the engine's validation against the schemas the pack reports finds what `check` reports, all at once", () => {
    // pkg/resource/analyzer/config.go: each policy's reconciled properties against {type: object, properties, required}.
    const ajv = new Ajv({ allErrors: true, strict: false });
    const engineProblems = info.getPoliciesList().flatMap((policy) => {
      const schema = policy.getConfigschema();
      const properties = (schema?.getProperties()?.toJavaScript() ?? {}) as Record<string, { default?: unknown }>;
      const defaults = Object.fromEntries(Object.entries(properties).flatMap(([key, value]) => ("default" in value ? [[key, value.default]] : [])));
      const configured = INVALID_CONFIG[policy.getName() as keyof PackConfig];
      const validate = ajv.compile({ type: "object", properties, required: schema?.getRequiredList() ?? [] });
      return validate({ ...defaults, ...(typeof configured === "object" ? configured : {}) }) ? [] : (validate.errors ?? []).map((error) => `${policy.getName()}: ${error.instancePath}`);
    });
    // The engine sorts its validation errors (pkg/engine/update.go).
    expect(engineProblems.sort()).toEqual(["docker-host-memory-capacity: /capacityMb/racknerd-aegis", "docker-published-ports-allowed: /allowedPorts/racknerd-aegis/0"]);
    expect(invalidConfigCheck.status).toBe(2);
    const reported = invalidConfigCheck.stderr.trim().split("\n").slice(1).map((line) => line.trim().split(" ").slice(0, 2).join(" "));
    expect(reported.sort()).toEqual(engineProblems);
  });
});
