/**
 * The example stack files of other homelabs (examples/<name>/, issue 13): each one planned
 * offline as its stack, judged by the policy pack, and held to its README. The README's
 * "Declares" table names plan resources as `<kind> <name>`, the type and name
 * `npm run plan` prints; every one of them must be in the plan, and every VM, LXC, PCI
 * mapping, node bridge and VLAN, Talos node, Helm release, Deployment, container and tunnel of
 * the plan must be named there, so the README
 * can neither claim what the file does not declare nor leave out what it does. An item
 * `machine-config <node>:<text>` says that node's generated Talos machine config contains the
 * text (a subnet, a patched field, the VIP's document).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { Plan, PlannedResource } from "../../policy/contract/plan";
import { evaluatePlan } from "../../policy/evaluate";
import { policyConfigForStack } from "../../tools/plan/policyConfig";
import { cliConfigEnvironment, readOfflineConfig } from "../../tools/plan/stackConfig";
import { stackPreview } from "../support/previews";
import { ROOT } from "../support/stackConfig";

interface Example {
  name: string;
  /** Each stack file of the example and the stack it is planned as. */
  stacks: { stack: "homelab" | "vps"; file: string }[];
}

const EXAMPLES: Example[] = [
  { name: "cluster-template", stacks: [{ stack: "homelab", file: "Pulumi.cluster-template.yaml" }] },
  { name: "proxmox-platform", stacks: [{ stack: "homelab", file: "Pulumi.proxmox-platform.yaml" }] },
  { name: "talos-digests", stacks: [{ stack: "homelab", file: "Pulumi.talos-digests.yaml" }] },
  {
    name: "vps-gateway",
    stacks: [
      { stack: "homelab", file: "Pulumi.vps-gateway-homelab.yaml" },
      { stack: "vps", file: "Pulumi.vps-gateway-vps.yaml" },
    ],
  },
];

/** The README's kinds, each the plan resource type it names (`kubernetes` is any cluster object). */
const KINDS: Record<string, (type: string) => boolean> = {
  vm: (type) => type === "proxmoxve:index/vmLegacy:VmLegacy",
  lxc: (type) => type === "proxmoxve:index/containerLegacy:ContainerLegacy",
  "pci-mapping": (type) => type === "proxmoxve:hardware/mapping/pci:Pci",
  bridge: (type) => type === "proxmoxve:network/linux/bridge:Bridge",
  vlan: (type) => type === "proxmoxve:network/linux/vlan:Vlan",
  "talos-node": (type) => type === "pulumi-nodejs:dynamic/talos:TalosNodeConfiguration",
  release: (type) => type === "kubernetes:helm.sh/v4:Chart",
  namespace: (type) => type === "kubernetes:core/v1:Namespace",
  secret: (type) => type === "kubernetes:core/v1:Secret",
  deployment: (type) => type === "kubernetes:apps/v1:Deployment",
  kubernetes: (type) => type.startsWith("kubernetes:"),
  container: (type) => type === "docker:index/container:Container",
  "docker-network": (type) => type === "docker:index/network:Network",
  tunnel: (type) => type === "cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared",
  record: (type) => type === "cloudflare:index/dnsRecord:DnsRecord",
};

/** What the README must name completely: the machines, the hosts' networks and the workloads. */
const LISTED_IN_FULL = ["vm", "lxc", "pci-mapping", "bridge", "vlan", "talos-node", "release", "deployment", "container", "tunnel"];

const exampleDir = (example: Example) => join(ROOT, "examples", example.name);

/** The kind of an item about a node's generated machine config: `<node>:<text it contains>`. */
const MACHINE_CONFIG = "machine-config";

/** The `<kind> <name>` items of the README's "Declares" section (up to the next `## `). */
function declaredItems(readme: string): { kind: string; name: string }[] {
  const section = /^## Declares\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(readme)?.[1];
  if (section === undefined) throw new Error("the README has no `## Declares` section");
  const kinds = [...Object.keys(KINDS), MACHINE_CONFIG].join("|");
  return [...section.matchAll(new RegExp(`\`(${kinds}) ([^\`]+)\``, "g"))].map(([, kind, name]) => ({ kind, name }));
}


/** Whether a name appears in the section as an item of that kind. */
const named = (items: { kind: string; name: string }[], kind: string, name: string) => items.some((item) => item.kind === kind && item.name === name);

/** Linux's limit on one environment string (MAX_ARG_STRLEN: 32 pages of 4 KiB), `NAME=value` and its NUL included. */
const ENVIRONMENT_STRING_LIMIT = 32 * 4096;

