import type { ConfigIssue } from "../errors";
import { isHostAddress, parseSubnet, subnetOfInterface } from "../ipv4";
import {
  bridgeCarriesVlan,
  guestMemoryMb,
  vlanInterfaceParts,
  type ContainerSpec,
  type DatastoreContent,
  type LanSpec,
  type NodeBridgeSpec,
  type NodeVlanSpec,
  type ProxmoxSettings,
  type ProxmoxVmEntry,
  type VmPciDevice,
} from "../proxmox";
import { clusterLan, isVmNode, talosVmShape, type OmniClusterSpec, type TalosClusterSpec, type TalosSpec } from "../talos";

/** The compute part of the homelab inventory: Proxmox, its containers and VMs, the Talos cluster. */
export interface ComputeInventory {
  /** Absent when nothing runs on Proxmox: the Talos cluster then declares its LAN itself. */
  proxmox?: ProxmoxSettings;
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
  // Addresses are claimed in this order: gateways, nodes, the nodes' interfaces, containers, VMs, the VIP, Talos nodes.
  const addresses = new AddressBook();
  const { talos } = inventory;
  const talosIssues = (proxmox: ProxmoxSettings | undefined) =>
    talos.manager === "homeops" ? checkTalos(proxmox, talos, addresses) : checkOmniCluster(proxmox, talos, addresses);
  if (inventory.proxmox === undefined) return [...guestsWithoutProxmox(inventory), ...talosIssues(undefined)];
  const proxmox: ProxmoxSettings = inventory.proxmox;
  const guests = [...containerGuests(inventory.proxmoxContainers), ...vmGuests(inventory.proxmoxVms), ...(talos.manager === "homeops" ? talosGuests(talos) : [])];
  return [
    ...checkNetworks(proxmox, addresses),
    ...checkNodeAddresses(proxmox, addresses),
    ...checkNodeInterfaces(proxmox, addresses),
    ...checkPciMappings(proxmox),
    ...checkContainers(proxmox, inventory, addresses),
    ...checkVms(proxmox, inventory, addresses),
    ...checkPciCapacity(proxmox, inventory),
    ...checkGuestVlans(proxmox, nicPlacements(inventory)),
    ...talosIssues(proxmox),
    ...checkUniqueVmIds(guests),
    ...checkMemoryCapacity(proxmox, guests),
    ...checkDockerHostsOnGuests(inventory),
  ];
}

/** Without homeops:proxmox there is nowhere to run a guest: each one declared is refused. */
function guestsWithoutProxmox(inventory: ComputeInventory): ConfigIssue[] {
  const refused = (key: string, what: string) => ({ key, message: `${what} runs on Proxmox, and ${PROXMOX} is not set: declare it, or remove the ${what}` });
  return [
    ...Object.keys(inventory.proxmoxContainers).map((name) => refused(`${CONTAINERS}.${name}`, "an LXC")),
    ...Object.keys(inventory.proxmoxVms).map((name) => refused(`${VMS}.${name}`, "a VM")),
    ...(inventory.talos.manager === "homeops" && inventory.talos.vm !== undefined ? [refused(`${TALOS}.vm`, "the Talos nodes' VM shape")] : []),
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
    const gateway = isHostAddress(network.gateway, subnet)
      ? addresses.claim(network.gateway, key)
      : [{ key, message: `${network.gateway} is not a host address of the network's subnet ${network.subnet}` }];
    return [...gateway, ...vlanAwarenessIssues(proxmox, name)];
  });
}

/**
 * A network's `vlanAware` declares its bridge VLAN-aware on every node: a node that declares
 * the bridge must agree, and a tagged network cannot say its bridge is not (a bridge that is
 * not VLAN-aware carries no tagged guest here).
 */
