/**
 * A cluster beyond three identical VMs, planned and generated: control planes and workers of
 * their own sizes, a bare-metal worker and control plane, patches per cluster, role and node,
 * and the cluster's own pod and service subnets; every generated document schema-checked.
 */
import { vmLegacyArgs } from "../../components/proxmox/vm";
import { checkMachineConfigs, clusterConfigInput, isPlannedVm, planTalosCluster, talosVmSpec } from "../../components/talos/clusterPlan";
import { TalosConfigError } from "../../components/talos/errors";
import { generateMachineConfig, type TalosDocument } from "../../components/talos/machineConfig";
import { validateHomelabConfig } from "../../config/stacks";
import type { TalosClusterSpec } from "../../config/talos";
import { stabilitySecrets } from "../talos/conformance";
import { talosSchemaValidator } from "../talos/talosSchema";
import { copy } from "../support/stackConfig";
import { talosExampleData } from "./talosExample";

/** The example's three control planes, plus two worker VMs, a bare-metal worker and a bare-metal control plane. */
function mixedClusterData(): Record<string, any> {
  const data = copy(talosExampleData());
  Object.assign(data.talos, {
    podSubnets: ["10.42.0.0/16"],
    serviceSubnets: ["10.43.0.0/16"],
    evenControlPlanesAcknowledged: true,
    roles: {
      controlplane: { vm: { cores: 2, memoryMb: 8192, dataDisks: [] }, patches: [{ machine: { sysctls: { "vm.origin": "controlplane role" } } }] },
      worker: { vm: { memoryMb: 12288 }, patches: [{ machine: { sysctls: { "vm.origin": "worker role", "vm.role": "worker" } } }] },
    },
    patches: [
      { machine: { sysctls: { "vm.origin": "cluster", "vm.cluster": "all" } } },
      "apiVersion: v1alpha1\nkind: TimeSyncConfig\nntp:\n  servers: [time.cloudflare.com]\n",
    ],
  });
  data.talos.nodes.push(
    { name: "talos-w-1", role: "worker", proxmoxNode: "pve2", vmId: 304, ip: "192.168.11.64" },
    { name: "talos-w-2", role: "worker", proxmoxNode: "pve3", vmId: 305, ip: "192.168.11.65", vm: { cores: 8, memoryMb: 32768, osDisk: { datastore: "local-zfs", sizeGb: 64 }, pciDevices: [{ mapping: "rtx3090" }] }, patches: [{ machine: { sysctls: { "vm.origin": "node" } } }] },
    { name: "metal-w-1", role: "worker", ip: "192.168.11.70", bareMetal: { macAddress: "0C:C4:7A:12:34:56", maintenanceAddress: "192.168.11.150" }, installDisk: "/dev/nvme0n1" },
    { name: "metal-cp-4", role: "controlplane", ip: "192.168.11.71", bareMetal: { macAddress: "0c:c4:7a:00:00:04" } },
  );
  data.proxmox.pciMappings = { rtx3090: { devices: [{ node: "pve3", path: "0000:01:00.0", id: "10de:2204" }] } };
  return data;
}

function parse(data: Record<string, any>): { talos: TalosClusterSpec; lan: any } {
  const result = validateHomelabConfig(data);
  if ("issues" in result) throw new Error(JSON.stringify(result.issues));
  if (result.config.talos.manager !== "homeops") throw new Error("not a cluster of the program's");
  return { talos: result.config.talos, lan: result.config.proxmox!.networks.lan };
}

const { talos, lan } = parse(mixedClusterData());
const plan = planTalosCluster(talos, lan);
const node = (name: string) => plan.nodes.find((candidate) => candidate.name === name)!;
const configs = Object.fromEntries(plan.nodes.map((planned) => [planned.name, generateMachineConfig(clusterConfigInput(talos, stabilitySecrets()), planned.config)]));
const v1alpha1 = (name: string) => configs[name][0] as { machine: Record<string, any>; cluster: Record<string, any> };

