/**
 * The homelab planned offline with seed 002's GPU VM and VLANs (gpuVlanFixture): the node's
 * bridges, VLAN interface and the cluster's PCI mappings as the provider's resources, the VM
 * that passes the GPU through and the Talos nodes' VMs, each waiting for what it plugs
 * into, and the policy pack over all of it.
 */
import type { Plan, PlannedResource } from "../../policy/contract/plan";
import type { PackConfig } from "../../policy/config";
import { evaluatePlan, violationDetail } from "../../policy/evaluate";
import { importPlanFor, liveInventoryOf } from "../../tools/plan/importFile";
import { policyConfigForStack } from "../../tools/plan/policyConfig";
import { readHomeopsSettings } from "../../tools/plan/stackConfig";
import { planIndex, type PlanIndex } from "../support/planIndex";
import { stackPreview } from "../support/previews";
import { GPU_VM, gpuVlanStackFile, SSH_KEY, TALOS_GPU, TALOS_GPU_NODE } from "./gpuVlanFixture";

const BRIDGE = "proxmoxve:network/linux/bridge:Bridge";
const VLAN = "proxmoxve:network/linux/vlan:Vlan";
const PCI = "proxmoxve:hardware/mapping/pci:Pci";
const VM = "proxmoxve:index/vmLegacy:VmLegacy";

let plan: Plan;
let index: PlanIndex;
let packConfig: PackConfig;
let stackFile: string;

beforeAll(async () => {
  stackFile = gpuVlanStackFile();
  ({ plan } = await stackPreview("homelab", stackFile));
  index = planIndex(plan.resources);
  packConfig = policyConfigForStack("homelab", stackFile);
});

test("r720xd's bridges and its VLAN interface are the provider's network resources, protected and kept on the node if removed", () => {
  const vmbr1 = index.named(BRIDGE, "proxmox/r720xd/vmbr1");
  expect(vmbr1.inputs).toMatchObject({ nodeName: "r720xd", name: "vmbr1", ports: ["eno2"], vlanAware: true, vids: "30 100-110", comment: "lab trunk" });
  const storage = index.named(VLAN, "proxmox/r720xd/vmbr0.40");
  expect(storage.inputs).toEqual({ nodeName: "r720xd", name: "vmbr0.40", address: "10.40.0.15/24" });
  for (const resource of [vmbr1, storage, index.named(BRIDGE, "proxmox/r720xd/vmbr0")]) {
    expect(resource).toMatchObject({ protect: true, retainOnDelete: true });
    expect(resource.provider).toBe(index.named(VM, GPU_VM).provider);
  }
  expect(index.waitsFor(storage, index.named(BRIDGE, "proxmox/r720xd/vmbr0"))).toBe(true);
});

test("the adopted vmbr0 is made VLAN-aware for its two VLANs and keeps its address, gateway and ports as the node has them", () => {
  const vmbr0 = index.named(BRIDGE, "proxmox/r720xd/vmbr0");
  expect(vmbr0.inputs).toEqual({ nodeName: "r720xd", name: "vmbr0", vlanAware: true, vids: "20 40" });
  expect([...vmbr0.ignoreChanges].sort()).toEqual(["address", "address6", "autostart", "comment", "gateway", "gateway6", "mtu", "ports"]);
});

test("the import file adopts the existing vmbr0 by <node>:<name>, under its node's network component, and the existing PCI mapping by its name; the new ones are created", () => {
  const { file } = importPlanFor(plan, liveInventoryOf(readHomeopsSettings(stackFile)));
  const interfaces = file.resources.filter((resource) => resource.type === BRIDGE || resource.type === VLAN);
  expect(interfaces).toEqual([{ type: BRIDGE, name: "proxmox/r720xd/vmbr0", id: "r720xd:vmbr0", parent: "NodeNetwork:proxmox/r720xd", provider: "proxmoxve:proxmox" }]);
  expect(file.resources).toContainEqual({ type: "homeops:proxmox:NodeNetwork", name: "proxmox/r720xd", component: true, parent: "Cluster:proxmox" });
  expect(file.resources.filter((resource) => resource.type === PCI)).toEqual([{ type: PCI, name: `proxmox/pci/${TALOS_GPU}`, id: TALOS_GPU, parent: "Cluster:proxmox", provider: "proxmoxve:proxmox" }]);
});

test("the mapping made in the Proxmox UI is protected, kept in the cluster if removed, and keeps what its entry leaves out; the new one is the program's", () => {
  const existing = index.named(PCI, `proxmox/pci/${TALOS_GPU}`);
  expect(existing.inputs).toMatchObject({ name: TALOS_GPU, maps: [{ node: "r720xd", path: "0000:43:00.0", id: "10de:1bb3" }] });
  expect(existing).toMatchObject({ protect: true, retainOnDelete: true });
  expect([...existing.ignoreChanges].sort()).toEqual(["comment", "maps[0].comment", "maps[0].iommuGroup", "maps[0].subsystemId", "mediatedDevices"]);
  const created = index.named(PCI, "proxmox/pci/rtx3090");
  expect(created).toMatchObject({ protect: false, retainOnDelete: false, ignoreChanges: [] });
});

