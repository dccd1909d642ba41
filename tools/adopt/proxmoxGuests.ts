/**
 * The stack-file entries for what runs on a Proxmox node, from the API's answers: pure
 * functions over the JSON of `GET /cluster/resources`, `/nodes/{node}/storage`,
 * `/nodes/{node}/network` and each
 * guest's `/nodes/{node}/lxc|qemu/{vmid}/config` (Proxmox VE API; the guest config keys are
 * those of pct.conf(5) and qm.conf(5)).
 */
import { subnetOfInterface } from "../../config/ipv4";

/** One entry of `GET /cluster/resources`. */
export interface ClusterResource {
  id: string;
  type: string;
  node?: string;
  status?: string;
  vmid?: number;
  name?: string;
  maxmem?: number;
  storage?: string;
  template?: number;
}

/** One entry of `GET /nodes/{node}/storage`. */
export interface NodeStorage {
  storage: string;
  type?: string;
  content?: string;
  enabled?: number;
  active?: number;
}

/**
 * A PCI resource mapping as GET /cluster/mapping/pci lists it (its section of
 * /etc/pve/mapping/pci.cfg): `map` holds one property string a device,
 * `node=<node>,path=<address>,id=<vendor:device>[,subsystem-id=...][,iommugroup=...][,description=...]`.
 */
export interface PciMappingConfig {
  id: string;
  description?: string;
  mdev?: number | string;
  map?: string[];
}

const PCI_PATH = /^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}(\.[0-7])?$/;

/** A `homeops:proxmox.pciMappings` entry marked `existing`, with each device as the cluster maps it; a device the stack file cannot declare is unmapped. */
export function pciMappingEntry(mapping: PciMappingConfig): { entry: Record<string, unknown>; unmapped: Unmapped[] } {
  const unmapped: Unmapped[] = [];
  const devices = (mapping.map ?? []).flatMap((text, index) => {
    const device = propertyString(text);
    // Several functions of one card are `path=a;b`: the stack file maps one address a device.
    if (!PCI_PATH.test(device.path ?? "")) {
      unmapped.push({ guest: `PCI mapping ${mapping.id}`, key: `map[${index}]`, reason: `the device path ${device.path}: the stack file declares one PCI address a device` });
      return [];
    }
    return [
      {
        node: device.node,
        path: device.path,
        id: device.id,
        ...(device["subsystem-id"] === undefined ? {} : { subsystemId: device["subsystem-id"] }),
        ...(device.iommugroup === undefined ? {} : { iommuGroup: Number(device.iommugroup) }),
        ...(device.description === undefined ? {} : { comment: device.description }),
      },
    ];
  });
  const entry = {
    existing: true,
    ...(mapping.description ? { comment: mapping.description } : {}),
    ...(flag(mapping.mdev) ? { mediatedDevices: true } : {}),
    devices,
  };
  return { entry, unmapped };
}

/** A guest's configuration: `key: value` as pct.conf / qm.conf hold them (numbers may come as strings). */
export type GuestConfig = Record<string, string | number>;

/** A config key the stack file cannot express, by guest and key. */
export interface Unmapped {
  guest: string;
  key: string;
  reason: string;
}

/** A value Proxmox does not record, which the stack file needs: to be filled in by hand. */
export interface ToFill {
  path: string;
  why: string;
}

/** A LAN segment as the guests' network devices show it. */
export interface DiscoveredNetwork {
  bridge: string;
  vlanId?: number;
  subnet?: string;
  gateway?: string;
}

const DATASTORE_CONTENT = new Set(["images", "rootdir", "vztmpl", "iso", "snippets", "import", "backup"]);
/** Keys that say nothing the stack file declares (identity, bookkeeping, the defaults it assumes). */
const LXC_IGNORED = new Set(["arch", "digest", "hostname", "nameserver", "searchdomain", "lock", "cmode", "console", "tty", "timezone", "protection"]);
const QEMU_IGNORED = new Set(["digest", "name", "boot", "ostype", "scsihw", "vmgenid", "smbios1", "meta", "numa", "sockets", "efidisk0", "bootdisk", "lock", "protection", "cicustom", "searchdomain", "nameserver", "tpmstate0"]);