describe.each(EXAMPLES)("examples/$name", (example) => {
  const plans: { stack: string; file: string; plan: Plan }[] = [];
  let machineConfigs: Record<string, string> = {};
  let items: { kind: string; name: string }[];
  beforeAll(async () => {
    for (const { stack, file } of example.stacks) {
      const path = join(exampleDir(example), file);
      const preview = await stackPreview(stack, path);
      plans.push({ stack, file, plan: preview.plan });
      machineConfigs = { ...machineConfigs, ...preview.machineConfigs };
    }
    items = declaredItems(readFileSync(join(exampleDir(example), "README.md"), "utf8"));
  });
  const resources = (): PlannedResource[] => plans.flatMap(({ plan }) => plan.resources);

  test("each stack file plans, and the policy pack finds nothing", async () => {
    for (const { stack, file, plan } of plans) {
      expect(plan.resources.length).toBeGreaterThan(0);
      const report = await evaluatePlan(plan, policyConfigForStack(stack, join(exampleDir(example), file)));
      expect({ file, violations: report.violations.map((violation) => `${violation.policyName} ${violation.name}: ${violation.message}`) }).toEqual({ file, violations: [] });
    }
  });

  test("every resource the README says it declares is in the plan", () => {
    expect(items.length).toBeGreaterThan(0);
    const inPlan = ({ kind, name }: { kind: string; name: string }) => {
      if (kind !== MACHINE_CONFIG) return resources().some((resource) => KINDS[kind](resource.type) && resource.name === name);
      const [node, text] = [name.slice(0, name.indexOf(":")), name.slice(name.indexOf(":") + 1)];
      return machineConfigs[node]?.includes(text) ?? false;
    };
    expect(items.filter((item) => !inPlan(item))).toEqual([]);
  });

  test("every VM, LXC, PCI mapping, bridge, VLAN, Talos node, release, Deployment, container and tunnel of the plan is in the README", () => {
    const unlisted = LISTED_IN_FULL.flatMap((kind) =>
      resources()
        .filter((resource) => KINDS[kind](resource.type) && !named(items, kind, resource.name))
        .map((resource) => `${kind} ${resource.name}`),
    );
    expect(unlisted).toEqual([]);
  });

  test("the CNI the platform installs (Cilium, or a custom release) comes first: every other release waits for it", () => {
    for (const { stack, file, plan } of plans.filter(({ stack }) => stack === "homelab")) {
      const cni = parse(readFileSync(join(exampleDir(example), file), "utf8")).config["homeops:talos"].cni as { name: string; release?: string };
      const charts = plan.resources.filter((resource) => KINDS.release(resource.type));
      const first = charts.find((chart) => chart.name === `platform/${cni.name === "custom" ? cni.release : cni.name}`);
      expect({ stack, file, cni: cni.name, installed: first !== undefined }).toEqual({ stack, file, cni: cni.name, installed: cni.name !== "flannel" });
      if (!first) continue;
      expect(charts.filter((chart) => chart !== first && !chart.dependencies.includes(first.urn)).map((chart) => chart.name)).toEqual([]);
    }
  });

  test("the configuration fits the one environment variable the Pulumi CLI passes it in", () => {
    for (const { file } of example.stacks) {
      const { PULUMI_CONFIG } = cliConfigEnvironment(readOfflineConfig(join(exampleDir(example), file), "homeops"));
      expect({ file, fits: Buffer.byteLength(`PULUMI_CONFIG=${PULUMI_CONFIG}`) + 1 <= ENVIRONMENT_STRING_LIMIT }).toEqual({ file, fits: true });
    }
  });
});

test("examples/cluster-template: its bare-metal cluster on a LAN of its own plans without a Proxmox provider or resource", async () => {
  const { plan } = await stackPreview("homelab", join(ROOT, "examples", "cluster-template", "Pulumi.cluster-template.yaml"));
  const proxmox = plan.resources.filter((resource) => /^(pulumi:providers:)?proxmoxve\b|^homeops:proxmox:/.test(resource.type));
  expect(proxmox.map((resource) => `${resource.type} ${resource.name}`)).toEqual([]);
  expect(plan.resources.some((resource) => resource.type === "pulumi-nodejs:dynamic/talos:TalosNodeConfiguration")).toBe(true);
});

describe("the README's Declares section", () => {
  const readme = ["# x", "## Declares", "| a | `vm k8s/cp-1` `release platform/flux` `machine-config cp-1:kind: Layer2VIPConfig` `homeops:talos.vip` |", "", "## Leaves out", "`vm not-this`"].join("\n");

  test("is read up to the next section, by kind and name", () => {
    expect(declaredItems(readme)).toEqual([
      { kind: "vm", name: "k8s/cp-1" },
      { kind: "release", name: "platform/flux" },
      { kind: "machine-config", name: "cp-1:kind: Layer2VIPConfig" },
    ]);
  });

  test("is required", () => {
    expect(() => declaredItems("# x\n## Leaves out\n")).toThrow("no `## Declares` section");
  });
});
