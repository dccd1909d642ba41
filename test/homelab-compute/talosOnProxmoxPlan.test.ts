/**
 * A Talos cluster this program builds on Proxmox VMs (homeops:talos.manager: homeops), as the
 * offline preview records the example stack file (the homelab's own cluster is Omni's).
 */
import * as pulumi from "@pulumi/pulumi";
import { parseAllDocuments } from "yaml";
import type { Plan } from "../../policy/contract/plan";
import { planIndex, type PlanIndex } from "../support/planIndex";
import { stackPreview, type StackPreview } from "../support/previews";
import { TALOS_EXAMPLE_FILE } from "./talosExample";

const VM = "proxmoxve:index/vmLegacy:VmLegacy";
const SNIPPET = "proxmoxve:index/fileLegacy:FileLegacy";
const IMAGE = "proxmoxve:download/file:File";
const NODE_CONFIGURATION = "pulumi-nodejs:dynamic/talos:TalosNodeConfiguration";
const NODES = ["talos-cp-1", "talos-cp-2", "talos-cp-3"];

let plan: Plan;
let index: PlanIndex;
let machineConfigs: Record<string, string>;
let outputs: StackPreview["outputs"];
beforeAll(async () => {
  ({ plan, machineConfigs, outputs } = await stackPreview("homelab", TALOS_EXAMPLE_FILE));
  index = planIndex(plan.resources);
});

const urnOf = (type: string, name: string) => index.named(type, name).urn;
const proxmoxProvider = () => index.named("pulumi:providers:proxmoxve", "proxmox");
/** The Talos cluster names what it creates for a node from its own name. */
const inCluster = (name: string) => `homeops/${name}`;