/** `key=value,flag` property strings as Proxmox writes them; a bare first item is returned under `default`. */
export function propertyString(text: string): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const [index, part] of text.split(",").entries()) {
    const separator = part.indexOf("=");
    if (separator < 0) properties[index === 0 ? "default" : part] = index === 0 ? part : "1";
    else properties[part.slice(0, separator)] = part.slice(separator + 1);
  }
  return properties;
}

/** `64G`, `512M`, `1T`, `8192` (bytes with no unit) in whole GB, rounded up. */
export function sizeGb(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([KMGT]?)$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a Proxmox size`);
  const factor = { "": 1 / 1024 ** 3, K: 1 / 1024 ** 2, M: 1 / 1024, G: 1, T: 1024 }[match[2] as "" | "K" | "M" | "G" | "T"];
  return Math.ceil(Number(match[1]) * factor);
}

/** The datastores of a node and the content each is enabled for (only the kinds the stack file knows). */
export function nodeDatastores(storages: readonly NodeStorage[]): Record<string, string[]> {
  return Object.fromEntries(
    storages
      .filter((storage) => storage.enabled !== 0)
      .map((storage) => [storage.storage, (storage.content ?? "").split(",").filter((content) => DATASTORE_CONTENT.has(content)).sort()] as const)
      .filter(([, content]) => content.length > 0)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** A network's key in the stack file: its bridge, and VLAN tag when it has one. */
export function networkKey(bridge: string, vlanId?: number): string {
  return vlanId === undefined ? bridge : `${bridge}-vlan${vlanId}`;
}

function numbered(config: GuestConfig, prefix: string): [number, string][] {
  return Object.entries(config)
    .flatMap(([key, value]) => {
      const match = new RegExp(`^${prefix}(\\d+)$`).exec(key);
      return match ? [[Number(match[1]), String(value)] as [number, string]] : [];
    })
    .sort(([a], [b]) => a - b);
}

const flag = (value: string | number | undefined) => value !== undefined && String(value) !== "0";
const tagsOf = (value: string | number | undefined) => (value === undefined ? [] : String(value).split(/[;, ]/).filter(Boolean).sort());

export interface GuestEntry {
  /** The entry's key: the guest's hostname or name. */
  name: string;
  entry: Record<string, unknown>;
  networks: DiscoveredNetwork[];
  unmapped: Unmapped[];
  toFill: ToFill[];
}

/** A `homeops:proxmoxContainers` entry from `GET /nodes/{node}/lxc/{vmid}/config`. */
export function containerEntry(node: string, vmId: number, config: GuestConfig): GuestEntry {
  const name = String(config.hostname ?? `ct${vmId}`);
  const guest = `lxc ${vmId} (${name}) on ${node}`;
  const unmapped: Unmapped[] = [];
  const networks: DiscoveredNetwork[] = [];
  const entry: Record<string, unknown> = { node, vmId };
  if (config.description !== undefined) entry.description = String(config.description).trim();
  // Proxmox keeps no record of the template a container was made from (`ostemplate` is a creation parameter).
  entry.template = "<the OS template it was created from>";
  const toFill: ToFill[] = [{ path: `homeops:proxmoxContainers.${name}.template`, why: `${guest}: Proxmox does not record the template (ostype ${config.ostype ?? "unknown"}); read only when the container is created` }];
  if (config.ostype !== undefined) entry.osType = String(config.ostype);
  entry.cores = Number(config.cores ?? 1);
  entry.memoryMb = Number(config.memory ?? 512);
  entry.swapMb = Number(config.swap ?? 512);
  const handled = new Set(["description", "ostype", "cores", "memory", "swap", "rootfs", "unprivileged", "features", "onboot", "tags"]);

  const rootfs = propertyString(String(config.rootfs ?? ""));
  entry.rootDisk = { datastore: rootfs.default.split(":")[0], sizeGb: sizeGb(rootfs.size ?? "0") };

  entry.network = numbered(config, "net").map(([index, value]) => {
    handled.add(`net${index}`);
    const nic = propertyString(value);
    const vlanId = nic.tag === undefined ? undefined : Number(nic.tag);
    const ip = nic.ip ?? "";
    if (!/\//.test(ip)) unmapped.push({ guest, key: `net${index}`, reason: `address "${ip || "none"}": only a static IPv4 address is declared` });
    networks.push({ bridge: nic.bridge, vlanId, subnet: subnetOfInterface(ip), gateway: nic.gw });
    return { network: networkKey(nic.bridge, vlanId), ip: ip.split("/")[0] };
  });
  entry.unprivileged = flag(config.unprivileged);
  const features = propertyString(String(config.features ?? ""));
  entry.features = { nesting: flag(features.nesting), keyctl: flag(features.keyctl), fuse: flag(features.fuse) };
  for (const feature of Object.keys(features).filter((key) => !["nesting", "keyctl", "fuse", "default"].includes(key))) {
    unmapped.push({ guest, key: `features.${feature}`, reason: "a container feature the stack file does not declare" });
  }

  const mountPoints = numbered(config, "mp").map(([index, value]) => {
    handled.add(`mp${index}`);
    const mount = propertyString(value);
    const readOnly = flag(mount.ro);
    // A volume is `<datastore>:<volume>`; a bind mount is a path on the node.
    if (mount.default.startsWith("/")) return { hostPath: mount.default, path: mount.mp, ...(readOnly ? { readOnly } : {}) };
    return { datastore: mount.default.split(":")[0], sizeGb: sizeGb(mount.size ?? "0"), path: mount.mp, ...(readOnly ? { readOnly } : {}), ...(flag(mount.backup) ? {} : { backup: false }) };
  });
  if (mountPoints.length > 0) entry.mountPoints = mountPoints;
  const devices = numbered(config, "dev").map(([index, value]) => {
    handled.add(`dev${index}`);
    const device = propertyString(value);
    return {
      path: device.path ?? device.default,
      ...(device.uid === undefined ? {} : { uid: Number(device.uid) }),
      ...(device.gid === undefined ? {} : { gid: Number(device.gid) }),
      ...(device.mode === undefined ? {} : { mode: device.mode }),
    };
  });
  if (devices.length > 0) entry.devices = devices;
  entry.startOnBoot = flag(config.onboot);
  const tags = tagsOf(config.tags);
  if (tags.length > 0) entry.tags = tags;
  for (const key of Object.keys(config)) {
    if (!handled.has(key) && !LXC_IGNORED.has(key)) unmapped.push({ guest, key, reason: "a container setting the stack file does not declare" });
  }
  return { name, entry, networks, unmapped, toFill };
}

const DISK_SLOT = /^(scsi|virtio|sata|ide)(\d+)$/;

/**
 * A `homeops:proxmoxVms` entry from `GET /nodes/{node}/qemu/{vmid}/config`. The guest's
 * address comes from its cloud-init `ipconfigN` when it has one; otherwise it is the guest's
 * own setting, which the API does not show.
 */
export function vmEntry(node: string, vmId: number, config: GuestConfig): GuestEntry {
  const name = String(config.name ?? `vm${vmId}`);
  const guest = `qemu ${vmId} (${name}) on ${node}`;
  const unmapped: Unmapped[] = [];
  const toFill: ToFill[] = [];
  const networks: DiscoveredNetwork[] = [];
  const entry: Record<string, unknown> = { node, vmId };
  const handled = new Set(["description", "cores", "cpu", "memory", "balloon", "machine", "bios", "agent", "onboot", "tags"]);
  if (config.description !== undefined) entry.description = String(config.description).trim();
  if (Number(config.sockets ?? 1) !== 1) unmapped.push({ guest, key: "sockets", reason: `${config.sockets} sockets: the stack file declares cores on one socket` });
  entry.cores = Number(config.cores ?? 1);
  entry.cpuType = propertyString(String(config.cpu ?? "kvm64")).default;
  // `memory` is a number, or a property string (`current=8192`) on newer releases.
  const memory = propertyString(String(config.memory ?? "512"));
  const memoryMb = Number(memory.current ?? memory.default);
  entry.memoryMb = memoryMb;
  const pciDevices = numbered(config, "hostpci").flatMap(([index, value]) => {
    const device = propertyString(value);
    handled.add(`hostpci${index}`);
    // Only a resource mapping can be attached with an API token; a raw address needs root@pam.
    if (device.mapping === undefined) {
      unmapped.push({ guest, key: `hostpci${index}`, reason: `the raw PCI device ${device.host ?? device.default}: declare a resource mapping of it in homeops:proxmox.pciMappings and pass that through` });
      return [];
    }
    toFill.push({ path: `homeops:proxmox.pciMappings.${device.mapping}`, why: `${guest} passes mapping ${device.mapping} through, which exists in the cluster: existing: true and its devices per node, from pvesh get /cluster/mapping/pci/${device.mapping}` });
    return [
      {
        mapping: device.mapping,
        pcie: flag(device.pcie),
        primaryGpu: flag(device["x-vga"]),
        ...(device.rombar === "0" ? { rombar: false } : {}),
        ...(device.romfile === undefined ? {} : { romFile: device.romfile }),
      },
    ];
  });
  // No `balloon` key is Proxmox's default: a balloon device that never takes memory back.
  const balloon = config.balloon === undefined ? 0 : Number(config.balloon);
  if (balloon !== 0 && balloon < memoryMb) {
    if (numbered(config, "hostpci").length > 0) unmapped.push({ guest, key: "balloon", reason: `ballooning down to ${balloon} MB with PCI passthrough: its memory is pinned, and the stack file refuses it` });
    else entry.balloonMinMb = balloon;
  }
  entry.machine = String(config.machine ?? "pc").includes("q35") ? "q35" : "pc";
  entry.uefi = config.bios === "ovmf";

  let cloudInitDatastore: string | undefined;
  const disks: Record<string, unknown>[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (!DISK_SLOT.test(key)) continue;
    handled.add(key);
    const disk = propertyString(String(value));
    // The cloud-init drive is a CD-ROM Proxmox writes itself (`<storage>:vm-<id>-cloudinit`).
    if (disk.default.includes(":cloudinit") || disk.default.includes("-cloudinit")) {
      cloudInitDatastore = disk.default.split(":")[0];
      continue;
    }
    if (disk.media === "cdrom") {
      if (disk.default !== "none") unmapped.push({ guest, key, reason: `a CD-ROM with ${disk.default} inserted` });
      continue;
    }
    disks.push({ interface: key, datastore: disk.default.split(":")[0], sizeGb: sizeGb(disk.size ?? "0") });
  }
  entry.disks = disks.sort((a, b) => String(a.interface).localeCompare(String(b.interface), undefined, { numeric: true }));

  entry.network = numbered(config, "net").map(([index, value]) => {
    handled.add(`net${index}`);
    handled.add(`ipconfig${index}`);
    const nic = propertyString(value);
    const model = Object.keys(nic).find((key) => /^([0-9A-F]{2}:){5}[0-9A-F]{2}$/i.test(nic[key]));
    const vlanId = nic.tag === undefined ? undefined : Number(nic.tag);
    const ipConfig = propertyString(String(config[`ipconfig${index}`] ?? ""));
    const dhcp = ipConfig.ip === "dhcp";
    const ip = ipConfig.ip?.includes("/") ? ipConfig.ip : undefined;
    networks.push({ bridge: nic.bridge, vlanId, subnet: ip && subnetOfInterface(ip), gateway: ipConfig.gw });
    if (!ip && !dhcp) toFill.push({ path: `homeops:proxmoxVms.${name}.network[${index}].ip`, why: `${guest}: the guest sets its own address on net${index}, which the API does not show` });
    return {
      network: networkKey(nic.bridge, vlanId),
      ip: dhcp ? "dhcp" : ip ? ip.split("/")[0] : "<the address the guest configures>",
      ...(model ? { macAddress: nic[model].toUpperCase() } : {}),
      ...(flag(nic.firewall) ? { firewall: true } : {}),
    };
  });
  if (cloudInitDatastore) entry.cloudInit = cloudInitEntry(name, guest, cloudInitDatastore, config, toFill);
  for (const key of ["ciuser", "sshkeys", "cipassword"]) handled.add(key);
  if (pciDevices.length > 0) entry.pciDevices = pciDevices;
  entry.guestAgent = flag(propertyString(String(config.agent ?? "0")).default);
  entry.startOnBoot = flag(config.onboot);
  const tags = tagsOf(config.tags);
  if (tags.length > 0) entry.tags = tags;
  for (const key of Object.keys(config)) {
    if (handled.has(key) || QEMU_IGNORED.has(key)) continue;
    unmapped.push({ guest, key, reason: "a VM setting the stack file does not declare" });
  }
  return { name, entry, networks, unmapped, toFill };
}

/** What the cloud-init drive holds of the user: the name and keys; a password is set, never shown (the API masks it). */
function cloudInitEntry(name: string, guest: string, datastore: string, config: GuestConfig, toFill: ToFill[]): Record<string, unknown> {
  // `sshkeys` is URL-encoded, one key a line.
  const sshKeys = config.sshkeys === undefined ? [] : decodeURIComponent(String(config.sshkeys)).split("\n").map((line) => line.trim()).filter(Boolean);
  if (config.cipassword !== undefined) {
    toFill.push({ path: `homeops:proxmoxVms.${name}.cloudInit.password`, why: `${guest} has a cloud-init password: {configSecret: <key>}, set with pulumi config set --secret <key>` });
  }
  return {
    datastore,
    ...(config.ciuser === undefined ? {} : { user: String(config.ciuser) }),
    ...(sshKeys.length > 0 ? { sshKeys } : {}),
    ...(config.cipassword === undefined ? {} : { password: { configSecret: "<a config secret key>" } }),
  };
}

/** One entry of `GET /nodes/{node}/network`. */
export interface NodeInterface {
  iface: string;
  type: string;
  bridge_ports?: string;
  bridge_vlan_aware?: number;
  bridge_vids?: string;
  cidr?: string;
  gateway?: string;
  mtu?: string | number;
  comments?: string;
  "vlan-raw-device"?: string;
  "vlan-id"?: string | number;
}

/**
 * A node's Linux bridges and VLAN interfaces as `existing` entries holding what they hold now
 * (so that adopting them changes nothing); other kinds (physical ports, bonds, OVS) are the
 * node's own and are not declared.
 */
export function nodeInterfaces(interfaces: readonly NodeInterface[]): { bridges: Record<string, unknown>; vlans: Record<string, unknown> } {
  const common = (entry: NodeInterface) => ({
    existing: true,
    ...(entry.cidr ? { address: entry.cidr } : {}),
    ...(entry.gateway ? { gateway: entry.gateway } : {}),
    ...(entry.mtu === undefined ? {} : { mtu: Number(entry.mtu) }),
    ...(entry.comments?.trim() ? { comment: entry.comments.trim() } : {}),
  });
  const sorted = [...interfaces].sort((a, b) => a.iface.localeCompare(b.iface, undefined, { numeric: true }));
  const bridges = sorted.filter((entry) => entry.type === "bridge").map((entry) => {
    const ports = (entry.bridge_ports ?? "").split(/\s+/).filter(Boolean);
    const vlanAware = flag(entry.bridge_vlan_aware);
    const vlanIds = (entry.bridge_vids ?? "").split(/\s+/).filter(Boolean).map((item) => (/^\d+$/.test(item) ? Number(item) : item));
    return [entry.iface, { ...common(entry), ...(ports.length > 0 ? { ports } : {}), vlanAware, ...(vlanAware && vlanIds.length > 0 ? { vlanIds } : {}) }] as const;
  });
  const vlans = sorted.filter((entry) => entry.type === "vlan").map((entry) => {
    const named = /^.+\.\d{1,4}$/.test(entry.iface);
    return [entry.iface, { ...common(entry), ...(named ? {} : { interface: entry["vlan-raw-device"], vlanId: Number(entry["vlan-id"]) }) }] as const;
  });
  return { bridges: Object.fromEntries(bridges), vlans: Object.fromEntries(vlans) };
}
