import type { ConfigIssue } from "../errors";
import { isHostAddress, parseSubnet } from "../ipv4";
import { guestMemoryMb, type ContainerSpec, type DatastoreContent, type ProxmoxSettings, type ProxmoxVmEntry } from "../proxmox";
import type { OmniClusterSpec, TalosClusterSpec, TalosSpec } from "../talos";

/** The compute part of the homelab inventory: Proxmox, its containers and VMs, the Talos cluster. */
export interface ComputeInventory {
  proxmox: ProxmoxSettings;
  proxmoxContainers: Record<string, ContainerSpec>;
  proxmoxVms: Record<string, ProxmoxVmEntry>;
  talos: TalosSpec;
  /** Docker hosts, some of which are the guests above. */
  dockerHosts: Record<string, { address: string; memoryMb: number }>;
}

const PROXMOX = "homeops:proxmox";
const CONTAINERS = "homeops:proxmoxContainers";
const VMS = "homeops:proxmoxVms";
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
  // Addresses are claimed in this order: gateways, nodes, containers, VMs, the VIP, Talos nodes.
  const addresses = new AddressBook();
  const { talos } = inventory;
  const guests = [...containerGuests(inventory.proxmoxContainers), ...vmGuests(inventory.proxmoxVms), ...(talos.manager === "homeops" ? talosGuests(talos) : [])];
  return [
    ...checkNetworks(inventory.proxmox, addresses),
    ...checkNodeAddresses(inventory.proxmox, addresses),
    ...checkContainers(inventory, addresses),
    ...checkVms(inventory, addresses),
    ...(talos.manager === "homeops" ? checkTalos(inventory.proxmox, talos, addresses) : checkOmniCluster(inventory.proxmox, talos, addresses)),
    ...checkUniqueVmIds(guests),
    ...checkMemoryCapacity(inventory.proxmox, guests),
    ...checkDockerHostsOnGuests(inventory),
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
  return Object.entries(proxmox.nodes).flatMap(([name, node]) => [
    ...addresses.claim(node.address, `${PROXMOX}.nodes.${name}.address`),
    ...(node.zfsArcMaxMb < node.memoryMb
      ? []
      : [{ key: `${PROXMOX}.nodes.${name}.zfsArcMaxMb`, message: `${node.zfsArcMaxMb} MB leaves nothing of the node's ${node.memoryMb} MB for its guests` }]),
  ]);
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
        "datastore" in mount ? datastoreIssues(proxmox, container.node, mount.datastore, "rootdir", `${key}.mountPoints[${index}].datastore`) : [],
      ),
      ...container.network.flatMap((nic, index) => addressIssues(proxmox, nic.network, nic.ip, `${key}.network[${index}]`, addresses)),
    ];
  });
}

function checkVms(inventory: ComputeInventory, addresses: AddressBook): ConfigIssue[] {
  const { proxmox } = inventory;
  return Object.entries(inventory.proxmoxVms).flatMap(([name, vm]) => {
    const key = `${VMS}.${name}`;
    if (!(vm.node in proxmox.nodes)) return [{ key: `${key}.node`, message: unknownName("Proxmox node", vm.node, proxmox.nodes) }];
    const slots = new Map<string, number>();
    return [
      ...vm.disks.flatMap((disk, index) => {
        const slot = disk.interface ?? `scsi${index}`;
        const first = slots.get(slot);
        slots.set(slot, first ?? index);
        return [
          ...datastoreIssues(proxmox, vm.node, disk.datastore, "images", `${key}.disks[${index}].datastore`),
          ...(first === undefined ? [] : [{ key: `${key}.disks[${index}].interface`, message: `${slot} is already used by disks[${first}]` }]),
        ];
      }),
      ...(vm.cloudInit ? datastoreIssues(proxmox, vm.node, vm.cloudInit.datastore, "images", `${key}.cloudInit.datastore`) : []),
      ...vm.network.flatMap((nic, index) => addressIssues(proxmox, nic.network, nic.ip, `${key}.network[${index}]`, addresses)),
    ];
  });
}

