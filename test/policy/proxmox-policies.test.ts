import type { PackConfig } from "../../policy/config";
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