/** A registered resource's outputs in the mock monitor, secrets still marked. */
function registeredOutputs(urnSuffix: string): Record<string, unknown> {
  const urn = Object.keys(outputs).find((candidate) => candidate.endsWith(urnSuffix));
  if (!urn) throw new Error(`nothing registered as ${urnSuffix}`);
  return outputs[urn];
}
const isSecret = (value: unknown) => (value as Record<string, unknown>)?.[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;

describe("the Talos cluster's VMs", () => {
  test("three control-plane VMs, one per Proxmox node, protected and replaced only delete-first", () => {
    expect(index.ofType(VM).map((vm) => [vm.inputs.name, vm.inputs.nodeName, vm.protect, vm.deleteBeforeReplace]).sort()).toEqual([
      ["talos-cp-1", "pve1", true, true],
      ["talos-cp-2", "pve2", true, true],
      ["talos-cp-3", "pve3", true, true],
    ]);
  });

  test("neither a new snippet nor a new image replaces a VM", () => {
    for (const vm of index.ofType(VM)) expect(vm.ignoreChanges).toEqual(["initialization.userDataFileId", "disks[0].fileId"]);
  });

  test("each VM boots its node's snippet and the factory image on its own Proxmox node", () => {
    for (const name of NODES) {
      const vm = index.named(VM, inCluster(name));
      const image = index.ofType(IMAGE).find((file) => file.inputs.nodeName === vm.inputs.nodeName)!;
      expect(vm.propertyDependencies.disks).toEqual([image.urn]);
      expect(vm.propertyDependencies.initialization).toEqual([urnOf(SNIPPET, inCluster(`${name}-user-data`))]);
      expect(image.inputs).toMatchObject({
        contentType: "iso",
        datastoreId: "local",
        decompressionAlgorithm: "gz",
        url: expect.stringMatching(/^https:\/\/factory\.talos\.dev\/image\/[0-9a-f]{64}\/v1\.13\.9\/nocloud-amd64\.raw\.gz$/),
      });
    }
  });

  test("snippets are secret, keep their name, and a replaced one leaves the file to its successor", () => {
    for (const name of NODES) {
      const snippet = index.named(SNIPPET, inCluster(`${name}-user-data`));
      expect(snippet.inputs).toEqual({
        nodeName: index.named(VM, inCluster(name)).inputs.nodeName,
        datastoreId: "local",
        contentType: "snippets",
        sourceRaw: { data: "[secret]", fileName: `homeops-${name}.user-data.yaml` },
      });
      expect(snippet).toMatchObject({ retainOnDelete: true, deleteBeforeReplace: false, protect: false });
    }
  });

  test("every Proxmox resource goes through the cluster's provider", () => {
    const proxmoxResources = plan.resources.filter((resource) => resource.type.startsWith("proxmoxve:"));
    // Three images, snippets and VMs, and the example's one LXC.
    expect(proxmoxResources).toHaveLength(3 + 3 + 3 + 1);
    for (const resource of proxmoxResources) expect(resource.provider).toBe(proxmoxProvider().urn);
    expect(proxmoxProvider().inputs.apiToken).toBe("[secret]");
  });
});

describe("bootstrap, rollout and credentials", () => {
  test("etcd is bootstrapped once, on the first control plane, after every VM exists", () => {
    const [bootstrap] = index.ofType("pulumi-nodejs:dynamic/talos:TalosBootstrap");
    expect(bootstrap.inputs).toMatchObject({ node: "192.168.11.61", port: 50000, clientKeyPem: "[secret]", clientCertPem: "[secret]" });
    for (const name of NODES) expect(bootstrap.dependencies).toContain(urnOf(VM, inCluster(name)));
  });

  test("node configurations roll out one node at a time, each after its VM", () => {
    const configurationDependencies = (name: string) =>
      index.named(NODE_CONFIGURATION, inCluster(name)).dependencies.filter((urn) => urn.includes("TalosNodeConfiguration") || urn.includes("vmLegacy"));
    expect(configurationDependencies("talos-cp-1")).toEqual([urnOf(VM, inCluster("talos-cp-1"))]);
    expect(configurationDependencies("talos-cp-2").sort()).toEqual([urnOf(VM, inCluster("talos-cp-2")), urnOf(NODE_CONFIGURATION, inCluster("talos-cp-1"))].sort());
    expect(configurationDependencies("talos-cp-3").sort()).toEqual([urnOf(VM, inCluster("talos-cp-3")), urnOf(NODE_CONFIGURATION, inCluster("talos-cp-2"))].sort());
    expect(index.named(NODE_CONFIGURATION, inCluster("talos-cp-2")).inputs).toMatchObject({ node: "192.168.11.62", machineConfig: "[secret]", talosVersion: "v1.13.9" });
  });

  test("kubeconfig and talosconfig are secrets; the Kubernetes provider waits for the bootstrap", () => {
    const provider = index.named("pulumi:providers:kubernetes", "homeops");
    expect(provider.inputs.kubeconfig).toBe("[secret]");
    expect(provider.dependencies).toContain(index.ofType("pulumi-nodejs:dynamic/talos:TalosBootstrap")[0].urn);
    const stackOutputs = registeredOutputs("pulumi:pulumi:Stack::homeops-homelab");
    expect(isSecret(stackOutputs.kubeconfig)).toBe(true);
    expect(isSecret(stackOutputs.talosconfig)).toBe(true);
  });

  test("only control planes announce the VIP, every control plane does", () => {
    expect(Object.keys(machineConfigs).sort()).toEqual(NODES);
    for (const [name, text] of Object.entries(machineConfigs)) {
      const documents = parseAllDocuments(text).map((document) => document.toJS() as Record<string, any>);
      const type = documents[0].machine.type;
      const vip = documents.filter((document) => document.kind === "Layer2VIPConfig");
      expect({ name, vip: vip.map((document) => document.name) }).toEqual({ name, vip: type === "controlplane" ? ["192.168.11.60"] : [] });
    }
  });

  test("each node's config selects the NIC its VM has", () => {
    for (const name of NODES) {
      const vmState = registeredOutputs(`VmLegacy::${inCluster(name)}`) as { macAddresses: string[] };
      expect(machineConfigs[name]).toContain(`match: mac(link.hardware_addr) == "${vmState.macAddresses[0]}"`);
    }
  });

  test("no machine-config secret appears in the recorded plan", () => {
    const text = JSON.stringify(plan);
    const [v1alpha1] = parseAllDocuments(machineConfigs["talos-cp-1"]).map((document) => document.toJS() as Record<string, any>);
    for (const secret of [v1alpha1.cluster.secret, v1alpha1.cluster.token, v1alpha1.machine.token, v1alpha1.cluster.ca.key, v1alpha1.cluster.secretboxEncryptionSecret]) {
      expect(typeof secret).toBe("string");
      expect(text).not.toContain(secret);
    }
  });
});

