import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { DEFAULT_SETTINGS, POLICY_NAMES, type PackConfig } from "../../policy/config";
import { evaluatePlan, hasMandatoryViolation, PolicyConfigError, resolveConfig, violationDetail } from "../../policy/evaluate";
import packageJson from "../../policy/package.json";
import { policies } from "../../policy/policies";
import { CONTAINER, labels, planned, planOf, violationsOf } from "./harness";

const CAPACITY: PackConfig = { "docker-host-memory-capacity": { capacityMb: { h1: 1024 } } };
const unlimited = (name: string) => planned(CONTAINER, name, { name, labels: labels({ "homeops.host": "h1", "homeops.zone": "app" }) });

describe("the pack's policies", () => {
  test("one per configurable name, each mandatory, described, with a severity and remediation steps", () => {
    expect(policies.map((p) => p.name).sort()).toEqual([...POLICY_NAMES].sort());
    for (const policy of policies) {
      expect([policy.name, policy.enforcementLevel]).toEqual([policy.name, "mandatory"]);
      expect(policy.description.length).toBeGreaterThan(20);
      expect(policy.remediationSteps?.length).toBeGreaterThan(20);
      expect(["low", "medium", "high", "critical"]).toContain(policy.severity);
      const isResource = typeof (policy as ResourceValidationPolicy).validateResource === "function";
      const isStack = typeof (policy as StackValidationPolicy).validateStack === "function";
      expect(isResource !== isStack).toBe(true);
    }
  });

  test("every setting is in the config schema with its default, and every policy takes exemptions", () => {
    for (const policy of policies) {
      const properties = policy.configSchema?.properties ?? {};
      const defaults = Object.fromEntries(Object.entries(properties).map(([key, schema]) => [key, typeof schema === "object" ? schema.default : undefined]));
      expect(defaults).toEqual({ ...DEFAULT_SETTINGS[policy.name as keyof typeof DEFAULT_SETTINGS], exemptions: [] });
    }
  });
});

describe("configuration, as the engine reconciles it", () => {
  test("every policy's defaults, given as its configuration, satisfy its schema (so a policy left unconfigured needs no check)", () => {
    const allDefaults = Object.fromEntries(policies.map((policy) => [policy.name, { ...DEFAULT_SETTINGS[policy.name as keyof typeof DEFAULT_SETTINGS], exemptions: [] }]));
    expect(() => resolveConfig(allDefaults)).not.toThrow();
    expect(() => resolveConfig({ ...allDefaults, "docker-host-memory-capacity": { capacityMb: "lots" } })).toThrow(/docker-host-memory-capacity: \/capacityMb must be object/);
  });

  test("defaults: every policy at its own level with its schema defaults", () => {
    const resolved = resolveConfig({});
    expect(resolved.get("docker-host-memory-capacity")).toEqual({ enforcementLevel: "mandatory", properties: { capacityMb: {}, exemptions: [] } });
  });

  test("a policy's level, `all`, and the string shorthand override the policy's own level", async () => {
    const memoryLevels = async (config: PackConfig) =>
      (await violationsOf([unlimited("a")], { ...CAPACITY, ...config })).filter((v) => v.policyName === "docker-container-memory").map((v) => v.enforcementLevel);
    expect(await memoryLevels({ "docker-container-memory": { enforcementLevel: "advisory" } })).toEqual(["advisory"]);
    expect(await memoryLevels({ all: "advisory" })).toEqual(["advisory"]);
    expect(await memoryLevels({ all: "advisory", "docker-container-memory": "mandatory" })).toEqual(["mandatory"]);
    expect(await memoryLevels({ "docker-container-memory": "disabled" })).toEqual([]);
  });

  test("exemptions match the resource name, its URN, or the subject a finding names", async () => {
    const named = planned(CONTAINER, "resource-name", { name: "container-name", labels: labels({ "homeops.host": "h1", "homeops.zone": "app" }), networkMode: "host" });
    const exempt = (resource: string): PackConfig => ({ ...CAPACITY, "host-network-allowed": { exemptions: [{ resource, reason: "test" }] } });
    const hostNetwork = async (config: PackConfig) => (await violationsOf([named], config)).filter((v) => v.policyName === "host-network-allowed").length;
    expect(await hostNetwork(CAPACITY)).toBe(1);
    expect(await hostNetwork(exempt("resource-name"))).toBe(0);
    expect(await hostNetwork(exempt(named.urn))).toBe(0);
    expect(await hostNetwork(exempt("container-name"))).toBe(0);
    expect(await hostNetwork(exempt("someone-else"))).toBe(1);
  });

  test.each([
    [{ "docker-memory": {} }, "unknown policies in the pack configuration: docker-memory"],
    [{ "docker-host-memory-capacity": { capacityMB: { h1: 1 } } }, "docker-host-memory-capacity: (root) must NOT have additional properties"],
    [{ "docker-host-memory-capacity": { capacityMb: { h1: 0 } } }, "docker-host-memory-capacity: /capacityMb/h1 must be >= 1"],
    [{ "host-network-allowed": { exemptions: [{ resource: "a" }] } }, "host-network-allowed: /exemptions/0 must have required property 'reason'"],
    [{ "docker-published-ports-allowed": { allowedPorts: { h1: ["80"] } } }, `docker-published-ports-allowed: /allowedPorts/h1/0 must match pattern "^[0-9]{1,5}/(tcp|udp|sctp)$"`],
    [{ all: "strict" }, `all: "strict" is not an enforcement level (advisory, mandatory, remediate, disabled)`],
    [[], "the pack configuration must be an object keyed by policy name"],
  ])("%j is rejected: %s", async (config, message) => {
    await expect(evaluatePlan(planOf([]), config as PackConfig)).rejects.toEqual(new PolicyConfigError([message]));
  });

  test("every problem of a configuration is reported at once, as the engine reports its validation errors", () => {
    const config = {
      "docker-memory": {},
      all: "strict",
      "docker-host-memory-capacity": { capacityMb: { h1: 0, h2: "lots" } },
      "host-network-allowed": { enforcementLevel: "loud", exemptions: [{ resource: "a" }] },
    };
    expect(() => resolveConfig(config)).toThrow(expect.objectContaining({
      problems: [
        "unknown policies in the pack configuration: docker-memory",
        `all: "strict" is not an enforcement level (advisory, mandatory, remediate, disabled)`,
        "docker-host-memory-capacity: /capacityMb/h1 must be >= 1",
        "docker-host-memory-capacity: /capacityMb/h2 must be integer",
        `host-network-allowed.enforcementLevel: "loud" is not an enforcement level (advisory, mandatory, remediate, disabled)`,
        "host-network-allowed: /exemptions/0 must have required property 'reason'",
      ],
    }));
  });
});