/** Omni's machines: each name, UUID and address once, and an etcd quorum of control planes. */
function checkOmniCluster(proxmox: ProxmoxSettings, cluster: OmniClusterSpec, addresses: AddressBook): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const names = new Map<string, string>();
  const uuids = new Map<string, string>();
  cluster.machines.forEach((machine, index) => {
    const key = `${TALOS}.machines[${index}]`;
    for (const [seen, value, field] of [[names, machine.name, "name"], [uuids, machine.uuid.toLowerCase(), "uuid"]] as const) {
      const first = seen.get(value);
      if (first) issues.push({ key: `${key}.${field}`, message: `${field} ${value} is already used by ${first}` });
      else seen.set(value, key);
    }
    issues.push(...addressIssues(proxmox, cluster.network, machine.address, key, addresses, "address"));
  });
  const countIssue = controlPlaneCountIssue(cluster.machines.filter((machine) => machine.role === "controlplane").length, cluster.evenControlPlanesAcknowledged);
  if (countIssue) issues.push({ key: `${TALOS}.machines`, message: countIssue });
  return issues;
}

function checkTalos(proxmox: ProxmoxSettings, talos: TalosClusterSpec, addresses: AddressBook): ConfigIssue[] {
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

/** `field` is the address's key under `key` (`ip` for guests). */
function addressIssues(proxmox: ProxmoxSettings, networkName: string, ip: string, key: string, addresses: AddressBook, field = "ip"): ConfigIssue[] {
  const network = proxmox.networks[networkName];
  if (!network) return [{ key: `${key}.network`, message: unknownName("network", networkName, proxmox.networks) }];
  if (!isHostAddress(ip, parseSubnet(network.subnet)!)) {
    return [{ key: `${key}.${field}`, message: `${ip} is not a host address of network ${networkName} (${network.subnet})` }];
  }
  return addresses.claim(ip, `${key}.${field}`);
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

function vmGuests(vms: Record<string, ProxmoxVmEntry>): Guest[] {
  return Object.entries(vms).map(([name, vm]) => ({ name, key: `${VMS}.${name}`, node: vm.node, vmId: vm.vmId, memoryMb: vm.memoryMb }));
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
    const capacity = guestMemoryMb(node);
    if (total <= capacity) return [];
    const breakdown = onNode.map((guest) => `${guest.name} ${guest.memoryMb}`).join(", ");
    const arc = node.zfsArcMaxMb > 0 ? ` (its ${node.memoryMb} MB less ${node.zfsArcMaxMb} MB for the ZFS ARC)` : "";
    return [
      {
        key: `${PROXMOX}.nodes.${nodeName}.memoryMb`,
        message: `guests on ${nodeName} have ${total} MB of dedicated memory in total (${breakdown}), more than the node's ${capacity} MB for guests${arc}`,
      },
    ];
  });
}

/** A Docker host that is one of the guests (an LXC or a VM of the same name) lives at its address and within its memory. */
function checkDockerHostsOnGuests(inventory: ComputeInventory): ConfigIssue[] {
  return Object.entries(inventory.dockerHosts).flatMap(([name, host]) => {
    const container = inventory.proxmoxContainers[name];
    const vm = inventory.proxmoxVms[name];
    const guest = container ? { what: "Proxmox container", spec: container } : vm ? { what: "Proxmox VM", spec: vm } : undefined;
    if (!guest) return [];
    const key = `homeops:dockerHosts.${name}`;
    const ips = guest.spec.network.map((nic) => nic.ip);
    return [
      ...(ips.includes(host.address) ? [] : [{ key: `${key}.address`, message: `${guest.what} ${name} has ${ips.join(", ")}, not ${host.address}` }]),
      ...(host.memoryMb <= guest.spec.memoryMb
        ? []
        : [{ key: `${key}.memoryMb`, message: `${host.memoryMb} MB is more than the ${guest.spec.memoryMb} MB ${guest.what} ${name} has` }]),
    ];
  });
}
