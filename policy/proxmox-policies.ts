/**
 * Proxmox guests (the community provider's `VmLegacy` and `ContainerLegacy`) declare their
 * memory, each node's guests fit in the node, and a VM with PCI passthrough does not balloon.
 */
import type { Policies } from "@pulumi/policy";
import { capacityProblems, describeCapacityProblem } from "./capacity";
import type { ResourceView } from "./resource-view";
import { capacityMap, eachResource, resourcePolicy, stackPolicy, type Finding } from "./framework";
import { at, describe, numberOf, stringOf } from "./values";

const PROXMOX_VM_TYPE = "proxmoxve:index/vmLegacy:VmLegacy";
const PROXMOX_LXC_TYPE = "proxmoxve:index/containerLegacy:ContainerLegacy";

const isGuest = (type: string) => type === PROXMOX_VM_TYPE || type === PROXMOX_LXC_TYPE;

function dedicatedMb(resource: ResourceView): number | undefined {
  const dedicated = at(resource.props, "memory", "dedicated");
  return typeof dedicated === "number" && Number.isFinite(dedicated) && dedicated > 0 ? dedicated : undefined;
}

function guestName(resource: ResourceView): string {
  const kind = resource.type === PROXMOX_VM_TYPE ? "VM" : "LXC";
  return `${kind} ${resource.name}`;
}

const guestMemory = resourcePolicy({
  name: "proxmox-guest-memory",
  description: "Every Proxmox VM and LXC declares memory.dedicated, a positive number of MB, instead of the provider's default.",
  severity: "medium",
  remediationSteps: "Set memory.dedicated (MB) on the guest, from the inventory.",
  settings: {},
  appliesTo: isGuest,
  check(resource) {
    if (dedicatedMb(resource) !== undefined) return [];
    const dedicated = at(resource.props, "memory", "dedicated");
    const what = dedicated === undefined ? "declares no memory.dedicated" : `has memory.dedicated ${describe(dedicated)}, not a positive number of MB`;
    return [{ message: `${guestName(resource)} ${what}.`, fix: `Set memory.dedicated (MB) on ${resource.name}.` }];
  },
});

const nodeMemoryCapacity = stackPolicy({
  name: "proxmox-node-memory-capacity",
  description: "On each Proxmox node, the dedicated memory of its VMs and LXCs adds up to no more than the node's capacity.",
  severity: "medium",
  remediationSteps: "Lower guests' dedicated memory or move guests; declare each node's capacity (MB) in capacityMb.",
  settings: { capacityMb: capacityMap("Per Proxmox node (nodeName): memory available to guests, in MB.") },
  check(resources, { capacityMb }) {
    const claims = resources.filter((resource) => isGuest(resource.type)).map((resource) => ({
      machine: stringOf(resource.props.nodeName) || "(no nodeName)",
      claimant: guestName(resource),
      mb: dedicatedMb(resource),
    }));
    return capacityProblems(claims, capacityMb).map((problem) => ({
      message: describeCapacityProblem(problem, "Proxmox node"),
      fix: problem.capacityMb === undefined
        ? `Declare "${problem.machine}": <MB> in proxmox-node-memory-capacity.capacityMb, from the node's inventory.`
        : `Lower guests' memory.dedicated on ${problem.machine} or move guests to another node.`,
      subjects: [problem.machine],
    }));
  },
});

/**
 * A VM's ballooning, as its planned state holds it: `memory.floating` is the least memory the
 * host may leave it (0 or unset: no balloon device, the provider's default). With `hostpcis`
 * the VM's whole memory is pinned for the devices' DMA, so a floor below `memory.dedicated`
 * is memory the host counts on reclaiming and never can. Only what the verdict needs is
 * read: a VM without passthrough is never held up by an unknown memory value.
 */
export function passthroughBalloonFindings(resource: ResourceView): Finding[] {
  const hostpcis = resource.props.hostpcis;
  const devices = Array.isArray(hostpcis) ? hostpcis.length : 0;
  if (devices === 0) return [];
  const floating = at(resource.props, "memory", "floating");
  if (floating === undefined || floating === 0) return [];
  const dedicated = numberOf(at(resource.props, "memory", "dedicated"));
  if (typeof floating === "number" && dedicated !== undefined && floating >= dedicated) return [];
  const passes = `VM ${resource.name} passes ${devices} PCI device${devices === 1 ? "" : "s"} through (hostpcis)`;
  const what = typeof floating === "number" ? `balloons down to ${floating} MB of its ${dedicated ?? "undeclared"} MB (memory.floating below memory.dedicated)` : `has memory.floating ${describe(floating)}`;
  return [
    {
      message: `${passes} and ${what}: passthrough pins all of a VM's memory for the devices' DMA, so the host can never reclaim it.`,
      fix: `Set memory.floating of ${resource.name} to 0 (no balloon device); in the stack file, leave balloonMinMb out of a VM with pciDevices.`,
      subjects: [resource.name],
    },
  ];
}

const passthroughNoBalloon = stackPolicy({
  name: "proxmox-passthrough-no-balloon",
  description: "A Proxmox VM with PCI passthrough (hostpcis) has no balloon below its dedicated memory: memory.floating is 0, unset, or at least memory.dedicated.",
  severity: "medium",
  remediationSteps: "Set memory.floating to 0 on VMs with hostpcis.",
  settings: {},
  check: (resources) => eachResource(resources.filter((resource) => resource.type === PROXMOX_VM_TYPE), passthroughBalloonFindings),
});

export const proxmoxPolicies: Policies = [guestMemory, nodeMemoryCapacity, passthroughNoBalloon];
