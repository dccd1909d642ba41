import { z } from "zod";
import { ipv4Address, ipv4Subnet } from "./addresses";
import { configSecretRefSchema, dnsLabel, vmIdSchema } from "./proxmox";

const talosVersionSchema = z.string().regex(/^v\d+\.\d+\.\d+$/, "must be a Talos release like v1.13.9");
const schematicIdSchema = z.string().regex(/^[0-9a-f]{64}$/, "must be an image factory schematic id (64 lowercase hex characters)");

const diskSchema = z.object({ datastore: z.string(), sizeGb: z.number().int().positive() }).strict();

/**
 * How Cilium carries pod traffic between nodes. `tunnel` (Cilium's default, VXLAN): works on
 * any network. `native`: pod packets go unencapsulated, routed by the nodes; `podCidr`
 * (Cilium's `ipv4NativeRoutingCIDR`) is the range routed that way and not masqueraded, the
 * cluster's pod CIDR; `autoDirectNodeRoutes` installs each node's pod route on the others,
 * which works only when all nodes share one L2 segment (the nodes' network).
 */
const ciliumRoutingSchema = z.discriminatedUnion(
  "mode",
  [
    z.object({ mode: z.literal("tunnel") }).strict(),
    z.object({ mode: z.literal("native"), podCidr: ipv4Subnet, autoDirectNodeRoutes: z.boolean().default(true) }).strict(),
  ],
  { error: (issue) => (issue.code === "invalid_union" ? "must be {mode: tunnel} or {mode: native, podCidr: <the pod CIDR>, autoDirectNodeRoutes?: true|false}" : undefined) },
);

/**
 * The cluster's CNI. `cilium`: Talos installs none (`cluster.network.cni.name: none`) and the
 * platform layer installs Cilium as its first release; Cilium enforces the NetworkPolicies
 * the platform writes. `flannel`: Talos's default, which does NOT enforce NetworkPolicies,
 * so every default-deny the platform writes is decoration; kept for clusters built with it
 * (switching a running cluster's CNI is disruptive, see README).
 */
export const clusterCniSchema = z.discriminatedUnion(
  "name",
  [
    z
      .object({
        name: z.literal("cilium"),
        /**
         * Cilium replaces kube-proxy (eBPF service load balancing): Talos then runs no kube-proxy
         * (`cluster.proxy.disabled: true`) and Cilium reaches the API server through KubePrism.
         */
        kubeProxyReplacement: z.boolean().default(true),
        /** Left out: tunnel (VXLAN), Cilium's default. */
        routing: ciliumRoutingSchema.optional(),
        /**
         * Cilium's Gateway API controller; the platform installs the Gateway API's standard
         * CRDs of this release (kubernetes-sigs/gateway-api) before Cilium.
         */
        gatewayApi: z.object({ crdsVersion: z.string().regex(/^v\d+\.\d+\.\d+$/, "must be a Gateway API release like v1.4.1") }).strict().optional(),
        /** Hubble's flow relay (`hubble observe` across nodes) and its web UI; Hubble itself is off without this. */
        hubble: z.object({ relay: z.boolean().default(true), ui: z.boolean().default(false) }).strict().optional(),
      })
      .strict(),
    z.object({ name: z.literal("flannel") }).strict(),
  ],
  {
    error: (issue) =>
      issue.input === undefined
        ? "is required but not set: {name: cilium} (enforces NetworkPolicies) or {name: flannel} (Talos's default, does not)"
        : "must be {name: cilium, kubeProxyReplacement?, routing?, gatewayApi?, hubble?} or {name: flannel}",
  },
);
export type ClusterCni = z.infer<typeof clusterCniSchema>;

const talosNodeSchema = z
  .object({
    /** The node's hostname and its VM's name. */
    name: dnsLabel,
    role: z.enum(["controlplane", "worker"]),
    /** The Proxmox node its VM runs on. */
    proxmoxNode: z.string(),
    vmId: vmIdSchema,
    /** Static address on the cluster's network. */
    ip: ipv4Address,
    /**
     * Pins this node to another Talos release or schematic than the cluster's: how an upgrade
     * is rolled out one node at a time (see components/talos/talosCluster.ts).
     */
    talosVersion: talosVersionSchema.optional(),
    schematicId: schematicIdSchema.optional(),
  })
  .strict();

