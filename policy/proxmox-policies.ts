/**
 * Proxmox guests (the community provider's `VmLegacy` and `ContainerLegacy`) declare their
 * memory, and each node's guests fit in the node.
 */
import type { Policies } from "@pulumi/policy";
import { capacityProblems, describeCapacityProblem } from "./capacity";
import type { ResourceView } from "./resource-view";
import { capacityMap, resourcePolicy, stackPolicy } from "./framework";
import { at, describe, stringOf } from "./values";

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

export const proxmoxPolicies: Policies = [guestMemory, nodeMemoryCapacity];
