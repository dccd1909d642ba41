import type { PackConfig } from "../../policy/config";
import { UNKNOWN_PLACEHOLDER } from "../../policy/contract/plan";
import { findingsOf, planned, violationsOf } from "./harness";

const VM = "proxmoxve:index/vmLegacy:VmLegacy";
const LXC = "proxmoxve:index/containerLegacy:ContainerLegacy";

const guests = [
  planned(VM, "talos-cp-1", { nodeName: "pve1", vmId: 101, memory: { dedicated: 8192 } }),
  planned(VM, "talos-cp-2", { nodeName: "pve1", vmId: 102, memory: { dedicated: 8192 } }),
  planned(LXC, "komodo", { nodeName: "pve2", vmId: 200, memory: { dedicated: 4096, swap: 512 } }),
];

async function findings(policy: string, resources: ReturnType<typeof planned>[], config: PackConfig) {
  return findingsOf(await violationsOf(resources, config), policy);
}

const CAPACITY: PackConfig = { "proxmox-node-memory-capacity": { capacityMb: { pve1: 32768, pve2: 8192 } } };

describe("proxmox-guest-memory", () => {
  test("guests with dedicated memory pass", async () => {
    expect(await findings("proxmox-guest-memory", guests, CAPACITY)).toEqual([]);
  });

  test("a VM without memory and an LXC with zero are violations", async () => {
    const bad = [planned(VM, "vm", { nodeName: "pve1" }), planned(LXC, "ct", { nodeName: "pve1", memory: { dedicated: 0 } })];
    expect(await findings("proxmox-guest-memory", bad, CAPACITY)).toEqual([
      "LXC ct has memory.dedicated number 0, not a positive number of MB. Fix: Set memory.dedicated (MB) on ct.",
      "VM vm declares no memory.dedicated. Fix: Set memory.dedicated (MB) on vm.",
    ]);
  });
});

describe("proxmox-node-memory-capacity", () => {
  test("nodes within capacity pass", async () => {
    expect(await findings("proxmox-node-memory-capacity", guests, CAPACITY)).toEqual([]);
  });

  test("a node over capacity is reported with the sum and the capacity; an undeclared node too", async () => {
    const config: PackConfig = { "proxmox-node-memory-capacity": { capacityMb: { pve1: 12288 } } };
    expect(await findings("proxmox-node-memory-capacity", guests, config)).toEqual([
      "Proxmox node pve1 declares 16384 MB (largest: VM talos-cp-1 8192 MB, VM talos-cp-2 8192 MB), more than its capacity of 12288 MB. Fix: Lower guests' memory.dedicated on pve1 or move guests to another node.",
      `Proxmox node pve2 declares 4096 MB (largest: LXC komodo 4096 MB), but the pack configuration gives no capacity for pve2. Fix: Declare "pve2": <MB> in proxmox-node-memory-capacity.capacityMb, from the node's inventory.`,
    ]);
  });
});

describe("proxmox-passthrough-no-balloon", () => {
  const POLICY = "proxmox-passthrough-no-balloon";
  const GPU = [{ device: "hostpci0", mapping: "rtx3090", pcie: true, xvga: true }];
  /** A VM as a preview plans it: `outputs` is what AnalyzeStack is given. */
  const vm = (name: string, state: Record<string, unknown>) => planned(VM, name, state, { outputs: state });
  const check = async (resources: ReturnType<typeof planned>[]) => findings(POLICY, resources, {});

  test("no balloon device, a floor at the dedicated memory, and VMs without passthrough pass", async () => {
    expect(
      await check([
        vm("gpu-off", { nodeName: "pve1", hostpcis: GPU, memory: { dedicated: 16384, floating: 0 } }),
        vm("gpu-unset", { nodeName: "pve1", hostpcis: GPU, memory: { dedicated: 16384 } }),
        vm("gpu-full", { nodeName: "pve1", hostpcis: GPU, memory: { dedicated: 16384, floating: 16384 } }),
        vm("plain", { nodeName: "pve1", memory: { dedicated: 4096, floating: 1024 } }),
        vm("no-devices", { nodeName: "pve1", hostpcis: [], memory: { dedicated: 4096, floating: 1024 } }),
      ]),
    ).toEqual([]);
  });

  test("a passthrough VM whose balloon may shrink it is a violation, and so is a floor that is no number", async () => {
    expect(
      await check([
        vm("ballooned", { nodeName: "pve1", hostpcis: [...GPU, { device: "hostpci1", mapping: "hba" }], memory: { dedicated: 16384, floating: 8192 } }),
        vm("odd", { nodeName: "pve1", hostpcis: GPU, memory: { dedicated: 16384, floating: "8192" } }),
      ]),
    ).toEqual([
      "VM ballooned passes 2 PCI devices through (hostpcis) and balloons down to 8192 MB of its 16384 MB (memory.floating below memory.dedicated): passthrough pins all of a VM's memory for the devices' DMA, so the host can never reclaim it. Fix: Set memory.floating of ballooned to 0 (no balloon device); in the stack file, leave balloonMinMb out of a VM with pciDevices.",
      'VM odd passes 1 PCI device through (hostpcis) and has memory.floating the string "8192": passthrough pins all of a VM\'s memory for the devices\' DMA, so the host can never reclaim it. Fix: Set memory.floating of odd to 0 (no balloon device); in the stack file, leave balloonMinMb out of a VM with pciDevices.',
    ]);
  });

  test("on planned state: an unknown it needs cannot be verified, one it does not need is not read, and one VM's unknown hides no other's violation", async () => {
    const found = await check([
      vm("devices-unknown", { nodeName: "pve1", hostpcis: UNKNOWN_PLACEHOLDER, memory: { dedicated: 16384, floating: 0 } }),
      vm("floor-unknown", { nodeName: "pve1", hostpcis: GPU, memory: { dedicated: 16384, floating: UNKNOWN_PLACEHOLDER } }),
      vm("size-unknown-no-balloon", { nodeName: "pve1", hostpcis: GPU, memory: { dedicated: UNKNOWN_PLACEHOLDER, floating: 0 } }),
      vm("plain-unknown-memory", { nodeName: "pve1", memory: UNKNOWN_PLACEHOLDER }),
      vm("ballooned", { nodeName: "pve1", hostpcis: GPU, memory: { dedicated: 16384, floating: 4096 } }),
    ]);
    expect(found).toEqual([
      expect.stringMatching(/^VM ballooned passes 1 PCI device through/),
      expect.stringMatching(/^Cannot be verified during preview: devices-unknown \(proxmoxve:index\/vmLegacy:VmLegacy\) has no known hostpcis;/),
      expect.stringMatching(/^Cannot be verified during preview: floor-unknown \(proxmoxve:index\/vmLegacy:VmLegacy\) has no known memory\.floating;/),
    ]);
  });

  test("the planned state is judged, not the inputs", async () => {
    const inputsOnly = planned(VM, "drifted", { nodeName: "pve1", hostpcis: GPU, memory: { dedicated: 16384, floating: 0 } }, { outputs: { nodeName: "pve1", hostpcis: GPU, memory: { dedicated: 16384, floating: 2048 } } });
    expect(await check([inputsOnly])).toEqual([expect.stringMatching(/^VM drifted passes 1 PCI device through .* balloons down to 2048 MB/)]);
  });
});