describe("VM sizes: the cluster's, then the role's, then the node's", () => {
  const vmOf = (name: string) => {
    const planned = node(name);
    if (!isPlannedVm(planned)) throw new Error(`${name} is no VM`);
    return talosVmSpec(talos, planned, lan, { systemImage: "local:iso/talos.img", userData: `local:snippets/${name}.yaml` });
  };

  test("control planes take their role's size and no data disks", () => {
    expect(vmOf("talos-cp-1")).toMatchObject({ cpu: { cores: 2, type: "host" }, memoryMb: 8192, disks: [{ datastore: "local-zfs", sizeGb: 32 }] });
    expect(vmOf("talos-cp-1").disks).toHaveLength(1);
  });

  test("a worker takes its role's memory and the cluster's cores and disks", () => {
    expect(vmOf("talos-w-1")).toMatchObject({ cpu: { cores: 4 }, memoryMb: 12288, disks: [{ sizeGb: 32 }, { datastore: "local-zfs", sizeGb: 200 }] });
  });

  test("a node's own size wins field by field", () => {
    expect(vmOf("talos-w-2")).toMatchObject({ cpu: { cores: 8 }, memoryMb: 32768, disks: [{ sizeGb: 64 }, { sizeGb: 200 }] });
  });

  test("a node's GPU is passed through by its mapping on a PCIe port of a q35 VM that does not balloon; the others get none", () => {
    const args = vmLegacyArgs(vmOf("talos-w-2"));
    expect(args).toMatchObject({ machine: "q35", bios: "seabios", hostpcis: [{ device: "hostpci0", mapping: "rtx3090", pcie: true }], memory: { dedicated: 32768, floating: 0 } });
    expect(vmLegacyArgs(vmOf("talos-w-1")).hostpcis).toBeUndefined();
  });
});

describe("workers", () => {
  test("get worker configs: no VIP, no control-plane secrets, not among the control-plane addresses", () => {
    for (const name of ["talos-w-1", "talos-w-2", "metal-w-1"]) {
      expect(v1alpha1(name).machine.type).toBe("worker");
      expect(configs[name].map((document) => document.kind)).not.toContain("Layer2VIPConfig");
      expect(v1alpha1(name).cluster).not.toHaveProperty("etcd");
      expect(v1alpha1(name).machine.ca.key).toBe("");
    }
    expect(plan.controlPlaneIps).toEqual(["192.168.11.61", "192.168.11.62", "192.168.11.63", "192.168.11.71"]);
  });

  test("etcd is bootstrapped on the first control plane even when a worker is declared first", () => {
    const workerFirst = { ...talos, nodes: [talos.nodes[3], ...talos.nodes.slice(0, 3)] };
    expect(planTalosCluster(workerFirst, lan).bootstrapNode.name).toBe("talos-cp-1");
  });
});

describe("bare-metal nodes", () => {
  test("no VM, no factory disk image: the metal installer, the declared NIC, maintenance address and install disk", () => {
    expect(node("metal-w-1")).toMatchObject({
      macAddress: "0c:c4:7a:12:34:56",
      installerImage: `factory.talos.dev/metal-installer/${talos.schematicId}:v1.13.9`,
      machine: { kind: "bareMetal", maintenanceAddress: "192.168.11.150" },
    });
    expect(node("metal-cp-4").machine).toEqual({ kind: "bareMetal", maintenanceAddress: "192.168.11.71" });
    expect(plan.images.map((image) => image.proxmoxNode).sort()).toEqual(["pve1", "pve2", "pve3"]);
    expect(v1alpha1("metal-w-1").machine.install).toMatchObject({ disk: "/dev/nvme0n1", image: node("metal-w-1").installerImage });
    expect(v1alpha1("metal-cp-4").machine.install.disk).toBe("/dev/sda");
    expect(configs["metal-w-1"]).toContainEqual(expect.objectContaining({ kind: "LinkAliasConfig", selector: { match: 'mac(link.hardware_addr) == "0c:c4:7a:12:34:56"' } }));
    expect(configs["metal-w-1"]).toContainEqual(expect.objectContaining({ kind: "LinkConfig", addresses: [{ address: "192.168.11.70/24" }] }));
  });

  test("a bare-metal control plane announces the VIP like the others", () => {
    expect(configs["metal-cp-4"]).toContainEqual({ apiVersion: "v1alpha1", kind: "Layer2VIPConfig", name: "192.168.11.60", link: "net0" });
  });
});