export const talosClusterSchema = z
  .object({
    /** This program builds the cluster on Proxmox VMs: PKI, machine configs, bootstrap. */
    manager: z.literal("homeops"),
    clusterName: dnsLabel,
    /** The Talos release nodes run unless pinned, e.g. v1.13.9. */
    talosVersion: talosVersionSchema,
    /** The image factory schematic (system extensions such as qemu-guest-agent) of every node's image. */
    schematicId: schematicIdSchema,
    kubernetesVersion: z.string().regex(/^v?\d+\.\d+\.\d+$/, "must be a Kubernetes release like 1.35.0"),
    /** The homeops:proxmox network the nodes live on. */
    network: z.string(),
    /** The shared control-plane address, the Kubernetes API endpoint `https://<vip>:6443`. */
    vip: ipv4Address,
    /** Extra names for the API certificates, e.g. a DNS name of the VIP. */
    additionalSans: z.array(z.string().min(1)).default([]),
    /** The disk Talos installs to; the VM's first SCSI disk is /dev/sda. */
    installDisk: z.string().regex(/^\/dev\/\S+$/, "must be a /dev path").default("/dev/sda"),
    allowSchedulingOnControlPlanes: z.boolean().default(true),
    /** Cilium (installed by the platform) or Flannel (Talos's default); required, because only one enforces NetworkPolicies. */
    cni: clusterCniSchema,
    /** An even control-plane count is refused unless acknowledged (etcd quorum, see checks). */
    evenControlPlanesAcknowledged: z.boolean().default(false),
    /** The shape of every node's VM. */
    vm: z
      .object({
        cores: z.number().int().min(2, "Talos control planes need at least 2 cores"),
        /** Dedicated memory in MB: it counts against the Proxmox node's capacity. */
        memoryMb: z.number().int().min(2048, "Talos needs at least 2048 MB"),
        cpuType: z.string().default("host"),
        /** The system disk, written from the factory image on creation. */
        osDisk: diskSchema,
        /** Raw disks for Rook-Ceph, which consumes every empty device (useAllDevices). */
        dataDisks: z.array(diskSchema).default([]),
        /** Where the factory image is downloaded (needs `iso` content). */
        imageDatastore: z.string(),
        /** Where each node's machine config is uploaded as its user-data (needs `snippets` content). */
        snippetsDatastore: z.string(),
        /** Where Proxmox puts the cloud-init drive (needs `images` content). */
        cloudInitDatastore: z.string(),
        /** The schematic includes siderolabs/qemu-guest-agent, so Proxmox may talk to the agent. */
        guestAgent: z.boolean().default(true),
      })
      .strict(),
    nodes: z.array(talosNodeSchema).min(1),
  })
  .strict();
export type TalosClusterSpec = z.infer<typeof talosClusterSchema>;

/** A machine Omni manages, by the UUID it registered with (`omnictl get machines`). */
const omniMachineSchema = z
  .object({
    /** The node's hostname. */
    name: dnsLabel,
    /** Omni's machine id: its SMBIOS UUID, or the one set through META key 0xf. */
    uuid: z.guid("must be a UUID like 03000200-0400-0500-0019-000000000019"),
    /** Its address on the LAN (Omni reaches it through SideroLink; the address is for the docs and the checks). */
    address: ipv4Address,
    role: z.enum(["controlplane", "worker"]),
    /** The disk Talos is installed to. */
    installDisk: z.string().regex(/^\/dev\/\S+$/, "must be a /dev path"),
  })
  .strict();

/** A Talos machine-config patch, applied by Omni to every machine of the cluster. */
const omniPatchSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "must be a patch name of lowercase letters, digits and '-'"),
    /**
     * The id of a patch Omni already has (`omnictl get configpatches`, as
     * `omnictl cluster template export` writes it), so that the template keeps it instead of
     * replacing it with a new one.
     */
    idOverride: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "must be an Omni resource id like 400-cm-<uuid>").optional(),
    inline: z.record(z.string(), z.unknown()),
  })
  .strict();

/**
 * A cluster Sidero Omni builds and manages (machine configs, PKI, bootstrap, upgrades):
 * the program writes Omni's cluster template and syncs it with `omnictl`.
 */
export const omniClusterSchema = z
  .object({
    manager: z.literal("omni"),
    /** The cluster's id in Omni. */
    clusterName: dnsLabel,
    talosVersion: talosVersionSchema,
    kubernetesVersion: z.string().regex(/^v?\d+\.\d+\.\d+$/, "must be a Kubernetes release like 1.35.0"),
    /** The homeops:proxmox network the machines are on (the LAN they share with the guests). */
    network: z.string(),
    /** Image factory system extensions of every machine, e.g. siderolabs/iscsi-tools. */
    systemExtensions: z.array(z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, "must be an extension like siderolabs/iscsi-tools")).default([]),
    cni: clusterCniSchema,
    /** Cluster-wide patches, in order. */
    patches: z.array(omniPatchSchema).default([]),
    omni: z
      .object({
        /** Omni's API, e.g. https://omni.example.com:8090. */
        endpoint: z.url({ protocol: /^https$/, error: "must be an https:// URL" }),
        /** An Omni service account key (`omnictl serviceaccount create`), for omnictl. */
        serviceAccountKey: configSecretRefSchema,
      })
      .strict(),
    evenControlPlanesAcknowledged: z.boolean().default(false),
    machines: z.array(omniMachineSchema).min(1),
  })
  .strict();
export type OmniClusterSpec = z.infer<typeof omniClusterSchema>;

/** `homeops:talos`: the Talos cluster, built by this program or managed by Omni. */
export const talosSchema = z.discriminatedUnion("manager", [talosClusterSchema, omniClusterSchema], {
  error: (issue) => (issue.code === "invalid_union" ? "manager must be homeops (this program builds the cluster on Proxmox VMs) or omni (Sidero Omni manages it)" : undefined),
});
export type TalosSpec = z.infer<typeof talosSchema>;
