import { isIPv4 } from "node:net";
import { z } from "zod";
import { ipv4Address, ipv4Subnet } from "./addresses";
import { subnetOfInterface } from "./ipv4";

export const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "must be a lowercase DNS label (a-z, 0-9, '-')");

/** Proxmox guest ids: 100 and up (lower ids are reserved), at most 999999999. */
export const vmIdSchema = z.number().int().min(100, "Proxmox VMIDs start at 100").max(999_999_999, "Proxmox VMIDs end at 999999999");

const PROXMOX_NODES = "homeops:proxmox.nodes";

const vlanIdSchema = z.number().int().min(1, "VLAN ids are 1-4094").max(4094, "VLAN ids are 1-4094");

/** `first-last` VLAN ids, as `bridge-vids` writes a range. */
const vlanRangeSchema = z.string().refine((text) => {
  const match = /^(\d{1,4})-(\d{1,4})$/.exec(text);
  return match !== null && Number(match[1]) >= 1 && Number(match[1]) <= Number(match[2]) && Number(match[2]) <= 4094;
}, "must be a VLAN id 1-4094 or a range first-last of them like 100-199");

/** A reference to a Pulumi config secret; the value is never written in the stack file. */
export const configSecretRefSchema = z
  .object(
    { configSecret: z.string().min(1) },
    // Only for a value that is no object: an unknown key in it is reported as such.
    { error: (issue) => (issue.code === "invalid_type" ? "must be {configSecret: <key>}, a value set with `pulumi config set --secret <key>`" : undefined) },
  )
  .strict();
export type ConfigSecretRef = z.infer<typeof configSecretRefSchema>;

/** What a Proxmox datastore may hold (Datacenter > Storage > Content). */
const DATASTORE_CONTENT = ["images", "rootdir", "vztmpl", "iso", "snippets", "import", "backup"] as const;
export type DatastoreContent = (typeof DATASTORE_CONTENT)[number];

/** An interface name of a node: letters, digits and '_' from a letter (the provider's rule), at most 15 characters (Linux's). */
const interfaceNameSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_.]{0,14}$/, "must be a network interface name like eno1, vmbr0 or eno1.40");

/** `a.b.c.d/len`: an interface's own address with its subnet's prefix length. */
const interfaceAddressSchema = z
  .string()
  .refine((text) => subnetOfInterface(text) !== undefined, "must be an IPv4 address with its prefix length like 192.168.20.10/24");

/** What a node's network interface (a bridge or a VLAN) may hold beside its own settings. */
const nodeInterfaceFields = {
  /**
   * It runs on the node today: the program adopts it (imported as `<node>:<name>`) and
   * leaves every setting this entry does not give as the node has it.
   */
  existing: z.boolean().default(false),
  /** The node's own address on it, with the prefix length, e.g. 192.168.20.10/24. */
  address: interfaceAddressSchema.optional(),
  /** The node's default gateway, on one interface of the node only. */
  gateway: ipv4Address.optional(),
  mtu: z.number().int().min(576, "MTU is 576-65520").max(65520, "MTU is 576-65520").optional(),
  comment: z.string().optional(),
};

/** A Linux bridge of a node (Proxmox's `vmbrN`), which guests' network devices plug into. */
const nodeBridgeSchema = z
  .object({
    ...nodeInterfaceFields,
    /** The interfaces it bridges: physical ports, bonds or VLAN interfaces (`bridge-ports`). */
    ports: z.array(interfaceNameSchema).optional(),
    /** Filters by VLAN (`bridge-vlan-aware`): guests' tagged devices then share this one bridge. */
    vlanAware: z.boolean().optional(),
    /** The VLANs a VLAN-aware bridge carries (`bridge-vids`); Proxmox's default is 2-4094. */
    vlanIds: z.array(z.union([vlanIdSchema, vlanRangeSchema])).min(1).optional(),
  })
  .strict();
export type NodeBridgeSpec = z.infer<typeof nodeBridgeSchema>;

/**
 * A VLAN interface of a node (the node's own leg on a VLAN, e.g. a storage network): named
 * `<device>.<vlan>` (`vmbr0.40`), or any name with `interface` and `vlanId`.
 */
const nodeVlanSchema = z
  .object({
    ...nodeInterfaceFields,
    /** The device the VLAN rides on, when the name does not say it. */
    interface: interfaceNameSchema.optional(),
    vlanId: vlanIdSchema.optional(),
  })
  .strict();
