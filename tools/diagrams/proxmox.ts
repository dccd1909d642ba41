/**
 * Proxmox nodes with their guests and the memory the guests reserve, against what each node
 * has (the homelab's compute layer, seed L0/L1).
 */
import { at, numberOf, stringOf } from "../../policy/values";
import type { Plan, PlannedResource } from "../../policy/contract/plan";
import { markdownTable, mermaidBlock, mermaidId, mermaidLabel, percentOf } from "./markdown";

export const PROXMOX_VM_TYPE = "proxmoxve:index/vmLegacy:VmLegacy";
export const PROXMOX_LXC_TYPE = "proxmoxve:index/containerLegacy:ContainerLegacy";

export interface ProxmoxGuest {
  kind: "VM" | "LXC";
  name: string;
  vmId?: number;
  /** `memory.dedicated` in MB, when declared. */
  memoryMb?: number;
}

export interface ProxmoxNode {
  name: string;
  guests: ProxmoxGuest[];
  /** From the stack configuration; absent when it declares none for this node. */
  capacityMb?: number;
}

function guestOf(resource: PlannedResource): ProxmoxGuest {
  const kind = resource.type === PROXMOX_VM_TYPE ? "VM" : "LXC";
  const declaredName = kind === "VM" ? stringOf(resource.inputs.name) : stringOf(at(resource.inputs, "initialization", "hostname"));
  const dedicated = numberOf(at(resource.inputs, "memory", "dedicated"));
  return {
    kind,
    name: declaredName || resource.name,
    vmId: numberOf(resource.inputs.vmId),
    memoryMb: dedicated !== undefined && dedicated > 0 ? dedicated : undefined,
  };
}

/** The nodes the configuration sizes, in its order, then any other node a guest names. */
export function proxmoxNodesOf(plan: Plan, capacityMb: Readonly<Record<string, number>>): ProxmoxNode[] {
  const guests = new Map<string, ProxmoxGuest[]>(Object.keys(capacityMb).map((node) => [node, []]));
  for (const resource of plan.resources) {
    if (resource.type !== PROXMOX_VM_TYPE && resource.type !== PROXMOX_LXC_TYPE) continue;
    const node = stringOf(resource.inputs.nodeName) || "(no nodeName)";
    guests.set(node, [...(guests.get(node) ?? []), guestOf(resource)]);
  }
  return [...guests].map(([name, onNode]) => ({ name, guests: onNode, capacityMb: Object.hasOwn(capacityMb, name) ? capacityMb[name] : undefined }));
}

function declaredMb(guests: readonly ProxmoxGuest[]): number {
  return guests.reduce((sum, guest) => sum + (guest.memoryMb ?? 0), 0);
}

function guestLabel(guest: ProxmoxGuest): string {
  const id = guest.vmId === undefined ? guest.kind : `${guest.kind} ${guest.vmId}`;
  return `${guest.name}<br/>${id} · ${guest.memoryMb === undefined ? "memory not declared" : `${guest.memoryMb} MB`}`;
}

export function renderProxmoxNodes(nodes: readonly ProxmoxNode[]): string[] {
  const rows = nodes.map((node) => {
    const used = declaredMb(node.guests);
    const undeclared = node.guests.filter((guest) => guest.memoryMb === undefined).length;
    return [
      node.name,
      node.guests.map((guest) => guest.name).join(", ") || "none",
      `${used} MB${undeclared > 0 ? ` (+${undeclared} without memory)` : ""}`,
      node.capacityMb === undefined ? "not declared" : `${node.capacityMb} MB`,
      node.capacityMb === undefined ? "?" : `${percentOf(used, node.capacityMb)}${used > node.capacityMb ? " (over capacity)" : ""}`,
    ];
  });
  const picture = ["flowchart TB"];
  for (const node of nodes) {
    const capacity = node.capacityMb === undefined ? "capacity not declared" : `${declaredMb(node.guests)} of ${node.capacityMb} MB`;
    picture.push(`  subgraph ${mermaidId("p", node.name)}[${mermaidLabel(`${node.name} · ${capacity}`)}]`);
    node.guests.forEach((guest, index) => picture.push(`    ${mermaidId("g", `${node.name}-${index}`)}[${mermaidLabel(guestLabel(guest))}]`));
    picture.push("  end");
  }
  return [...markdownTable(["node", "guests", "dedicated memory", "capacity", "use"], rows), "", ...mermaidBlock(picture)];
}
