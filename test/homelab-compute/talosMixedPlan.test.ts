/**
 * The offline preview of a cluster beyond three identical VMs (Pulumi.talos-mixed.yaml):
 * control planes and workers of their own sizes, a bare-metal worker, patches and subnets.
 */
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import type { Plan } from "../../policy/contract/plan";
import { evaluatePlan } from "../../policy/evaluate";
import { policyConfigForStack } from "../../tools/plan/policyConfig";
import { planIndex, type PlanIndex } from "../support/planIndex";
import { stackPreview } from "../support/previews";
import { talosSchemaValidator } from "../talos/talosSchema";

const STACK_FILE = join(__dirname, "Pulumi.talos-mixed.yaml");
const VM = "proxmoxve:index/vmLegacy:VmLegacy";
const SNIPPET = "proxmoxve:index/fileLegacy:FileLegacy";
const IMAGE = "proxmoxve:download/file:File";
const NODE_CONFIGURATION = "pulumi-nodejs:dynamic/talos:TalosNodeConfiguration";
const BOOTSTRAP = "pulumi-nodejs:dynamic/talos:TalosBootstrap";
const inCluster = (name: string) => `mixed/${name}`;

let plan: Plan;
let index: PlanIndex;
let machineConfigs: Record<string, string>;
beforeAll(async () => {
  ({ plan, machineConfigs } = await stackPreview("homelab", STACK_FILE));
  index = planIndex(plan.resources);
});

const documentsOf = (name: string) => parseAllDocuments(machineConfigs[name]).map((document) => document.toJS() as Record<string, any>);

test("five VMs, each of its role's or its own size; the bare-metal worker has none, nor a snippet", () => {
  const vms = index.ofType(VM).map((vm) => [vm.inputs.name, vm.inputs.nodeName, (vm.inputs.memory as { dedicated: number }).dedicated, (vm.inputs.cpu as { cores: number }).cores]);
  expect(vms.sort()).toEqual([
    ["talos-cp-1", "pve1", 8192, 2],
    ["talos-cp-2", "pve2", 8192, 2],
    ["talos-cp-3", "pve3", 8192, 2],
    ["talos-w-1", "pve1", 16384, 4],
    ["talos-w-2", "pve2", 32768, 8],
  ]);
  expect(index.ofType(SNIPPET).map((snippet) => snippet.name).sort()).toEqual(["talos-cp-1", "talos-cp-2", "talos-cp-3", "talos-w-1", "talos-w-2"].map((name) => inCluster(`${name}-user-data`)));
  expect(index.ofType(IMAGE)).toHaveLength(3);
});

test("the bare-metal worker's configuration is applied in maintenance mode, in its turn after the VMs before it", () => {
  const metal = index.named(NODE_CONFIGURATION, inCluster("metal-w-1"));
  expect(metal.inputs).toMatchObject({
    node: "192.168.11.70",
    maintenanceAddress: "192.168.11.150",
    machineConfig: "[secret]",
    installerImage: expect.stringMatching(/^factory\.talos\.dev\/metal-installer\/[0-9a-f]{64}:v1\.13\.9$/),
  });
  expect(metal.dependencies).toContain(index.named(NODE_CONFIGURATION, inCluster("talos-w-2")).urn);
  expect(metal.dependencies.filter((urn) => urn.includes("vmLegacy"))).toEqual([]);
  expect(index.named(NODE_CONFIGURATION, inCluster("talos-w-1")).inputs).not.toHaveProperty("maintenanceAddress");
});

test("etcd is bootstrapped on the first control plane once every VM exists and the bare-metal machine is configured", () => {
  const [bootstrap] = index.ofType(BOOTSTRAP);
  expect(bootstrap.inputs).toMatchObject({ node: "192.168.11.61" });
  for (const name of ["talos-cp-1", "talos-cp-2", "talos-cp-3", "talos-w-1", "talos-w-2"]) expect(bootstrap.dependencies).toContain(index.named(VM, inCluster(name)).urn);
  expect(bootstrap.dependencies).toContain(index.named(NODE_CONFIGURATION, inCluster("metal-w-1")).urn);
});

test("workers get worker configs without the VIP; every config has the cluster's subnets, its patches and validates", () => {
  const validate = talosSchemaValidator();
  expect(Object.keys(machineConfigs).sort()).toEqual(["metal-w-1", "talos-cp-1", "talos-cp-2", "talos-cp-3", "talos-w-1", "talos-w-2"]);
  for (const name of Object.keys(machineConfigs)) {
    const documents = documentsOf(name);
    const [v1alpha1] = documents;
    const worker = !name.startsWith("talos-cp");
    expect({ name, type: v1alpha1.machine.type, vip: documents.some((document) => document.kind === "Layer2VIPConfig") }).toEqual({ name, type: worker ? "worker" : "controlplane", vip: !worker });
    expect(v1alpha1.cluster.network).toMatchObject({ podSubnets: ["10.42.0.0/16"], serviceSubnets: ["10.43.0.0/16"] });
    expect(documents).toContainEqual({ apiVersion: "v1alpha1", kind: "TimeSyncConfig", ntp: { servers: ["time.cloudflare.com"] } });
    expect(v1alpha1.machine.nodeLabels?.["example.com/pool"]).toBe(worker ? "general" : undefined);
    for (const document of documents) expect({ name, kind: document.kind, errors: validate(document) }).toEqual({ name, kind: document.kind, errors: [] });
  }
  expect(documentsOf("metal-w-1")[0].machine).toMatchObject({ install: { disk: "/dev/nvme0n1" }, kernel: { modules: [{ name: "nvidia" }] } });
});

test("the policy pack finds nothing to refuse", async () => {
  const report = await evaluatePlan(plan, policyConfigForStack("homelab", STACK_FILE));
  expect(report.violations).toEqual([]);
});