export type NodeVlanSpec = z.infer<typeof nodeVlanSchema>;

const proxmoxNodeSchema = z
  .object({
    /** The node's address on the LAN: the provider reaches it over SSH here to upload snippets. */
    address: ipv4Address,
    /** The node's memory in MB (what it has, not what it gives its guests: see `guestMemoryMb`). */
    memoryMb: z.number().int().positive(),
    /**
     * The most the ZFS ARC may take, in MB (`zfs_arc_max`): memory the node keeps for its
     * pools' cache, not for guests. 0 on a node without ZFS or with the default ARC.
     */
    zfsArcMaxMb: z.number().int().min(0).default(0),
    /** The node's datastores and the content each is enabled for. */
    datastores: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, "must be a Proxmox storage id"), z.array(z.enum(DATASTORE_CONTENT)).min(1)),
    /**
     * Linux bridges the program manages on the node, by name (at most 10 letters, digits or
     * '_', the provider's rule). A bridge not listed here is left alone.
     */
    bridges: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,9}$/, "must be a bridge name like vmbr0: a letter, then at most 9 letters, digits or '_'"), nodeBridgeSchema).default({}),
    /** VLAN interfaces the program manages on the node, by name. */
    vlans: z.record(interfaceNameSchema, nodeVlanSchema).default({}),
  })
  .strict();

/** Settings of a bridge that a network entry is the natural first place to write: each is the node's, in `bridges`. */
const BRIDGE_SETTINGS = ["vlanIds", "ports"];

/**
 * A LAN as its hosts see it: the subnet, its router, the resolvers and search domain handed
 * out. A Proxmox network is one on a bridge; a bare-metal Talos cluster may declare its own.
 */
export const lanSchema = z.object({
  subnet: ipv4Subnet,
  gateway: ipv4Address,
  nameservers: z.array(ipv4Address).default([]),
  searchDomain: z.string().optional(),
});
export type LanSpec = z.infer<typeof lanSchema>;

/** A LAN segment guests attach to: a Linux bridge on every node, optionally a VLAN on it. */
const proxmoxNetworkSchema = z.preprocess(
  (value, context) => {
    if (typeof value !== "object" || value === null) return value;
    const bridge = String((value as { bridge?: unknown }).bridge ?? "<bridge>");
    for (const key of BRIDGE_SETTINGS.filter((setting) => setting in value)) {
      context.issues.push({
        code: "custom",
        input: value,
        path: [key],
        message: `${key} is a setting of the bridge on each node: declare it as ${PROXMOX_NODES}.<node>.bridges.${bridge}.${key} (the network gives its vlanId)`,
      });
    }
    return Object.fromEntries(Object.entries(value).filter(([key]) => !BRIDGE_SETTINGS.includes(key)));
  },
  z
    .object({
      bridge: z.string().regex(/^[a-z][a-z0-9_.-]{0,14}$/, "must be a Linux bridge name like vmbr0"),
      vlanId: vlanIdSchema.optional(),
      /**
       * The bridge is VLAN-aware on every node, declared here for nodes whose bridges the
       * stack file does not manage; a node that declares the bridge must declare it so too.
       */
      vlanAware: z.boolean().optional(),
      ...lanSchema.shape,
    })
    .strict(),
);
export type ProxmoxNetworkSpec = z.infer<typeof proxmoxNetworkSchema>;

/**
 * A PCI device of the cluster under one name (Datacenter > Resource Mappings): a VM passes
 * it through by that name, and API tokens may use it (raw PCI ids need root@pam).
 */
