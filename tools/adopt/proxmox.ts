/**
 * `npm run adopt -- proxmox --endpoint <url>`: what runs on a Proxmox node (or cluster) as
 * stack-file entries (`homeops:proxmox` networks, nodes and PCI mappings,
 * `homeops:proxmoxContainers`, `homeops:proxmoxVms`) and the import-file lines of its guests
 * and mappings.
 */
import { Document, isScalar, visit } from "yaml";
import { ProxmoxApiError, type ProxmoxApi } from "./proxmoxApi";
import {
  containerEntry,
  networkKey,
  nodeDatastores,
  nodeInterfaces,
  pciMappingEntry,
  vmEntry,
  type ClusterResource,
  type DiscoveredNetwork,
  type GuestConfig,
  type GuestEntry,
  type NodeInterface,
  type NodeStorage,
  type PciMappingConfig,
  type ToFill,
  type Unmapped,
} from "./proxmoxGuests";

/** The import file's resource types of the guests (those `npm run plan -- <stack> --import-file` writes). */
export const LXC_IMPORT_TYPE = "proxmoxve:index/containerLegacy:ContainerLegacy";
export const VM_IMPORT_TYPE = "proxmoxve:index/vmLegacy:VmLegacy";
export const PCI_MAPPING_IMPORT_TYPE = "proxmoxve:hardware/mapping/pci:Pci";

export interface Discovery {
  nodes: Record<string, Record<string, unknown>>;
  networks: Record<string, DiscoveredNetwork>;
  containers: Record<string, Record<string, unknown>>;
  vms: Record<string, Record<string, unknown>>;
  /** The cluster's PCI resource mappings, as `existing` entries. */
  pciMappings: Record<string, Record<string, unknown>>;
  imports: { type: string; name: string; id: string }[];
  unmapped: Unmapped[];
  toFill: ToFill[];
  /** Nodes the API lists as offline: their guests could not be read. */
  offline: { node: string; guests: number[] }[];
}

interface ClusterStatusEntry {
  type: string;
  name?: string;
  ip?: string;
}

const MIB = 1024 * 1024;

/** Reads the cluster (a standalone node is a cluster of one) through `api`. */
export async function discoverProxmox(api: ProxmoxApi): Promise<Discovery> {
  const resources = await api.get<ClusterResource[]>("/cluster/resources");
  const nodes = resources.filter((resource) => resource.type === "node" && resource.node);
  // The list is filtered by the token's privileges: no node means no Sys.Audit, not no node.
  if (nodes.length === 0) throw new ProxmoxApiError("GET /cluster/resources lists no node: the token lacks Sys.Audit on /nodes (and VM.Audit on the guests)");
  const status = await api.get<ClusterStatusEntry[]>("/cluster/status");
  const addresses = new Map(status.filter((entry) => entry.type === "node" && entry.name).map((entry) => [entry.name!, entry.ip]));

  const discovery: Discovery = { nodes: {}, networks: {}, containers: {}, vms: {}, pciMappings: {}, imports: [], unmapped: [], toFill: [], offline: [] };
  const guests = resources.filter((resource) => (resource.type === "lxc" || resource.type === "qemu") && resource.template !== 1);
  for (const node of nodes.map((resource) => resource.node!).sort()) {
    const onNode = guests.filter((guest) => guest.node === node).sort((a, b) => (a.vmid ?? 0) - (b.vmid ?? 0));
    if (nodes.find((resource) => resource.node === node)!.status !== "online") {
      discovery.offline.push({ node, guests: onNode.map((guest) => guest.vmid!) });
      continue;
    }
    const maxmem = nodes.find((resource) => resource.node === node)!.maxmem ?? 0;
    const storages = await api.get<NodeStorage[]>(`/nodes/${node}/storage`);
    const { bridges, vlans } = nodeInterfaces(await api.get<NodeInterface[]>(`/nodes/${node}/network`));
    discovery.nodes[node] = {
      address: addresses.get(node) ?? "<the node's address>",
      memoryMb: Math.floor(maxmem / MIB),
      zfsArcMaxMb: 0,
      datastores: nodeDatastores(storages),
      ...(Object.keys(bridges).length > 0 ? { bridges } : {}),
      ...(Object.keys(vlans).length > 0 ? { vlans } : {}),
    };
    if (!addresses.get(node)) discovery.toFill.push({ path: `homeops:proxmox.nodes.${node}.address`, why: `GET /cluster/status gives no address for ${node}` });
    discovery.toFill.push({ path: `homeops:proxmox.nodes.${node}.zfsArcMaxMb`, why: `the API does not report it: zfs_arc_max in /etc/modprobe.d/zfs.conf on ${node}, in MB (0 when unset)` });

    for (const guest of onNode) {
      const config = await api.get<GuestConfig>(`/nodes/${node}/${guest.type}/${guest.vmid}/config`);
      const found: GuestEntry = guest.type === "lxc" ? containerEntry(node, guest.vmid!, config) : vmEntry(node, guest.vmid!, config);
      const into = guest.type === "lxc" ? discovery.containers : discovery.vms;
      if (found.name in discovery.containers || found.name in discovery.vms) {
        throw new ProxmoxApiError(`two guests are named ${found.name} (${guest.type} ${guest.vmid} on ${node} is the second): rename one, the stack file keys guests by name`);
      }
      into[found.name] = found.entry;
      discovery.imports.push({ type: guest.type === "lxc" ? LXC_IMPORT_TYPE : VM_IMPORT_TYPE, name: found.name, id: `${node}/${guest.vmid}` });
      discovery.unmapped.push(...found.unmapped);
      discovery.toFill.push(...found.toFill);
      for (const network of found.networks) {
        const key = networkKey(network.bridge, network.vlanId);
        const known = discovery.networks[key];
        discovery.networks[key] = { ...network, subnet: known?.subnet ?? network.subnet, gateway: known?.gateway ?? network.gateway };
      }
    }
  }
  await discoverPciMappings(api, discovery);
  return discovery;
}

