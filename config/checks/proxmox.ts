import type { ConfigIssue } from "../errors";
import { isHostAddress, parseSubnet } from "../ipv4";
import type { ContainerSpec, DatastoreContent, ProxmoxSettings } from "../proxmox";
import type { TalosClusterSpec } from "../talos";

/** The compute part of the homelab inventory: Proxmox, its containers, the Talos cluster. */
export interface ComputeInventory {
  proxmox: ProxmoxSettings;
  proxmoxContainers: Record<string, ContainerSpec>;
  talos: TalosClusterSpec;
  /** Docker hosts, some of which are the containers above. */
  dockerHosts: Record<string, { address: string; memoryMb: number }>;
}

const PROXMOX = "homeops:proxmox";
const CONTAINERS = "homeops:proxmoxContainers";
const TALOS = "homeops:talos";

/** A guest as the cross-field rules see it. */
interface Guest {
  name: string;
  key: string;
  node: string;
  vmId: number;
  memoryMb: number;
}

/** Cross-field checks of the compute inventory that the schemas alone cannot express. */
export function checkCompute(inventory: ComputeInventory): ConfigIssue[] {
  // Addresses are claimed in this order: gateways, nodes, containers, the VIP, Talos nodes.
  const addresses = new AddressBook();
  const guests = [...containerGuests(inventory.proxmoxContainers), ...talosGuests(inventory.talos)];
  return [
    ...checkNetworks(inventory.proxmox, addresses),
    ...checkNodeAddresses(inventory.proxmox, addresses),
    ...checkContainers(inventory, addresses),
    ...checkTalos(inventory, addresses),
    ...checkUniqueVmIds(guests),
    ...checkMemoryCapacity(inventory.proxmox, guests),
    ...checkDockerHostsOnContainers(inventory),
  ];
}

/** The etcd rule: quorum is a majority, so an even count adds a node and no fault tolerance. */
export function controlPlaneCountIssue(controlPlanes: number, acknowledged: boolean): string | undefined {
  if (controlPlanes === 0) return "the cluster needs at least one controlplane node";
  if (controlPlanes % 2 === 1 || acknowledged) return undefined;
  return (
    `${controlPlanes} control planes: etcd needs a majority, so ${controlPlanes} nodes survive no more failures than ${controlPlanes - 1}; ` +
    `use an odd count, or set homeops:talos.evenControlPlanesAcknowledged: true`
  );
}

/** Each address belongs to one thing; the first claim wins and later ones are reported. */
class AddressBook {
  private readonly owners = new Map<string, string>();

  claim(address: string, key: string): ConfigIssue[] {
    const owner = this.owners.get(address);
    if (owner !== undefined) return [{ key, message: `${address} is already used by ${owner}` }];
    this.owners.set(address, key);
    return [];
  }
}

function checkNetworks(proxmox: ProxmoxSettings, addresses: AddressBook): ConfigIssue[] {
  return Object.entries(proxmox.networks).flatMap(([name, network]) => {
    const key = `${PROXMOX}.networks.${name}.gateway`;
    const subnet = parseSubnet(network.subnet)!;
    if (!isHostAddress(network.gateway, subnet)) return [{ key, message: `${network.gateway} is not a host address of the network's subnet ${network.subnet}` }];
    return addresses.claim(network.gateway, key);
  });
}

function checkNodeAddresses(proxmox: ProxmoxSettings, addresses: AddressBook): ConfigIssue[] {
  return Object.entries(proxmox.nodes).flatMap(([name, node]) => addresses.claim(node.address, `${PROXMOX}.nodes.${name}.address`));
}

function checkContainers(inventory: ComputeInventory, addresses: AddressBook): ConfigIssue[] {
  const { proxmox } = inventory;
  return Object.entries(inventory.proxmoxContainers).flatMap(([name, container]) => {
    const key = `${CONTAINERS}.${name}`;
    if (!(container.node in proxmox.nodes)) return [{ key: `${key}.node`, message: unknownName("Proxmox node", container.node, proxmox.nodes) }];
    const templateDatastore = container.template.split(":")[0];
    return [
      ...datastoreIssues(proxmox, container.node, templateDatastore, "vztmpl", `${key}.template`),
      ...datastoreIssues(proxmox, container.node, container.rootDisk.datastore, "rootdir", `${key}.rootDisk.datastore`),
      ...container.mountPoints.flatMap((mount, index) =>
        datastoreIssues(proxmox, container.node, mount.datastore, "rootdir", `${key}.mountPoints[${index}].datastore`),
      ),
      ...container.network.flatMap((nic, index) => addressIssues(proxmox, nic.network, nic.ip, `${key}.network[${index}]`, addresses)),
    ];
  });
}