const pciMappingSchema = z
  .object({
    /**
     * It exists in the cluster already (made in the Proxmox UI): the program imports it by its
     * name, protects it, and keeps every setting this entry leaves out as the cluster has it.
     */
    existing: z.boolean().default(false),
    comment: z.string().optional(),
    /** The device offers mediated devices (vGPU, Intel GVT-g); not when left out. */
    mediatedDevices: z.boolean().optional(),
    /** The device on each node that has one: `pvesh get /nodes/<node>/hardware/pci` lists them. */
    devices: z
      .array(
        z
          .object({
            node: z.string(),
            /** Its PCI address, e.g. 0000:01:00.0 (or 0000:01:00 for every function). */
            path: z.string().regex(/^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}(\.[0-7])?$/, "must be a PCI address like 0000:01:00.0 (lower case)"),
            /** vendor:device, e.g. 10de:2204. */
            id: z.string().regex(/^[0-9a-f]{4}:[0-9a-f]{4}$/, "must be vendor:device in lower-case hex like 10de:2204"),
            /** subsystem vendor:device; Proxmox checks it at start when set. */
            subsystemId: z.string().regex(/^[0-9a-f]{4}:[0-9a-f]{4}$/, "must be vendor:device in lower-case hex like 1458:403b").optional(),
            /** The IOMMU group; Proxmox checks it at start when set. */
            iommuGroup: z.number().int().min(0).optional(),
            comment: z.string().optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
export type PciMappingSpec = z.infer<typeof pciMappingSchema>;

export const proxmoxSchema = z
  .object({
    /** The API of any node of the cluster, e.g. `https://192.168.11.11:8006/`. */
    endpoint: z.url({ protocol: /^https$/, error: "must be an https:// URL like https://pve.lan:8006/" }),
    /** `user@realm!tokenid=secret`, stored with `pulumi config set --secret`. */
    apiToken: configSecretRefSchema,
    /** Skip TLS verification: only for the self-signed certificate a fresh Proxmox install has. */
    insecure: z.boolean().default(false),
    /** SSH to the nodes, which the provider needs to upload snippets (the API cannot). */
    ssh: z
      .object({
        username: z.string().regex(/^[a-z_][a-z0-9_-]*$/, "must be a Unix user name").default("root"),
        /** Use the running ssh-agent (SSH_AUTH_SOCK); otherwise `privateKey`. */
        agent: z.boolean().default(true),
        /** An unencrypted PEM private key from a config secret, e.g. for CI without an agent. */
        privateKey: configSecretRefSchema.optional(),
      })
      .strict()
      .default({ username: "root", agent: true }),
    networks: z.record(dnsLabel, proxmoxNetworkSchema),
    nodes: z.record(dnsLabel, proxmoxNodeSchema),
    /** PCI resource mappings of the cluster, by name, for VMs' `pciDevices`. */
    pciMappings: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, "must be a mapping name of letters, digits, '-' and '_'"), pciMappingSchema).default({}),
  })
  .strict();
export type ProxmoxSettings = z.infer<typeof proxmoxSchema>;
export type ProxmoxNodeSpec = z.infer<typeof proxmoxNodeSchema>;

/** Whether a bridge carries a VLAN: a VLAN-aware one its `vlanIds` (Proxmox's default 2-4094); one that is not, none it can be asked for. */
export function bridgeCarriesVlan(bridge: NodeBridgeSpec, vlanId: number): boolean {
  if (bridge.vlanAware !== true) return false;
  return (bridge.vlanIds ?? ["2-4094"]).some((entry) => {
    if (typeof entry === "number") return entry === vlanId;
    const [first, last] = entry.split("-").map(Number);
    return vlanId >= first && vlanId <= last;
  });
}

/** A VLAN interface's device and tag: from `<device>.<vlan>`, or its `interface` and `vlanId`. */
export function vlanInterfaceParts(name: string, vlan: NodeVlanSpec): { device?: string; vlanId?: number } {
  const dotted = /^(.+)\.(\d{1,4})$/.exec(name);
  return dotted ? { device: dotted[1], vlanId: Number(dotted[2]) } : { device: vlan.interface, vlanId: vlan.vlanId };
}

/** What a node can give its guests: its memory less what its ZFS ARC may take. */
export function guestMemoryMb(node: { memoryMb: number; zfsArcMaxMb?: number }): number {
  return node.memoryMb - (node.zfsArcMaxMb ?? 0);
}

const tagsSchema = z.array(z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, "Proxmox tags are lowercase letters, digits, '-', '_', '.'")).default([]);

/** `datastore:content/file`, the id Proxmox gives a stored file. */
const fileIdSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]*:[a-z]+\/[^/\s]+$/, "must be a Proxmox file id like local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst");

const volumeMountSchema = z
  .object({
    datastore: z.string(),
    sizeGb: z.number().int().positive(),
    path: z.string().startsWith("/"),
    readOnly: z.boolean().default(false),
    backup: z.boolean().default(true),
  })
  .strict();

const bindMountSchema = z
  .object({
    hostPath: z.string().regex(/^\/\S*$/, "must be an absolute path on the node"),
    path: z.string().startsWith("/"),
    readOnly: z.boolean().default(false),
  })
  .strict();