test("the GPU's cluster mapping, and the VM passing it through on q35 with OVMF and an EFI disk, without ballooning", () => {
  expect(index.named(PCI, "proxmox/pci/rtx3090").inputs).toMatchObject({
    name: "rtx3090",
    mediatedDevices: false,
    maps: [{ node: "r720xd", path: "0000:42:00.0", id: "10de:2204", subsystemId: "1458:403b", iommuGroup: 42 }],
  });
  const vm = index.named(VM, GPU_VM);
  expect(vm.inputs).toMatchObject({
    nodeName: "r720xd",
    vmId: 150,
    machine: "q35",
    bios: "ovmf",
    efiDisk: { datastoreId: "ssdpool0-store", type: "4m" },
    memory: { dedicated: 16384, floating: 0 },
    hostpcis: [{ device: "hostpci0", mapping: "rtx3090", pcie: true, xvga: true, rombar: true }],
  });
  // The cloud image is written to the disk when the VM is created, and never again.
  expect((vm.inputs.disks as Record<string, unknown>[])[0]).toMatchObject({ interface: "scsi0", datastoreId: "ssdpool0-store", size: 128, fileId: "local:iso/noble-server-cloudimg-amd64.img" });
  expect(vm.ignoreChanges).toEqual(["disks[0].fileId"]);
  expect(index.waitsFor(vm, index.named(PCI, "proxmox/pci/rtx3090"))).toBe(true);
  expect(index.waitsFor(vm, index.named(BRIDGE, "proxmox/r720xd/vmbr0"))).toBe(true);
  expect(index.waitsFor(vm, index.named(BRIDGE, "proxmox/r720xd/vmbr1"))).toBe(false);
});

test("each Talos node's VM waits for r720xd's bridge of the cluster's network, and the worker for the mapping it passes through", () => {
  const controlPlane = index.named(VM, "lab/talos-cp-1");
  const worker = index.named(VM, `lab/${TALOS_GPU_NODE}`);
  const vmbr0 = index.named(BRIDGE, "proxmox/r720xd/vmbr0");
  for (const vm of [controlPlane, worker]) {
    expect(vm.inputs.networkDevices).toEqual([expect.objectContaining({ bridge: "vmbr0" })]);
    expect(index.waitsFor(vm, vmbr0)).toBe(true);
    expect(index.waitsFor(vm, index.named(BRIDGE, "proxmox/r720xd/vmbr1"))).toBe(false);
  }
  expect(worker.inputs.hostpcis).toEqual([expect.objectContaining({ mapping: TALOS_GPU, xvga: false })]);
  expect(index.waitsFor(worker, index.named(PCI, `proxmox/pci/${TALOS_GPU}`))).toBe(true);
  expect(index.waitsFor(controlPlane, index.named(PCI, `proxmox/pci/${TALOS_GPU}`))).toBe(false);
  expect(index.waitsFor(worker, index.named(PCI, "proxmox/pci/rtx3090"))).toBe(false);
});

test("its devices carry their VLAN tags and firewall flags; cloud-init gets the static address, DHCP, the user and keys, and the password only as a secret", () => {
  const vm = index.named(VM, GPU_VM);
  expect(vm.inputs.networkDevices).toEqual([
    expect.objectContaining({ bridge: "vmbr0", vlanId: 20, firewall: true, model: "virtio" }),
    expect.objectContaining({ bridge: "vmbr0", vlanId: 40, firewall: false }),
  ]);
  expect(vm.inputs.initialization).toMatchObject({
    datastoreId: "ssdpool0-store",
    ipConfigs: [{ ipv4: { address: "10.20.0.50/24", gateway: "10.20.0.1" } }, { ipv4: { address: "dhcp" } }],
    dns: { servers: ["10.20.0.1"] },
    userAccount: { username: "ops", keys: [SSH_KEY], password: "[secret]" },
  });
});

test("the policy pack finds nothing, and the GPU VM's and the Talos VMs' memory counts against r720xd", async () => {
  expect((await evaluatePlan(plan, packConfig)).violations.map(violationDetail)).toEqual([]);
  expect(packConfig["proxmox-node-memory-capacity"]).toMatchObject({ capacityMb: { r720xd: 65536 } });
  // 60000 MB for the GPU VM beside seaweedfs's and the two Talos VMs' 8192 each is more than r720xd gives its guests.
  const bigger = withPlanned(plan, index.named(VM, GPU_VM), (state) => ({ ...state, memory: { ...(state.memory as object), dedicated: 60000 } }));
  const capacity = (await evaluatePlan(bigger, packConfig)).violations.filter((violation) => violation.policyName === "proxmox-node-memory-capacity");
  expect(capacity.map(violationDetail)).toEqual([expect.stringMatching(/^Proxmox node r720xd declares 84576 MB \(largest: VM ai-workbench 60000 MB, VM lab\/talos-cp-1 8192 MB, VM lab\/talos-gpu-1 8192 MB\), more than its capacity of 65536 MB/)]);
  // A balloon on the planned GPU VM is caught.
  const ballooned = withPlanned(plan, index.named(VM, GPU_VM), (state) => ({ ...state, memory: { ...(state.memory as object), floating: 4096 } }));
  const balloon = (await evaluatePlan(ballooned, packConfig)).violations.filter((violation) => violation.policyName === "proxmox-passthrough-no-balloon");
  expect(balloon.map(violationDetail)).toEqual([expect.stringMatching(/^VM ai-workbench passes 1 PCI device through \(hostpcis\) and balloons down to 4096 MB of its 16384 MB/)]);
});

test("the committed homelab manages no node network and no PCI mapping: its nodes declare none", async () => {
  const committed = planIndex((await stackPreview("homelab")).plan.resources);
  expect([...committed.ofType(BRIDGE), ...committed.ofType(VLAN), ...committed.ofType(PCI)]).toEqual([]);
});

/** The plan with one resource's planned state (what AnalyzeStack sees) changed. */
function withPlanned(source: Plan, target: PlannedResource, change: (state: Record<string, unknown>) => Record<string, unknown>): Plan {
  return {
    ...source,
    resources: source.resources.map((resource) => (resource.urn === target.urn ? { ...resource, outputs: change(resource.outputs ?? resource.inputs) } : resource)),
  };
}