describe("patches and subnets", () => {
  test("merged cluster, then role, then node, as talosctl --config-patch applies them in order", () => {
    expect(v1alpha1("talos-cp-1").machine.sysctls).toEqual({ "vm.origin": "controlplane role", "vm.cluster": "all" });
    expect(v1alpha1("talos-w-1").machine.sysctls).toEqual({ "vm.origin": "worker role", "vm.cluster": "all", "vm.role": "worker" });
    expect(v1alpha1("talos-w-2").machine.sysctls).toEqual({ "vm.origin": "node", "vm.cluster": "all", "vm.role": "worker" });
    // A patch may add a document the generator does not write.
    expect(configs["metal-w-1"]).toContainEqual({ apiVersion: "v1alpha1", kind: "TimeSyncConfig", ntp: { servers: ["time.cloudflare.com"] } });
  });

  test("the cluster's pod and service subnets are in every node's config", () => {
    for (const name of Object.keys(configs)) {
      expect(v1alpha1(name).cluster.network).toMatchObject({ podSubnets: ["10.42.0.0/16"], serviceSubnets: ["10.43.0.0/16"] });
    }
  });

  test("every generated document of every node is valid against Talos's v1.13.9 schema", () => {
    const validate = talosSchemaValidator();
    for (const [name, documents] of Object.entries(configs)) {
      for (const document of documents) expect({ name, kind: document.kind, errors: validate(document) }).toEqual({ name, kind: document.kind, errors: [] });
    }
  });

  test.each<[string, (data: Record<string, any>) => void, string]>([
    [
      "a node's patch that changes the pod subnets",
      (data) => (data.talos.nodes[4].patches = [{ cluster: { network: { podSubnets: ["10.244.0.0/16"] } } }]),
      'homeops:talos.nodes[4].patches[0], the v1alpha1 document: changes cluster.network.podSubnets from ["10.42.0.0/16"] to ["10.244.0.0/16"]; the pod subnets are an input',
    ],
    [
      "a role's patch that changes the installer image",
      (data) => (data.talos.roles.worker.patches = [{ machine: { install: { image: "ghcr.io/siderolabs/installer:v1.13.9" } } }]),
      "homeops:talos.roles.worker.patches[0], the v1alpha1 document: changes machine.install.image",
    ],
    [
      "a cluster patch that does not fit the document",
      (data) => (data.talos.patches = [{ machine: { certSANs: { name: "x" } } }]),
      "homeops:talos.patches[0], the v1alpha1 document, machine.certSANs: cannot merge a mapping into a list",
    ],
    ["a cluster patch of a kind the v1.13 contract has not", (data) => (data.talos.patches = ["apiVersion: v1alpha1\nkind: KubeletConfig\n"]), "homeops:talos.patches[0]: kind KubeletConfig is not a document"],
  ])("%s is refused naming it", (_what, mutate, message) => {
    const data = mixedClusterData();
    mutate(data);
    const spec = parse(data).talos;
    const generateAll = () => planTalosCluster(spec, lan).nodes.map((planned) => generateMachineConfig(clusterConfigInput(spec, stabilitySecrets()), planned.config));
    expect(generateAll).toThrow(TalosConfigError);
    expect(generateAll).toThrow(message);
    // The same error, before any resource exists, from the check the cluster component runs first.
    expect(() => checkMachineConfigs(spec, planTalosCluster(spec, lan))).toThrow(message);
  });
});

test("the check passes the configs that generate", () => {
  expect(() => checkMachineConfigs(talos, plan)).not.toThrow();
});

test("the documents a patch adds are the only ones beyond the generator's", () => {
  const unpatched = parse({ ...mixedClusterData(), talos: { ...mixedClusterData().talos, patches: [], roles: {} } }).talos;
  const kinds = (documents: TalosDocument[]) => documents.map((document) => document.kind ?? "v1alpha1");
  const before = generateMachineConfig(clusterConfigInput(unpatched, stabilitySecrets()), planTalosCluster(unpatched, lan).nodes[5].config);
  expect(kinds(configs["metal-w-1"])).toEqual([...kinds(before), "TimeSyncConfig"]);
});