/**
 * The cluster's PCI mappings (those the token may see: Mapping.Audit on /mapping/pci), each
 * imported by its name as the program names it; a mapping the VMs pass through is then no
 * longer to fill. Proxmox VE before 8.0 has no mappings (GET /cluster/mapping/pci fails).
 */
async function discoverPciMappings(api: ProxmoxApi, discovery: Discovery): Promise<void> {
  let mappings: PciMappingConfig[];
  try {
    mappings = await api.get<PciMappingConfig[]>("/cluster/mapping/pci");
  } catch (error) {
    if (!(error instanceof ProxmoxApiError)) throw error;
    discovery.toFill.push({ path: "homeops:proxmox.pciMappings", why: `${error.message}: the mappings the VMs pass through, by hand (pvesh get /cluster/mapping/pci)` });
    return;
  }
  for (const mapping of [...mappings].sort((a, b) => a.id.localeCompare(b.id))) {
    const { entry, unmapped } = pciMappingEntry(mapping);
    discovery.pciMappings[mapping.id] = entry;
    discovery.unmapped.push(...unmapped);
    discovery.imports.push({ type: PCI_MAPPING_IMPORT_TYPE, name: `proxmox/pci/${mapping.id}`, id: mapping.id });
  }
  const listed = new Set(Object.keys(discovery.pciMappings).map((name) => `homeops:proxmox.pciMappings.${name}`));
  discovery.toFill = discovery.toFill.filter((item) => !listed.has(item.path));
}

/** A network entry, with what the guests did not show marked to fill. */
function networkEntry(key: string, network: DiscoveredNetwork, toFill: ToFill[]): Record<string, unknown> {
  if (!network.subnet) toFill.push({ path: `homeops:proxmox.networks.${key}.subnet`, why: "no guest on it has a static address with a prefix" });
  if (!network.gateway) toFill.push({ path: `homeops:proxmox.networks.${key}.gateway`, why: "no guest on it names a gateway" });
  return {
    bridge: network.bridge,
    ...(network.vlanId === undefined ? {} : { vlanId: network.vlanId }),
    subnet: network.subnet ?? "<its subnet>",
    gateway: network.gateway ?? "<its gateway>",
  };
}

/** The stack-file entries as YAML, the import-file lines and what to fill as comments. */
export function renderDiscovery(discovery: Discovery): { yaml: string; toFill: ToFill[] } {
  const toFill = [...discovery.toFill];
  const networks = Object.fromEntries(Object.entries(discovery.networks).sort(([a], [b]) => a.localeCompare(b)).map(([key, network]) => [key, networkEntry(key, network, toFill)]));
  const pciMappings = Object.keys(discovery.pciMappings).length > 0 ? { pciMappings: discovery.pciMappings } : {};
  const config: Record<string, unknown> = { "homeops:proxmox": { networks, nodes: discovery.nodes, ...pciMappings } };
  if (Object.keys(discovery.containers).length > 0) config["homeops:proxmoxContainers"] = discovery.containers;
  if (Object.keys(discovery.vms).length > 0) config["homeops:proxmoxVms"] = discovery.vms;
  const document = new Document(config);
  // Short lists and small objects on one line, as the stack files write them.
  visit(document, {
    Seq: (_, node) => void (node.flow = node.items.every((item) => isScalar(item))),
    Map: (_, node) => void (node.flow = node.items.length <= 3 && node.items.every((item) => isScalar(item.value)) && !node.items.some((item) => isScalar(item.key) && /^(homeops:|networks|nodes)/.test(String(item.key.value)))),
  });
  document.commentBefore = [
    " Entries for the stack file's config: (merge them with what it declares: endpoint, apiToken, ssh).",
    " Each guest is protected once declared (holdsData defaults to true).",
  ].join("\n");
  document.comment = [
    " Import-file resources (`npm run plan -- <stack> --import-file import.json` writes them with",
    " their parents and provider once the entries above are in the stack file):",
    ...discovery.imports.map((line) => `   ${JSON.stringify(line)}`),
  ].join("\n");
  return { yaml: document.toString({ lineWidth: 0 }), toFill };
}