export type ContainerMountPoint = z.infer<typeof volumeMountSchema> | z.infer<typeof bindMountSchema>;

const proxmoxContainerSchema = z
  .object({
    /** The Proxmox node it runs on. */
    node: z.string(),
    vmId: vmIdSchema,
    description: z.string().optional(),
    /** The OS template it was created from, e.g. `local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst`. */
    template: fileIdSchema,
    osType: z.enum(["alpine", "archlinux", "centos", "debian", "fedora", "gentoo", "nixos", "opensuse", "ubuntu", "unmanaged"]).default("debian"),
    cores: z.number().int().positive(),
    /** Dedicated memory in MB: required, it counts against the node's capacity. */
    memoryMb: z.number().int().positive(),
    swapMb: z.number().int().min(0).default(0),
    rootDisk: z.object({ datastore: z.string(), sizeGb: z.number().int().positive() }).strict(),
    /** One interface per entry (eth0, eth1, ...), with a static address on the named network. */
    network: z.array(z.object({ network: z.string(), ip: ipv4Address }).strict()).min(1),
    /** Unprivileged by default: container root is not host root. */
    unprivileged: z.boolean().default(true),
    /** Docker in an unprivileged container needs nesting and keyctl. */
    features: z
      .object({ nesting: z.boolean().default(false), keyctl: z.boolean().default(false), fuse: z.boolean().default(false) })
      .strict()
      .default({ nesting: false, keyctl: false, fuse: false }),
    /**
     * Mounted at `path`: a volume allocated on a datastore (`datastore`, `sizeGb`), or a
     * directory of the node bind-mounted (`hostPath`), such as a ZFS dataset's mount point.
     */
    mountPoints: z.array(z.union([volumeMountSchema, bindMountSchema], { error: "must be {datastore, sizeGb, path} (a volume) or {hostPath, path} (a directory of the node)" })).default([]),
    /** Host devices passed through, e.g. the Coral TPU `/dev/apex_0` or `/dev/net/tun`. */
    devices: z
      .array(
        z
          .object({
            path: z.string().regex(/^\/dev\/\S+$/, "must be a /dev path"),
            /** Owner inside the container (default root). */
            uid: z.number().int().min(0).optional(),
            gid: z.number().int().min(0).optional(),
            /** Octal access mode, e.g. 0660. */
            mode: z.string().regex(/^0[0-7]{3}$/, "must be a 4-digit octal mode like 0660").optional(),
          })
          .strict(),
      )
      .default([]),
    startOnBoot: z.boolean().default(true),
    tags: tagsSchema,
    /**
     * The container holds data that exists nowhere else (Docker volumes in its rootfs, mount
     * points): it is protected, so replacing or deleting it takes `pulumi state unprotect`.
     */
    holdsData: z.boolean().default(true),
  })
  .strict();
export type ContainerSpec = z.infer<typeof proxmoxContainerSchema>;

export const containersSchema = z.record(dnsLabel, proxmoxContainerSchema);

/** A disk of a VM: `sizeGb` on `datastore`, attached as `interface` (`scsi0`, `virtio1`; `scsi<position>` when left out). */
const vmDiskSchema = z
  .object({
    interface: z.string().regex(/^(scsi|virtio|sata|ide)\d+$/, "must be a disk slot like scsi0, virtio0, sata0 or ide0").optional(),
    datastore: z.string(),
    sizeGb: z.number().int().positive(),
    /**
     * A disk image on the node the disk is written from when the VM is created, such as a
     * cloud image (`local:iso/noble-server-cloudimg-amd64.img`, on a datastore with `iso` or
     * `import` content); a VM that exists keeps its disk.
     */
    image: z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]*:(iso|import)\/[^/\s]+\.(img|qcow2|raw|vmdk)$/, "must be an image file id like local:iso/noble-server-cloudimg-amd64.img (iso or import content, .img, .qcow2, .raw or .vmdk)").optional(),
  })
  .strict();

/** A PCI device passed through to a VM by its cluster mapping (`hostpciN`). */
export const vmPciDeviceSchema = z
  .object({
    /** A name of homeops:proxmox.pciMappings with a device on the VM's node. */
    mapping: z.string(),
    /** Attach on a PCIe port (needs machine q35); some guests and devices need it. */
    pcie: z.boolean().default(true),
    /** The VM's primary display (`x-vga`): QEMU's emulated VGA is dropped; needs OVMF (uefi). */
    primaryGpu: z.boolean().default(false),
    /** Show the device's option ROM to the guest (`rombar`). */
    rombar: z.boolean().default(true),
    /** A ROM file for the device instead, under /usr/share/kvm/ on the node. */
    romFile: z.string().regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, "must be a file path relative to /usr/share/kvm/").optional(),
  })
  .strict();

