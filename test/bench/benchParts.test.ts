/** The benchmark's pure parts: critical path, synthetic estates, scaled inventories, the seed's procedure. */
import { validateHomelabConfig } from "../../config/stacks";
import { criticalPath } from "../../tools/bench/criticalPath";
import { compareWithProcedure, containerDependencies, declaredNeeds, ORIGINAL_VPS_PROCEDURE } from "../../tools/bench/deployProcedure";
import { scaleDockerInventory, scaleHomelab } from "../../tools/bench/scaleInventory";
import { matchesResource } from "../../tools/bench/simulate";
import { labelledHosts, replicateConfig, replicatePlan, syntheticHost } from "../../tools/bench/syntheticEstate";
import type { Plan, PlannedResource } from "../../policy/contract/plan";
import { copy, stackConfigData } from "../support/stackConfig";
import { planned } from "../support/planned";

const STACK = "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s";

function resource(name: string, type: string, extra: Partial<PlannedResource> = {}): PlannedResource {
  const custom = !type.startsWith("homeops:") && type !== "pulumi:pulumi:Stack";
  return planned(type, name, {}, { urn: `urn:pulumi:s::p::${type}::${name}`, custom, parent: STACK, ...extra });
}
const urn = (name: string, type: string) => `urn:pulumi:s::p::${type}::${name}`;

describe("critical path", () => {
  const CUSTOM = "docker:index/container:Container";
  const provider = resource("host", "pulumi:providers:docker");
  const a = resource("a", CUSTOM, { provider: provider.urn });
  const b = resource("b", CUSTOM, { provider: provider.urn, dependencies: [a.urn], propertyDependencies: { image: [a.urn] } });
  const c = resource("c", CUSTOM, { dependencies: [b.urn] });
  const group = resource("group", "homeops:test:Group", { dependencies: [c.urn] });
  const child = resource("child", CUSTOM, { parent: group.urn });
  const loose = resource("loose", CUSTOM);
  const all = [resource("p-s", "pulumi:pulumi:Stack", { parent: "" }), provider, a, b, c, group, child, loose];
  const timed = (r: PlannedResource) => r.custom && !r.type.startsWith("pulumi:providers:");

  test("counts timed creates along data, dependsOn and parent edges; providers and components are free", () => {
    const path = criticalPath(all, timed);
    expect(path.length).toBe(4);
    expect(path.chain.filter((step) => step.timed).map((step) => step.resource.name)).toEqual(["a", "b", "c", "child"]);
    // The provider answers at once, so the chain starts at the first timed create.
    expect(path.chain.map((step) => step.via)).toEqual([undefined, "data", "explicit", "explicit", "parent"]);
  });

  test("without the component's dependsOn the longest chain is the data and dependsOn one", () => {
    expect(criticalPath(all.map((r) => (r === group ? { ...group, dependencies: [] } : r)), timed).length).toBe(3);
  });

  test("a cycle is reported, not looped on", () => {
    const x = resource("x", CUSTOM, { dependencies: [urn("y", CUSTOM)] });
    const y = resource("y", CUSTOM, { dependencies: [x.urn] });
    expect(() => criticalPath([x, y], timed)).toThrow(/cycle/);
  });
});

describe("synthetic estates", () => {
  const labels = (host: string) => [{ label: "homeops.host", value: host }, { label: "homeops.zone", value: "app" }];
  const provider = resource("h1", "pulumi:providers:docker");
  const secret = resource("pw", "random:index/randomPassword:RandomPassword");
  const container = resource("h1/app", "docker:index/container:Container", { provider: provider.urn, inputs: { name: "app", labels: labels("h1") }, dependencies: [secret.urn] });
  const plan: Plan = { project: "p", stack: "s", resources: [resource("p-s", "pulumi:pulumi:Stack", { parent: "" }), provider, secret, container] };

  test("a replicated plan has unique URNs, references inside each copy, and each copy on its own hosts", () => {
    const { plan: big, copies } = replicatePlan(plan, 10);
    expect(copies).toBe(3);
    expect(big.resources).toHaveLength(10);
    expect(new Set(big.resources.map((r) => r.urn)).size).toBe(10);
    const urns = new Set(big.resources.map((r) => r.urn));
    for (const r of big.resources) for (const reference of [...r.dependencies, r.provider, r.parent].filter(Boolean)) expect(urns.has(reference)).toBe(true);
    expect(labelledHosts(big)).toEqual(["h1-c0", "h1-c1", "h1-c2"]);
    const containers = big.resources.filter((r) => r.type === "docker:index/container:Container");
    expect(containers.map((r) => r.inputs.name)).toEqual(["app", "app", "app"]);
  });

  test("host-keyed pack settings follow the copies", () => {
    const config = replicateConfig({ "docker-host-memory-capacity": { capacityMb: { h1: 512 } } } as never, ["h1"], 2) as Record<string, any>;
    expect(config["docker-host-memory-capacity"].capacityMb).toEqual({ "h1-c0": 512, "h1-c1": 512 });
  });

  test("a synthetic host has the containers asked for, on networks, some sharing a namespace or the host's", () => {
    const host = syntheticHost(100);
    expect(host.resources).toHaveLength(100);
    const modes = host.resources.map((r) => String(r.props.networkMode));
    expect(modes.filter((mode) => mode === "host").length).toBeGreaterThan(0);
    expect(modes.filter((mode) => mode.startsWith("container:")).length).toBeGreaterThan(0);
    expect(host.memberships).toBeGreaterThan(host.containers);
  });
});

