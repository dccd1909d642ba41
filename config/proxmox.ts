import { z } from "zod";
import { ipv4Address, ipv4Subnet } from "./addresses";

export const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "must be a lowercase DNS label (a-z, 0-9, '-')");

/** Proxmox guest ids: 100 and up (lower ids are reserved), at most 999999999. */
export const vmIdSchema = z.number().int().min(100, "Proxmox VMIDs start at 100").max(999_999_999, "Proxmox VMIDs end at 999999999");

const vlanIdSchema = z.number().int().min(1, "VLAN ids are 1-4094").max(4094, "VLAN ids are 1-4094");

/** A reference to a Pulumi config secret; the value is never written in the stack file. */
export const configSecretRefSchema = z
  .object(
    { configSecret: z.string().min(1) },
    // Only for a value that is no object: an unknown key in it is reported as such.
    { error: (issue) => (issue.code === "invalid_type" ? "must be {configSecret: <key>}, a value set with `pulumi config set --secret <key>`" : undefined) },
  )
  .strict();

/** What a Proxmox datastore may hold (Datacenter > Storage > Content). */
const DATASTORE_CONTENT = ["images", "rootdir", "vztmpl", "iso", "snippets", "import", "backup"] as const;
export type DatastoreContent = (typeof DATASTORE_CONTENT)[number];

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
  })
  .strict();

/** A LAN segment guests attach to: a Linux bridge on every node, optionally a VLAN on it. */
const proxmoxNetworkSchema = z
  .object({
    bridge: z.string().regex(/^[a-z][a-z0-9_.-]{0,14}$/, "must be a Linux bridge name like vmbr0"),
    vlanId: vlanIdSchema.optional(),
    subnet: ipv4Subnet,
    gateway: ipv4Address,
    nameservers: z.array(ipv4Address).default([]),
    searchDomain: z.string().optional(),
  })
  .strict();
export type ProxmoxNetworkSpec = z.infer<typeof proxmoxNetworkSchema>;

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
  })
  .strict();
export type ProxmoxSettings = z.infer<typeof proxmoxSchema>;
export type ProxmoxNodeSpec = z.infer<typeof proxmoxNodeSchema>;

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
    /** `q35` (PCIe) or `pc` (i440fx, QEMU's default), as the VM was created. */
    machine: z.enum(["q35", "pc"]).default("q35"),
    /** UEFI (OVMF, with an EFI disk on the first disk's datastore) instead of SeaBIOS. */
    uefi: z.boolean().default(false),
    disks: z.array(vmDiskSchema).min(1),
    /** One network device per entry; `ip` is the guest's address there (set through cloud-init only with `cloudInit`). */
    network: z.array(z.object({ network: z.string(), ip: ipv4Address, macAddress: z.string().regex(/^([0-9A-F]{2}:){5}[0-9A-F]{2}$/, "must be a MAC address in upper case like BC:24:11:00:00:01").optional() }).strict()).min(1),
    /** Proxmox writes the addresses into a cloud-init drive on this datastore. */
    cloudInit: z.object({ datastore: z.string() }).strict().optional(),
    guestAgent: z.boolean().default(false),
    startOnBoot: z.boolean().default(true),
    tags: tagsSchema,
    /** The VM's disks hold data that exists nowhere else: it is protected. */
    holdsData: z.boolean().default(true),
  })
  .strict();
export type ProxmoxVmEntry = z.infer<typeof proxmoxVmSchema>;

export const vmsSchema = z.record(dnsLabel, proxmoxVmSchema);