function vlanAwarenessIssues(proxmox: ProxmoxSettings, name: string): ConfigIssue[] {
  const network = proxmox.networks[name];
  const networkKey = `${PROXMOX}.networks.${name}.vlanAware`;
  if (network.vlanAware === false && network.vlanId !== undefined) {
    return [{ key: networkKey, message: `network ${name} is VLAN ${network.vlanId}, which only a VLAN-aware bridge carries here: set vlanAware: true or leave it out` }];
  }
  if (network.vlanAware !== true) return [];
  return Object.entries(proxmox.nodes).flatMap(([nodeName, node]) => {
    const bridge = node.bridges[network.bridge];
    if (!bridge || bridge.vlanAware === true) return [];
    return [
      {
        key: `${PROXMOX}.nodes.${nodeName}.bridges.${network.bridge}.vlanAware`,
        message: `network ${name} declares bridge ${network.bridge} VLAN-aware (${networkKey}), but node ${nodeName} declares it without vlanAware: true: set it here, or leave the network's out`,
      },
    ];
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

function checkContainers(proxmox: ProxmoxSettings, inventory: ComputeInventory, addresses: AddressBook): ConfigIssue[] {
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

function checkVms(proxmox: ProxmoxSettings, inventory: ComputeInventory, addresses: AddressBook): ConfigIssue[] {
  return Object.entries(inventory.proxmoxVms).flatMap(([name, vm]) => {
    const key = `${VMS}.${name}`;
    if (!(vm.node in proxmox.nodes)) return [{ key: `${key}.node`, message: unknownName("Proxmox node", vm.node, proxmox.nodes) }];
    const slots = new Map<string, number>();
    return [
      ...vm.disks.flatMap((disk, index) => {
        const slot = disk.interface ?? `scsi${index}`;
        const first = slots.get(slot);
        slots.set(slot, first ?? index);
        // `<datastore>:<content>/<file>`; the schema allows iso and import content only.
        const [imageDatastore, imageContent] = disk.image?.split(/[:/]/) ?? [];
        return [
          ...datastoreIssues(proxmox, vm.node, disk.datastore, "images", `${key}.disks[${index}].datastore`),
          ...(disk.image ? datastoreIssues(proxmox, vm.node, imageDatastore, imageContent as DatastoreContent, `${key}.disks[${index}].image`) : []),
          ...(first === undefined ? [] : [{ key: `${key}.disks[${index}].interface`, message: `${slot} is already used by disks[${first}]` }]),
        ];
      }),
      ...(vm.cloudInit ? datastoreIssues(proxmox, vm.node, vm.cloudInit.datastore, "images", `${key}.cloudInit.datastore`) : []),
      ...vm.network.flatMap((nic, index) => (nic.ip === "dhcp" ? networkIssues(proxmox, nic.network, `${key}.network[${index}]`) : addressIssues(proxmox, nic.network, nic.ip, `${key}.network[${index}]`, addresses))),
      ...balloonIssues(vm, key),
      ...vm.pciDevices.flatMap((device, index) => pciDeviceIssues(proxmox, { ...vm, key }, device, `${key}.pciDevices[${index}]`, `set ${key}.uefi: true`)),
    ];
  });
}

function balloonIssues(vm: ProxmoxVmEntry, key: string): ConfigIssue[] {
  if (vm.balloonMinMb === undefined) return [];
  if (vm.pciDevices.length > 0) {
    return [{ key: `${key}.balloonMinMb`, message: `a VM with PCI passthrough cannot balloon: Proxmox pins all its memory for the devices' DMA; leave balloonMinMb out` }];
  }
  if (vm.balloonMinMb > vm.memoryMb) return [{ key: `${key}.balloonMinMb`, message: `${vm.balloonMinMb} MB is more than the VM's ${vm.memoryMb} MB (memoryMb)` }];
  return [];
}

/** The VM a device is passed to, as the device rules see it. */
interface PciHost {
  /** Its stack-file key. */
  key: string;
  node: string;
  machine: "q35" | "pc";
  uefi: boolean;
}

/** A passed-through device: a mapping with a device on the VM's node, on a port and firmware the VM has; `uefiFix` says how to get OVMF. */
function pciDeviceIssues(proxmox: ProxmoxSettings, vm: PciHost, device: VmPciDevice, key: string, uefiFix: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const mapping = proxmox.pciMappings[device.mapping];
  if (!mapping) {
    issues.push({ key: `${key}.mapping`, message: `${unknownName("PCI mapping", device.mapping, proxmox.pciMappings)} in ${PROXMOX}.pciMappings` });
  } else if (!mapping.devices.some((entry) => entry.node === vm.node)) {
    const nodes = [...new Set(mapping.devices.map((entry) => entry.node))].join(", ");
    issues.push({ key: `${key}.mapping`, message: `PCI mapping ${device.mapping} has no device on node ${vm.node} (it has one on ${nodes}): the VM can only run where the device is` });
  }
  if (device.pcie && vm.machine === "pc") {
    issues.push({ key: `${key}.pcie`, message: `a PCIe port needs machine q35, and ${vm.key}.machine is pc: set machine: q35 (or pcie: false)` });
  }
  if (device.primaryGpu && !vm.uefi) {
    issues.push({ key: `${key}.primaryGpu`, message: `a primary GPU (x-vga) needs OVMF firmware: ${uefiFix}` });
  }
  return issues;
}

/**
 * A device is exclusive: the VMs of a node that pass a mapping through can all run only if
 * the mapping has as many devices there (unless it hands out mediated devices).
 */
function checkPciCapacity(proxmox: ProxmoxSettings, inventory: ComputeInventory): ConfigIssue[] {
  const { pciMappings } = proxmox;
  const users = new Map<string, string[]>();
  const issues: ConfigIssue[] = [];
  const vms = [
    ...Object.entries(inventory.proxmoxVms).map(([name, vm]) => ({ node: vm.node, pciDevices: vm.pciDevices, key: `${VMS}.${name}.pciDevices` })),
    ...talosPciUsers(inventory),
  ];
  for (const vm of vms) {
    vm.pciDevices.forEach((device, index) => {
      const mapping = pciMappings[device.mapping];
      if (!mapping || mapping.mediatedDevices) return;
      const available = mapping.devices.filter((entry) => entry.node === vm.node).length;
      const slot = `${device.mapping}@${vm.node}`;
      const before = users.get(slot) ?? [];
      const key = `${vm.key}[${index}]`;
      if (available > 0 && before.length >= available) {
        issues.push({
          key: `${key}.mapping`,
          message: `PCI mapping ${device.mapping} has ${available} device${available === 1 ? "" : "s"} on node ${vm.node}, already passed to ${before.join(", ")}: the VMs could not all run at once`,
        });
      }
      users.set(slot, [...before, key]);
    });
  }
  return issues;
}

/** The Talos VM nodes that pass devices through, each with the key that set its devices (cluster, role or node). */
function talosPciUsers(inventory: ComputeInventory): { node: string; pciDevices: VmPciDevice[]; key: string }[] {
  const { talos } = inventory;
  if (talos.manager !== "homeops" || talos.vm === undefined) return [];
  return talos.nodes.flatMap((node, index) => {
    if (!isVmNode(node)) return [];
    return [{ node: node.proxmoxNode, pciDevices: talosVmShape(talos, node).pciDevices, key: talosVmFieldKey(talos, node, index, "pciDevices") }];
  });
}

/** Where a Talos VM node's `field` is set: the node's own vm, its role's, or the cluster's. */
function talosVmFieldKey(talos: TalosClusterSpec, node: TalosClusterSpec["nodes"][number], index: number, field: "osDisk" | "dataDisks" | "pciDevices"): string {
  if (node.vm?.[field]) return `${TALOS}.nodes[${index}].vm.${field}`;
  return talos.roles[node.role]?.vm?.[field] ? `${TALOS}.roles.${node.role}.vm.${field}` : `${TALOS}.vm.${field}`;
}

/** The cluster's PCI mappings: devices on known nodes, each address once per node. */
function checkPciMappings(proxmox: ProxmoxSettings): ConfigIssue[] {
  return Object.entries(proxmox.pciMappings).flatMap(([name, mapping]) => {
    const seen = new Map<string, number>();
    return mapping.devices.flatMap((device, index) => {
      const key = `${PROXMOX}.pciMappings.${name}.devices[${index}]`;
      if (!(device.node in proxmox.nodes)) return [{ key: `${key}.node`, message: unknownName("Proxmox node", device.node, proxmox.nodes) }];
      const where = `${device.node} ${device.path}`;
      const first = seen.get(where);
      seen.set(where, first ?? index);
      return first === undefined ? [] : [{ key: `${key}.path`, message: `${device.path} on ${device.node} is already devices[${first}]` }];
    });
  });
}

/**
 * The bridges and VLAN interfaces of each node: VLAN ids only on a VLAN-aware bridge, a VLAN
 * interface's name saying its device and tag or its fields doing so, the VLAN carried by the
 * bridge it rides on, addresses on their subnets, and one default gateway per node.
 */
function checkNodeInterfaces(proxmox: ProxmoxSettings, addresses: AddressBook): ConfigIssue[] {
  return Object.entries(proxmox.nodes).flatMap(([nodeName, node]) => {
    const nodeKey = `${PROXMOX}.nodes.${nodeName}`;
    const issues: ConfigIssue[] = [];
    let gatewayKey: string | undefined;
    const checkInterface = (spec: NodeBridgeSpec | NodeVlanSpec, key: string) => {
      if (spec.address !== undefined) {
        const [ip] = spec.address.split("/");
        const subnet = parseSubnet(subnetOfInterface(spec.address)!)!;
        if (!isHostAddress(ip, subnet)) issues.push({ key: `${key}.address`, message: `${ip} is not a host address of its subnet ${subnetOfInterface(spec.address)}` });
        // The node's own address may be on one of its interfaces; any other address is claimed once.
        else if (ip !== node.address) issues.push(...addresses.claim(ip, `${key}.address`));
      }
      if (spec.gateway !== undefined) {
        if (spec.address === undefined) issues.push({ key: `${key}.gateway`, message: "a gateway needs the interface's own address (address)" });
        else if (!isHostAddress(spec.gateway, parseSubnet(subnetOfInterface(spec.address)!)!)) {
          issues.push({ key: `${key}.gateway`, message: `${spec.gateway} is not on the interface's subnet ${subnetOfInterface(spec.address)}` });
        }
        if (gatewayKey) issues.push({ key: `${key}.gateway`, message: `a node has one default gateway, and ${gatewayKey} sets it already` });
        else gatewayKey = `${key}.gateway`;
      }
    };
    for (const [name, bridge] of Object.entries(node.bridges)) {
      const key = `${nodeKey}.bridges.${name}`;
      if (bridge.vlanIds && bridge.vlanAware !== true) {
        issues.push({ key: `${key}.vlanIds`, message: "a bridge carries a list of VLANs only when it is VLAN-aware: set vlanAware: true" });
      }
      checkInterface(bridge, key);
    }
    for (const [name, vlan] of Object.entries(node.vlans)) {
      const key = `${nodeKey}.vlans.${name}`;
      const named = /^.+\.\d{1,4}$/.test(name);
      if (named && (vlan.interface !== undefined || vlan.vlanId !== undefined)) {
        issues.push({ key: `${key}.${vlan.interface !== undefined ? "interface" : "vlanId"}`, message: `the name ${name} gives the device and the VLAN already: leave interface and vlanId out` });
      } else if (!named && (vlan.interface === undefined || vlan.vlanId === undefined)) {
        issues.push({ key, message: `a VLAN interface not named <device>.<vlan> (like vmbr0.40) needs interface and vlanId` });
      }
      const { device, vlanId } = vlanInterfaceParts(name, vlan);
      const bridge = device === undefined ? undefined : node.bridges[device];
      if (bridge && vlanId !== undefined && !bridgeCarriesVlan(bridge, vlanId)) {
        issues.push({ key, message: `VLAN ${vlanId} rides on bridge ${device}, which ${notCarried(bridge, `${nodeKey}.bridges.${device}`)}` });
      }
      checkInterface(vlan, key);
    }
    return issues;
  });
}

/** Why a declared bridge does not carry a VLAN, naming the key to change. */
function notCarried(bridge: NodeBridgeSpec, bridgeKey: string): string {
  if (bridge.vlanAware !== true) return `is not VLAN-aware (${bridgeKey}.vlanAware)`;
  return `carries VLANs ${(bridge.vlanIds ?? ["2-4094"]).join(", ")} only (${bridgeKey}.vlanIds)`;
}

/** A guest's network device as the VLAN rule sees it: the node it runs on and the network it joins. */
interface NicPlacement {
  /** The key of the device (or of what places it), for the message. */
  key: string;
  node: string;
  network: string;
}

/** Every guest's network devices: containers', VMs', and the Talos nodes' VMs (on the cluster's network). */
function nicPlacements(inventory: ComputeInventory): NicPlacement[] {
  const { talos } = inventory;
  return [
    ...Object.entries(inventory.proxmoxContainers).flatMap(([name, container]) =>
      container.network.map((nic, index) => ({ key: `${CONTAINERS}.${name}.network[${index}].network`, node: container.node, network: nic.network })),
    ),
    ...Object.entries(inventory.proxmoxVms).flatMap(([name, vm]) =>
      vm.network.map((nic, index) => ({ key: `${VMS}.${name}.network[${index}].network`, node: vm.node, network: nic.network })),
    ),
    ...talosNicPlacements(talos),
  ];
}

function talosNicPlacements(talos: TalosSpec): NicPlacement[] {
  // A LAN declared inline has no bridge; checkTalos refuses VM nodes on it.
  if (talos.manager !== "homeops" || typeof talos.network !== "string") return [];
  const network = talos.network;
  return talos.nodes.flatMap((node, index) => (node.proxmoxNode ? [{ key: `${TALOS}.nodes[${index}].proxmoxNode`, node: node.proxmoxNode, network }] : []));
}

/**
 * A guest on a node whose bridges the stack file declares is on one of them, and on a VLAN
 * that bridge carries; a node that declares none keeps its network to itself (not checked).
 */
function checkGuestVlans(proxmox: ProxmoxSettings, placements: NicPlacement[]): ConfigIssue[] {
  return placements.flatMap(({ key, node, network: networkName }) => {
    const network = proxmox.networks[networkName];
    const bridges = proxmox.nodes[node]?.bridges;
    if (!network || !bridges || Object.keys(bridges).length === 0) return [];
    const bridgeKey = `${PROXMOX}.nodes.${node}.bridges.${network.bridge}`;
    const bridge = bridges[network.bridge];
    if (!bridge) {
      return [{ key, message: `network ${networkName} is on bridge ${network.bridge}, which node ${node} does not declare (${PROXMOX}.nodes.${node}.bridges: ${Object.keys(bridges).join(", ")})` }];
    }
    if (network.vlanId === undefined || bridgeCarriesVlan(bridge, network.vlanId)) return [];
    return [{ key, message: `network ${networkName} is VLAN ${network.vlanId} on bridge ${network.bridge}, which on node ${node} ${notCarried(bridge, bridgeKey)}` }];
  });
}

/** A network by name, for a device whose address the guest takes by DHCP. */
function networkIssues(proxmox: ProxmoxSettings, networkName: string, key: string): ConfigIssue[] {
  return proxmox.networks[networkName] ? [] : [{ key: `${key}.network`, message: unknownName("network", networkName, proxmox.networks) }];
}

/** Omni's machines: each name, UUID and address once, and an etcd quorum of control planes. */
function checkOmniCluster(proxmox: ProxmoxSettings | undefined, cluster: OmniClusterSpec, addresses: AddressBook): ConfigIssue[] {
  const lan = clusterLan(cluster, proxmox);
  const issues: ConfigIssue[] = lan ? [] : [unknownClusterNetwork(cluster.network as string, proxmox)];
  const names = new Map<string, string>();
  const uuids = new Map<string, string>();
  cluster.machines.forEach((machine, index) => {
    const key = `${TALOS}.machines[${index}]`;
    for (const [seen, value, field] of [[names, machine.name, "name"], [uuids, machine.uuid.toLowerCase(), "uuid"]] as const) {
      const first = seen.get(value);
      if (first) issues.push({ key: `${key}.${field}`, message: `${field} ${value} is already used by ${first}` });
      else seen.set(value, key);
    }
    if (lan) issues.push(...lanAddressIssues(lan, clusterNetworkName(cluster.network), machine.address, key, addresses, "address"));
  });
  const countIssue = controlPlaneCountIssue(cluster.machines.filter((machine) => machine.role === "controlplane").length, cluster.evenControlPlanesAcknowledged);
  if (countIssue) issues.push({ key: `${TALOS}.machines`, message: countIssue });
  return issues;
}

function checkTalos(proxmox: ProxmoxSettings | undefined, talos: TalosClusterSpec, addresses: AddressBook): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const network = clusterLan(talos, proxmox);
  const networkName = clusterNetworkName(talos.network);
  if (!network) {
    issues.push(unknownClusterNetwork(talos.network as string, proxmox));
  } else {
    const subnet = parseSubnet(network.subnet)!;
    if (!isHostAddress(talos.vip, subnet)) issues.push({ key: `${TALOS}.vip`, message: `${talos.vip} is outside ${networkName} (${network.subnet})` });
    else issues.push(...addresses.claim(talos.vip, `${TALOS}.vip`));
  }

  const names = new Map<string, string>();
  talos.nodes.forEach((node, index) => {
    const key = `${TALOS}.nodes[${index}]`;
    const first = names.get(node.name);
    if (first) issues.push({ key: `${key}.name`, message: `node name "${node.name}" is already used by ${first}` });
    else names.set(node.name, key);
    if (network) issues.push(...lanAddressIssues(network, networkName, node.ip, key, addresses));
    if (!isVmNode(node)) return;
    if (!proxmox) {
      issues.push({ key: `${key}.proxmoxNode`, message: `a node on a Proxmox VM needs ${PROXMOX}, which is not set: declare it, or make the node a machine of its own (bareMetal: {macAddress: ...})` });
    } else if (typeof talos.network !== "string") {
      issues.push({ key: `${key}.proxmoxNode`, message: `a node on a Proxmox VM needs a bridge: set ${TALOS}.network to a ${PROXMOX}.networks name instead of the LAN itself` });
    } else if (!(node.proxmoxNode in proxmox.nodes)) {
      issues.push({ key: `${key}.proxmoxNode`, message: unknownName("Proxmox node", node.proxmoxNode, proxmox.nodes) });
    }
  });

  if (proxmox) issues.push(...talosVmDatastoreIssues(proxmox, talos));

  const countIssue = controlPlaneCountIssue(
    talos.nodes.filter((node) => node.role === "controlplane").length,
    talos.evenControlPlanesAcknowledged,
  );
  if (countIssue) issues.push({ key: `${TALOS}.nodes`, message: countIssue });
  return issues;
}

/**
 * Every Proxmox node that hosts a Talos VM needs that VM's datastores (its role or its own
 * may name other disks than the cluster's); each is reported once, under the key that names it.
 */
function talosVmDatastoreIssues(proxmox: ProxmoxSettings, talos: TalosClusterSpec): ConfigIssue[] {
  const { vm } = talos;
  if (vm === undefined) return [];
  const issues: ConfigIssue[] = [];
  const checked = new Set<string>();
  const need = (key: string, datastore: string, content: DatastoreContent, host: string) => {
    if (checked.has(`${key} ${host} ${datastore}`)) return;
    checked.add(`${key} ${host} ${datastore}`);
    issues.push(...datastoreIssues(proxmox, host, datastore, content, key));
  };
  talos.nodes.forEach((node, index) => {
    if (!isVmNode(node) || !(node.proxmoxNode in proxmox.nodes)) return;
    const shape = talosVmShape(talos, node);
    const sizeKey = (field: "osDisk" | "dataDisks" | "pciDevices") => talosVmFieldKey(talos, node, index, field);
    need(`${sizeKey("osDisk")}.datastore`, shape.osDisk.datastore, "images", node.proxmoxNode);
    shape.dataDisks.forEach((disk, diskIndex) => need(`${sizeKey("dataDisks")}[${diskIndex}].datastore`, disk.datastore, "images", node.proxmoxNode));
    // Talos VMs run q35 with SeaBIOS (components/talos/clusterPlan.ts talosVmSpec).
    shape.pciDevices.forEach((device, deviceIndex) =>
      issues.push(...pciDeviceIssues(proxmox, { key: `${TALOS}.nodes[${index}]`, node: node.proxmoxNode, machine: "q35", uefi: false }, device, `${sizeKey("pciDevices")}[${deviceIndex}]`, "Talos VMs boot with SeaBIOS here, so pass the GPU as a secondary device (primaryGpu: false)")),
    );
    need(`${TALOS}.vm.imageDatastore`, vm.imageDatastore, "iso", node.proxmoxNode);
    need(`${TALOS}.vm.snippetsDatastore`, vm.snippetsDatastore, "snippets", node.proxmoxNode);
    need(`${TALOS}.vm.cloudInitDatastore`, vm.cloudInitDatastore, "images", node.proxmoxNode);
  });
  return issues;
}

/** `field` is the address's key under `key` (`ip` for guests). */
function addressIssues(proxmox: ProxmoxSettings, networkName: string, ip: string, key: string, addresses: AddressBook, field = "ip"): ConfigIssue[] {
  const network = proxmox.networks[networkName];
  if (!network) return networkIssues(proxmox, networkName, key);
  return lanAddressIssues(network, `network ${networkName}`, ip, key, addresses, field);
}

/** An address on a LAN (`what` names it for the message): a host address of its subnet, claimed once. */
function lanAddressIssues(lan: LanSpec, what: string, ip: string, key: string, addresses: AddressBook, field = "ip"): ConfigIssue[] {
  if (!isHostAddress(ip, parseSubnet(lan.subnet)!)) return [{ key: `${key}.${field}`, message: `${ip} is not a host address of ${what} (${lan.subnet})` }];
  return addresses.claim(ip, `${key}.${field}`);
}

/** How messages name the Talos cluster's LAN. */
function clusterNetworkName(network: string | LanSpec): string {
  return typeof network === "string" ? `network ${network}` : `the cluster's LAN ${TALOS}.network`;
}

/** homeops:talos.network names a network homeops:proxmox does not declare (or there is no homeops:proxmox). */
function unknownClusterNetwork(name: string, proxmox: ProxmoxSettings | undefined): ConfigIssue {
  if (!proxmox) {
    return { key: `${TALOS}.network`, message: `names network "${name}", but ${PROXMOX} is not set: declare the LAN here instead, {subnet, gateway, nameservers?, searchDomain?}` };
  }
  return { key: `${TALOS}.network`, message: unknownName("network", name, proxmox.networks) };
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

/** The nodes that are Proxmox VMs, each with its own memory (a bare-metal node uses no Proxmox capacity). */
function talosGuests(talos: TalosClusterSpec): Guest[] {
  return talos.nodes.flatMap((node, index) =>
    isVmNode(node) && talos.vm !== undefined
      ? [{ name: node.name, key: `${TALOS}.nodes[${index}]`, node: node.proxmoxNode, vmId: node.vmId, memoryMb: talosVmShape(talos, node).memoryMb }]
      : [],
  );
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
    const ips = guest.spec.network.map((nic) => nic.ip).filter((ip) => ip !== "dhcp");
    return [
      ...(ips.includes(host.address) ? [] : [{ key: `${key}.address`, message: `${guest.what} ${name} has ${ips.join(", ") || "no static address"}, not ${host.address}` }]),
      ...(host.memoryMb <= guest.spec.memoryMb
        ? []
        : [{ key: `${key}.memoryMb`, message: `${host.memoryMb} MB is more than the ${guest.spec.memoryMb} MB ${guest.what} ${name} has` }]),
    ];
  });
}