describe("the SDK's code path", () => {
  test("policies see only the types they apply to", async () => {
    expect(await violationsOf([planned("aws:s3/bucket:Bucket", "b", { bucket: "b" })])).toEqual([]);
  });

  test("a value a policy needs but the preview does not know is a mandatory violation naming it, never the SDK's advisory", async () => {
    const pending = planned(CONTAINER, "a", { name: "a", memory: "[unknown]", labels: labels({ "homeops.host": "h1", "homeops.zone": "app" }) });
    const memory = (await violationsOf([pending], CAPACITY)).filter((v) => v.policyName === "docker-container-memory");
    expect(memory.map((v) => [v.enforcementLevel, violationDetail(v)])).toEqual([
      ["mandatory", "Cannot be verified during preview: a (docker:index/container:Container) has no known memory; the provider computes it when the program leaves it unset, or the program sets it from a value not yet known. Fix: Set memory of a explicitly in the program, from values known before the resource exists."],
    ]);
  });

  test("secret placeholders are plain values to the policies", async () => {
    const withSecret = planned(CONTAINER, "a", { name: "a", memory: 64, envs: ["[secret]"], labels: labels({ "homeops.host": "h1", "homeops.zone": "app" }) });
    expect(await violationsOf([withSecret], CAPACITY)).toEqual([]);
  });

  test("the report is ordered by policy, resource and message whatever the plan's order, and names the pack", async () => {
    const resources = [unlimited("b"), unlimited("a"), planned(CONTAINER, "c", { name: "c", memory: 1 })];
    const forward = await evaluatePlan(planOf(resources), CAPACITY);
    const backward = await evaluatePlan(planOf([...resources].reverse()), CAPACITY);
    expect(backward).toEqual(forward);
    expect(forward.violations.map((v) => `${v.policyName} ${v.name}`)).toEqual([
      "docker-container-memory a",
      "docker-container-memory b",
      "docker-container-trust-labels c",
      "docker-container-trust-labels c",
      "docker-host-memory-capacity homeops-test", // c has no host label: an undeclared "(default Docker host)"
    ]);
    expect([forward.packName, forward.packVersion, forward.resourceCount]).toEqual(["homeops", packageJson.version, 4]);
    expect(hasMandatoryViolation(forward)).toBe(true);
  });
});