describe("scaled inventories", () => {
  test("the homelab x3 is a valid inventory three times the size", () => {
    const original = Object.fromEntries(Object.entries(stackConfigData("homelab")).map(([key, value]) => [`homeops:${key}`, value]));
    const { settings } = scaleHomelab(copy(original), 3);
    const data = Object.fromEntries(Object.entries(settings).map(([key, value]) => [key.replace(/^homeops:/, ""), value]));
    const result = validateHomelabConfig(data);
    expect("issues" in result ? result.issues : []).toEqual([]);
    expect(data.talos.machines).toHaveLength(3 * original["homeops:talos"].machines.length);
    expect(Object.keys(data.proxmoxVms)).toHaveLength(3 * Object.keys(original["homeops:proxmoxVms"]).length);
    expect(Object.keys(data.dockerHosts)).toHaveLength(3 * Object.keys(original["homeops:dockerHosts"]).length);
    expect(data.dockerStacks).toHaveLength(3 * original["homeops:dockerStacks"].length);
  });

  test("a homelab whose cluster declares its LAN itself (no homeops:proxmox) scales, widening that LAN", () => {
    const original = Object.fromEntries(Object.entries(stackConfigData("homelab")).map(([key, value]) => [`homeops:${key}`, value]));
    const { bridge: _bridge, ...lan } = original["homeops:proxmox"].networks[original["homeops:talos"].network];
    original["homeops:talos"].network = lan;
    for (const key of ["proxmox", "proxmoxContainers", "proxmoxVms"]) delete original[`homeops:${key}`];
    const { settings } = scaleHomelab(copy(original), 2);
    const data = Object.fromEntries(Object.entries(settings).map(([key, value]) => [key.replace(/^homeops:/, ""), value]));
    const result = validateHomelabConfig(data);
    expect("issues" in result ? result.issues : []).toEqual([]);
    expect(data.talos.network.subnet).toMatch(/\.0\.0\/16$/);
    expect(data.talos.machines).toHaveLength(2 * original["homeops:talos"].machines.length);
  });

  test("a Docker inventory x2 doubles hosts and stacks", () => {
    const original = Object.fromEntries(Object.entries(stackConfigData("vps")).map(([key, value]) => [`homeops:${key}`, value]));
    const { settings } = scaleDockerInventory(copy(original), 2, "vps");
    expect(Object.keys(settings["homeops:dockerHosts"])).toHaveLength(2 * Object.keys(original["homeops:dockerHosts"]).length);
    expect(settings["homeops:dockerStacks"]).toHaveLength(2 * original["homeops:dockerStacks"].length);
  });
});

describe("the VPS against deploy-vps-infra", () => {
  test("the original procedure deploys every stack of the vps stack file once, in numbered steps", () => {
    const stacks = (stackConfigData("vps").dockerStacks as { name: string }[]).map((stack) => stack.name);
    expect(ORIGINAL_VPS_PROCEDURE.map((step) => step.number)).toEqual(ORIGINAL_VPS_PROCEDURE.map((_, index) => index + 1));
    expect(ORIGINAL_VPS_PROCEDURE.flatMap((step) => step.stacks).sort()).toEqual(stacks.sort());
  });

  const stackComponent = (name: string) => resource(name, "homeops:docker:Stack");
  const gateway = stackComponent("gateway");
  const edge = stackComponent("edge");
  const proxy = resource("h/proxy", "docker:index/container:Container", { parent: gateway.urn, provider: urn("h", "pulumi:providers:docker"), inputs: { name: "proxy" } });
  const waiter = resource("h/waiter", "docker:index/container:Container", { parent: edge.urn, provider: urn("h", "pulumi:providers:docker"), inputs: { name: "waiter" }, dependencies: [proxy.urn] });
  const resources = [resource("h", "pulumi:providers:docker"), gateway, edge, proxy, waiter];

  test("a step is kept only where a container of the later step needs one of the earlier", () => {
    const steps = [{ number: 1, stacks: ["gateway"] }, { number: 2, stacks: ["edge"] }];
    expect(compareWithProcedure(resources, steps)[0].kept).toEqual([{ container: "waiter", waitsOn: "proxy" }]);
    expect(compareWithProcedure(resources, [...steps].reverse())[0].kept).toEqual([]);
  });

  test("a container dependency the inventory does not declare is flagged", () => {
    const declared = declaredNeeds([{ host: "h", containers: [{ name: "waiter", dependsOn: {} }, { name: "proxy", dependsOn: {} }] }]);
    expect(containerDependencies(resources, declared)).toEqual([{ host: "h", container: "waiter", waitsOn: "proxy", kind: "explicit", declaredBy: undefined }]);
    const asked = declaredNeeds([{ host: "h", containers: [{ name: "waiter", dependsOn: { proxy: "healthy" } }] }]);
    expect(containerDependencies(resources, asked)[0].declaredBy).toMatch(/dependsOn\.proxy/);
  });
});

test("--fail names a resource by logical name, or by a tail of type::name", () => {
  expect(matchesResource("talos-cp-1", "proxmoxve:index/vmLegacy:VmLegacy", "talos-cp-1")).toBe(true);
  expect(matchesResource("VmLegacy::talos-cp-1", "proxmoxve:index/vmLegacy:VmLegacy", "talos-cp-1")).toBe(true);
  expect(matchesResource("VmLegacy::talos-cp-1", "pulumi-nodejs:dynamic/talos:TalosNodeConfiguration", "talos-cp-1")).toBe(false);
  expect(matchesResource("cp-1", "proxmoxve:index/vmLegacy:VmLegacy", "talos-cp-1")).toBe(false);
});
