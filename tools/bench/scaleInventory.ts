/**
 * Scaled copies of a stack's inventory for the scale run: the estate of a stack settings
 * file repeated `factor` times, each copy a valid part of the same inventory (names,
 * VMIDs and addresses of its own), so that the program and its checks accept it.
 */
import { isIPv4 } from "node:net";
import { clusterLan } from "../../config/talos";

/** A stack settings file's `config:` map, as parsed from YAML (`namespace:key` to value). */
export type StackSettings = Record<string, any>;

const NS = "homeops";
const key = (name: string) => `${NS}:${name}`;
/** Copy r's VMIDs are the original's plus r x VMID_STRIDE. */
const VMID_STRIDE = 1000;

export interface ScaledInventory {
  settings: StackSettings;
  /** What was repeated, for the report. */
  description: string;
}

/**
 * The homelab's inventory `factor` times: Proxmox nodes, their LXCs and VMs, Talos nodes or
 * Omni's machines (copies join the one cluster as workers), Docker hosts and their stacks, DNS records. Copy r moves the
 * LAN's third octet by r, so the cluster network is widened from /24 to /16; the platform
 * (one cluster, one set of releases) and the DNS zone stay single.
 */
export function scaleHomelab(original: StackSettings, factor: number): ScaledInventory {
  const settings = structuredClone(original);
  const proxmox = settings[key("proxmox")];
  const talos = settings[key("talos")];
  const clusterMembers: any[] | undefined = talos?.nodes ?? talos?.machines;
  if (!clusterMembers) throw new Error("the homelab inventory has no homeops:talos nodes or machines to scale");
  // The LAN object itself (in homeops:proxmox.networks or inline in homeops:talos), widened below.
  const lan = clusterLan(talos, proxmox);
  const [base, prefix] = String(lan?.subnet ?? "").split("/");
  if (!lan || prefix !== "24" || !isIPv4(base)) throw new Error(`the cluster network ${JSON.stringify(talos.network)} is not a /24, which the scaled addresses assume`);
  const octets = base.split(".").map(Number);
  if (octets[2] + factor - 1 > 255) throw new Error(`a factor of ${factor} does not fit in ${lan.subnet}'s /16`);
  const wide = `${octets[0]}.${octets[1]}.0.0/16`;
  const inLan = (address: unknown) => typeof address === "string" && isIPv4(address) && address.startsWith(`${octets[0]}.${octets[1]}.${octets[2]}.`);
  const moved = (address: string, copy: number) => {
    if (!inLan(address)) return address;
    const parts = address.split(".");
    return `${parts[0]}.${parts[1]}.${octets[2] + copy}.${parts[3]}`;
  };
  const platform = settings[key("platform")];
  if (platform?.nodeCidr === lan.subnet) platform.nodeCidr = wide;
  lan.subnet = wide;

  const originals = {
    nodes: Object.entries(proxmox?.nodes ?? {}),
    containers: Object.entries(settings[key("proxmoxContainers")] ?? {}),
    vms: Object.entries(settings[key("proxmoxVms")] ?? {}),
    talosNodes: [...clusterMembers],
    hosts: Object.entries(settings[key("dockerHosts")] ?? {}),
    stacks: [...(settings[key("dockerStacks")] ?? [])],
    records: [...(settings[key("dns")]?.records ?? [])],
  };
  for (let copy = 1; copy < factor; copy++) {
    const name = (original: string) => `${original}-r${copy}`;
    for (const [node, spec] of originals.nodes as [string, any][]) proxmox.nodes[name(node)] = { ...structuredClone(spec), address: moved(spec.address, copy) };
    // LXCs and VMs alike: on the copied node, with a VMID and addresses of their own.
    for (const [inventoryKey, guests] of [["proxmoxContainers", originals.containers], ["proxmoxVms", originals.vms]] as const) {
      for (const [guest, spec] of guests as [string, any][]) {
        settings[key(inventoryKey)][name(guest)] = {
          ...structuredClone(spec),
          node: name(spec.node),
          vmId: spec.vmId + copy * VMID_STRIDE,
          network: spec.network.map((nic: any) => ({ ...nic, ip: moved(nic.ip, copy) })),
        };
      }
    }
    for (const node of originals.talosNodes) {
      if (talos.nodes) {
        talos.nodes.push({ ...structuredClone(node), name: name(node.name), role: "worker", proxmoxNode: name(node.proxmoxNode), vmId: node.vmId + copy * VMID_STRIDE, ip: moved(node.ip, copy) });
      } else {
        // An Omni machine: a UUID of its own (the copy's number in the last group).
        const uuid = `${String(node.uuid).slice(0, 24)}${copy.toString(16).padStart(4, "0")}${String(node.uuid).slice(28)}`;
        talos.machines.push({ ...structuredClone(node), name: name(node.name), role: "worker", uuid, address: moved(node.address, copy) });
      }
    }
    for (const [host, spec] of originals.hosts as [string, any][]) settings[key("dockerHosts")][name(host)] = { ...structuredClone(spec), address: moved(spec.address, copy) };
    for (const stack of originals.stacks) settings[key("dockerStacks")].push({ ...structuredClone(stack), name: name(stack.name), host: name(stack.host) });
    for (const record of originals.records) {
      const renamed = recordName(record.name, copy);
      if (renamed === undefined) continue;
      const values = record.values.map((value: unknown) => (typeof value === "string" ? moved(value, copy) : value));
      settings[key("dns")].records.push({ ...structuredClone(record), name: renamed, values });
    }
  }
  return {
    settings,
    description: `homelab x${factor}: ${[
      count(originals.nodes.length * factor, "Proxmox node"),
      count(originals.containers.length * factor, "LXC"),
      count(originals.vms.length * factor, "VM"),
      count(originals.talosNodes.length * factor, "Talos node"),
      count(originals.hosts.length * factor, "Docker host"),
      count(originals.stacks.length * factor, "Docker stack"),
    ].join(", ")}`,
  };
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** A DNS name for copy r: `*` -> `*.r1`, `*.proxy` -> `*.proxy-r1`, `komodo` -> `komodo-r1`; the apex is not copied. */
function recordName(name: string, copy: number): string | undefined {
  if (name === "@") return undefined;
  if (name === "*") return `*.r${copy}`;
  const [wildcard, rest] = name.startsWith("*.") ? ["*.", name.slice(2)] : ["", name];
  const [first, ...others] = rest.split(".");
  return [`${wildcard}${first}-r${copy}`, ...others].join(".");
}

/** The Docker hosts and stacks of any stack `factor` times (the VPS-style inventory): what the scale run uses when the homelab cannot be scaled. */
export function scaleDockerInventory(original: StackSettings, factor: number, stack: string): ScaledInventory {
  const settings = structuredClone(original);
  const hosts = Object.entries(original[key("dockerHosts")] ?? {});
  const stacks: any[] = original[key("dockerStacks")] ?? [];
  if (hosts.length === 0) throw new Error(`stack ${stack} declares no Docker hosts to scale`);
  for (let copy = 1; copy < factor; copy++) {
    for (const [host, spec] of hosts) settings[key("dockerHosts")][`${host}-r${copy}`] = structuredClone(spec);
    for (const spec of stacks) settings[key("dockerStacks")].push({ ...structuredClone(spec), name: `${spec.name}-r${copy}`, host: `${spec.host}-r${copy}` });
  }
  return { settings, description: `${stack} Docker inventory x${factor}: ${count(hosts.length * factor, "host")}, ${count(stacks.length * factor, "stack")}` };
}