function checkTalos(inventory: ComputeInventory, addresses: AddressBook): ConfigIssue[] {
  const { proxmox, talos } = inventory;
  const issues: ConfigIssue[] = [];
  const network = proxmox.networks[talos.network];
  if (!network) {
    issues.push({ key: `${TALOS}.network`, message: unknownName("network", talos.network, proxmox.networks) });
  } else {
    const subnet = parseSubnet(network.subnet)!;
    if (!isHostAddress(talos.vip, subnet)) issues.push({ key: `${TALOS}.vip`, message: `${talos.vip} is outside network ${talos.network} (${network.subnet})` });
    else issues.push(...addresses.claim(talos.vip, `${TALOS}.vip`));
  }

  const names = new Map<string, string>();
  talos.nodes.forEach((node, index) => {
    const key = `${TALOS}.nodes[${index}]`;
    const first = names.get(node.name);
    if (first) issues.push({ key: `${key}.name`, message: `node name "${node.name}" is already used by ${first}` });
    else names.set(node.name, key);
    if (network) issues.push(...addressIssues(proxmox, talos.network, node.ip, key, addresses));
    if (!(node.proxmoxNode in proxmox.nodes)) {
      issues.push({ key: `${key}.proxmoxNode`, message: unknownName("Proxmox node", node.proxmoxNode, proxmox.nodes) });
    }
  });

  // Every Proxmox node that hosts a Talos VM needs the cluster's datastores, each reported once.
  const hosts = [...new Set(talos.nodes.map((node) => node.proxmoxNode))].filter((host) => host in proxmox.nodes);
  const { vm } = talos;
  const needs: [string, string, DatastoreContent][] = [
    [`${TALOS}.vm.osDisk.datastore`, vm.osDisk.datastore, "images"],
    ...vm.dataDisks.map((disk, index): [string, string, DatastoreContent] => [`${TALOS}.vm.dataDisks[${index}].datastore`, disk.datastore, "images"]),
    [`${TALOS}.vm.imageDatastore`, vm.imageDatastore, "iso"],
    [`${TALOS}.vm.snippetsDatastore`, vm.snippetsDatastore, "snippets"],
    [`${TALOS}.vm.cloudInitDatastore`, vm.cloudInitDatastore, "images"],
  ];
  for (const [key, datastore, content] of needs) {
    for (const host of hosts) issues.push(...datastoreIssues(proxmox, host, datastore, content, key));
  }

  const countIssue = controlPlaneCountIssue(
    talos.nodes.filter((node) => node.role === "controlplane").length,
    talos.evenControlPlanesAcknowledged,
  );
  if (countIssue) issues.push({ key: `${TALOS}.nodes`, message: countIssue });
  return issues;
}

function addressIssues(proxmox: ProxmoxSettings, networkName: string, ip: string, key: string, addresses: AddressBook): ConfigIssue[] {
  const network = proxmox.networks[networkName];
  if (!network) return [{ key: `${key}.network`, message: unknownName("network", networkName, proxmox.networks) }];
  if (!isHostAddress(ip, parseSubnet(network.subnet)!)) {
    return [{ key: `${key}.ip`, message: `${ip} is not a host address of network ${networkName} (${network.subnet})` }];
  }
  return addresses.claim(ip, `${key}.ip`);
}

function datastoreIssues(proxmox: ProxmoxSettings, node: string, datastore: string, content: DatastoreContent, key: string): ConfigIssue[] {
  const enabled = proxmox.nodes[node].datastores[datastore];
  if (!enabled) return [{ key, message: `${unknownName("datastore", datastore, proxmox.nodes[node].datastores)} on Proxmox node ${node}` }];
  if (!enabled.includes(content)) {
    return [{ key, message: `datastore ${datastore} on Proxmox node ${node} is not enabled for ${content} (it holds ${enabled.join(", ")})` }];
  }
  return [];
}

function unknownName(what: string, name: string, declared: Record<string, unknown>): string {
  return `unknown ${what} "${name}" (declared: ${Object.keys(declared).join(", ") || "none"})`;
}

function containerGuests(containers: Record<string, ContainerSpec>): Guest[] {
  return Object.entries(containers).map(([name, container]) => ({
    name,
    key: `${CONTAINERS}.${name}`,
    node: container.node,
    vmId: container.vmId,
    memoryMb: container.memoryMb,
  }));
}

function talosGuests(talos: TalosClusterSpec): Guest[] {
  return talos.nodes.map((node, index) => ({
    name: node.name,
    key: `${TALOS}.nodes[${index}]`,
    node: node.proxmoxNode,
    vmId: node.vmId,
    memoryMb: talos.vm.memoryMb,
  }));
}

/** VMIDs are cluster-wide in Proxmox: containers and VMs share one space. */
function checkUniqueVmIds(guests: Guest[]): ConfigIssue[] {
  const seen = new Map<number, string>();
  const issues: ConfigIssue[] = [];
  for (const guest of guests) {
    const first = seen.get(guest.vmId);
    if (first) issues.push({ key: `${guest.key}.vmId`, message: `VMID ${guest.vmId} is already used by ${first}` });
    else seen.set(guest.vmId, guest.key);
  }
  return issues;
}

function checkMemoryCapacity(proxmox: ProxmoxSettings, guests: Guest[]): ConfigIssue[] {
  return Object.entries(proxmox.nodes).flatMap(([nodeName, node]) => {
    const onNode = guests.filter((guest) => guest.node === nodeName);
    const total = onNode.reduce((sum, guest) => sum + guest.memoryMb, 0);
    if (total <= node.memoryMb) return [];
    const breakdown = onNode.map((guest) => `${guest.name} ${guest.memoryMb}`).join(", ");
    return [
      {
        key: `${PROXMOX}.nodes.${nodeName}.memoryMb`,
        message: `guests on ${nodeName} have ${total} MB of dedicated memory in total (${breakdown}), more than the node's ${node.memoryMb} MB`,
      },
    ];
  });
}

/** A Docker host that is one of the containers lives at its address and within its memory. */
function checkDockerHostsOnContainers(inventory: ComputeInventory): ConfigIssue[] {
  return Object.entries(inventory.dockerHosts).flatMap(([name, host]) => {
    const container = inventory.proxmoxContainers[name];
    if (!container) return [];
    const key = `homeops:dockerHosts.${name}`;
    const ips = container.network.map((nic) => nic.ip);
    return [
      ...(ips.includes(host.address) ? [] : [{ key: `${key}.address`, message: `Proxmox container ${name} has ${ips.join(", ")}, not ${host.address}` }]),
      ...(host.memoryMb <= container.memoryMb
        ? []
        : [{ key: `${key}.memoryMb`, message: `${host.memoryMb} MB is more than the ${container.memoryMb} MB Proxmox container ${name} has` }]),
    ];
  });
}