/** A VM's passed-through devices. */
export const pciDevicesSchema = z.array(vmPciDeviceSchema).max(16, "Proxmox passes at most 16 PCI devices (hostpci0-15)");
export type VmPciDevice = z.infer<typeof vmPciDeviceSchema>;

/** A network device of a VM, on a homeops:proxmox network (its bridge, and its VLAN as the device's tag). */
const vmNetworkDeviceSchema = z
  .object({
    network: z.string(),
    /** The guest's address there, or `dhcp`; Proxmox hands it over only through `cloudInit`. */
    ip: z.string().refine((text) => text === "dhcp" || isIPv4(text), "must be an IPv4 address like 192.168.11.10, or dhcp"),
    macAddress: z.string().regex(/^([0-9A-F]{2}:){5}[0-9A-F]{2}$/, "must be a MAC address in upper case like BC:24:11:00:00:01").optional(),
    /** Apply the VM's Proxmox firewall rules on this device. */
    firewall: z.boolean().default(false),
  })
  .strict();

/**
 * What Proxmox writes into the VM's cloud-init drive: the network devices' addresses (each
 * `ip`, the first device's network giving the gateway and resolvers), and the user.
 */
const vmCloudInitSchema = z
  .object({
    /** The datastore of the cloud-init drive (needs `images` content). */
    datastore: z.string(),
    /** The user cloud-init creates (`ciuser`); the image's default user when left out. */
    user: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, "must be a Unix user name").optional(),
    /** Public keys that may log in as that user. */
    sshKeys: z
      .array(
        z
          .string()
          .regex(/^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+={0,3}( .*)?$/, "must be an OpenSSH public key line like ssh-ed25519 AAAA... user@host"),
      )
      .default([]),
    /** The user's password, from a config secret (`pulumi config set --secret`); keys alone are better. */
    password: configSecretRefSchema.optional(),
  })
  .strict();

/**
 * A QEMU VM that runs an OS of its own (not one of the Talos cluster's nodes, which
 * homeops:talos describes). The general shape of a guest: CPU, memory, disks, network; the
 * guest configures its own address unless `cloudInit` gives Proxmox a drive to hand it over.
 */
const proxmoxVmSchema = z
  .object({
    node: z.string(),
    vmId: vmIdSchema,
    description: z.string().optional(),
    cores: z.number().int().positive(),
    /** The CPU type QEMU presents (`host` passes the node's through). */
    cpuType: z.string().default("host"),
    /** Dedicated memory in MB: it counts against the node's capacity. */
    memoryMb: z.number().int().positive(),
    /**
     * Ballooning: the least memory the host may leave the VM, in MB (at most `memoryMb`). Off
     * when left out; a VM with PCI passthrough cannot balloon (its memory is pinned for DMA).
     */
    balloonMinMb: z.number().int().positive().optional(),
    /** `q35` (PCIe, which passthrough on PCIe ports needs) or `pc` (i440fx, QEMU's default), as the VM was created. */
    machine: z.enum(["q35", "pc"]).default("q35"),
    /** UEFI (OVMF, with an EFI disk on the first disk's datastore) instead of SeaBIOS; a primary GPU needs it. */
    uefi: z.boolean().default(false),
    disks: z.array(vmDiskSchema).min(1),
    /** One network device per entry, in order (the first one routes out). */
    network: z.array(vmNetworkDeviceSchema).min(1),
    cloudInit: vmCloudInitSchema.optional(),
    /** PCI devices (GPUs, HBAs, NICs) passed through, hostpci0 onwards. */
    pciDevices: pciDevicesSchema.default([]),
    guestAgent: z.boolean().default(false),
    startOnBoot: z.boolean().default(true),
    tags: tagsSchema,
    /** The VM's disks hold data that exists nowhere else: it is protected. */
    holdsData: z.boolean().default(true),
  })
  .strict();
export type ProxmoxVmEntry = z.infer<typeof proxmoxVmSchema>;

export const vmsSchema = z.record(dnsLabel, proxmoxVmSchema);
