import { z } from "zod";
import { ipv4Address, ipv4Subnet } from "./addresses";
import { configSecretRefSchema, dnsLabel, lanSchema, pciDevicesSchema, vmIdSchema, type LanSpec, type ProxmoxSettings } from "./proxmox";

const talosVersionSchema = z.string().regex(/^v\d+\.\d+\.\d+$/, "must be a Talos release like v1.13.9");
const schematicIdSchema = z.string().regex(/^[0-9a-f]{64}$/, "must be an image factory schematic id (64 lowercase hex characters)");

const diskSchema = z.object({ datastore: z.string(), sizeGb: z.number().int().positive() }).strict();
const installDiskSchema = z.string().regex(/^\/dev\/\S+$/, "must be a /dev path");
const kubernetesVersionSchema = z.string().regex(/^v?\d+\.\d+\.\d+$/, "must be a Kubernetes release like 1.35.0");

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
 * the platform writes. `custom`: Talos installs none either, and the platform installs the
 * named custom release (`homeops:platform.releases`, e.g. Calico's tigera-operator) first;
 * whether it enforces NetworkPolicies is that CNI's own matter (Calico does). `flannel`:
 * Talos's default, which does NOT enforce NetworkPolicies, so every default-deny the platform
 * writes is decoration; kept for clusters built with it (switching a running cluster's CNI is
 * disruptive, see README).
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
        /**
         * How Cilium's eBPF service load balancing (kube-proxy replacement) picks and reaches
         * backends: `maglev` consistent hashing instead of `random`; `dsr` (Direct Server Return:
         * backends answer clients directly) or `hybrid` (DSR for TCP, SNAT for UDP) instead of `snat`.
         */
        serviceLoadBalancing: z
          .object({ algorithm: z.enum(["random", "maglev"]).default("random"), mode: z.enum(["snat", "dsr", "hybrid"]).default("snat") })
          .strict()
          .optional(),
      })
      .strict(),
    z
      .object({
        name: z.literal("custom"),
        /**
         * The key of the homeops:platform.releases entry that installs the CNI. Talos keeps
         * running kube-proxy: a CNI that replaces it (Calico's eBPF data plane) takes the patch
         * `{cluster: {proxy: {disabled: true}}}` in homeops:talos.patches, as Talos's guide does.
         */
        release: dnsLabel,
      })
      .strict(),
    z.object({ name: z.literal("flannel") }).strict(),
  ],
  {
    error: (issue) =>
      issue.input === undefined
        ? "is required but not set: {name: cilium} (enforces NetworkPolicies), {name: custom, release: <a homeops:platform.releases key>} (a CNI of your own, e.g. Calico) or {name: flannel} (Talos's default, does not enforce them)"
        : "must be {name: cilium, kubeProxyReplacement?, routing?, gatewayApi?, hubble?, serviceLoadBalancing?}, {name: custom, release: <a homeops:platform.releases key>} or {name: flannel}",
  },
);
export type ClusterCni = z.infer<typeof clusterCniSchema>;

/**
 * A Talos machine-config patch as `talosctl --config-patch` takes it: one document as a
 * mapping (a v1alpha1 patch, or a document with `apiVersion` and `kind`), or YAML text of one
 * or more `---` separated documents. The generator merges it (components/talos/patches.ts).
 */
const machineConfigPatchSchema = z.union([z.string().min(1), z.record(z.string(), z.unknown())], {
  error: "must be a Talos machine-config patch: a mapping (one document) or YAML text (one or more documents)",
});
const patchesSchema = z.array(machineConfigPatchSchema).default([]);
export type MachineConfigPatch = z.infer<typeof machineConfigPatchSchema>;

/** Talos's minimum system requirements (docs, "System Requirements"): a control plane needs more. */
export const TALOS_MINIMUM = { controlplane: { cores: 2, memoryMb: 2048 }, worker: { cores: 1, memoryMb: 1024 } } as const;

/** A VM's size, overriding the cluster's `vm` for a role or a node; each field on its own. */
const vmSizeSchema = z
  .object({
    cores: z.number().int().min(TALOS_MINIMUM.worker.cores, "Talos needs at least 1 core"),
    memoryMb: z.number().int().min(TALOS_MINIMUM.worker.memoryMb, "Talos needs at least 1024 MB"),
    cpuType: z.string(),
    osDisk: diskSchema,
    /** Replaces the data disks it overrides, as a whole. */
    dataDisks: z.array(diskSchema),
    /** Devices passed through by cluster PCI mapping (a GPU for a worker); replaces those it overrides, as a whole. */
    pciDevices: pciDevicesSchema,
  })
  .partial()
  .strict();
export type TalosVmSize = z.infer<typeof vmSizeSchema>;

/**
 * The LAN the cluster's machines are on: a homeops:proxmox network by name (a node on a VM
 * needs one: its bridge), or, for machines of their own, the LAN itself.
 */
const clusterNetworkSchema = z.union([z.string(), lanSchema.strict()], {
  error: (issue) =>
    issue.code === "invalid_union" ? "must be a homeops:proxmox network's name, or the LAN itself: {subnet, gateway, nameservers?, searchDomain?}" : undefined,
});

/** The cluster's LAN: the homeops:proxmox network it names, or its own; undefined when the name is unknown (the checks say so). */
export function clusterLan(talos: { network: string | LanSpec }, proxmox: Pick<ProxmoxSettings, "networks"> | undefined): LanSpec | undefined {
  return typeof talos.network === "string" ? proxmox?.networks[talos.network] : talos.network;
}

const MAC_ADDRESS = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/**
 * A machine outside Proxmox: booted from Talos media (ISO, PXE, USB) into maintenance mode,
 * where the program applies its machine config once over the Talos API (as
 * `talosctl apply-config --insecure` does); later changes reach it like any node's.
 */
const bareMetalSchema = z
  .object({
    /** The MAC of its NIC on the cluster's network (`talosctl get links --insecure -n <address>`): its static address goes there. */
    macAddress: z
      .string()
      .transform((mac) => mac.toLowerCase())
      .refine((mac) => MAC_ADDRESS.test(mac), "must be a MAC address like 0c:c4:7a:12:34:56"),
    /** Where it answers in maintenance mode, e.g. its DHCP lease; default its `ip`. */
    maintenanceAddress: ipv4Address.optional(),
  })
  .strict();

const talosNodeSchema = z
  .object({
    /** The node's hostname (and its VM's name). */
    name: dnsLabel,
    role: z.enum(["controlplane", "worker"]),
    /** The Proxmox node its VM runs on (not for a bare-metal node). */
    proxmoxNode: z.string().optional(),
    vmId: vmIdSchema.optional(),
    /** This node's VM size, over its role's and the cluster's. */
    vm: vmSizeSchema.optional(),
    /** Instead of a Proxmox VM: a machine of its own (see bareMetalSchema). */
    bareMetal: bareMetalSchema.optional(),
    /** Static address on the cluster's network. */
    ip: ipv4Address,
    /** The disk Talos installs to when it is not the cluster's `installDisk`, e.g. /dev/nvme0n1 on a bare-metal node. */
    installDisk: installDiskSchema.optional(),
    /**
     * Pins this node to another Talos release or schematic than the cluster's: how an upgrade
     * is rolled out one node at a time (see components/talos/talosCluster.ts).
     */
    talosVersion: talosVersionSchema.optional(),
    schematicId: schematicIdSchema.optional(),
    /** Applied after the cluster's and the role's patches. */
    patches: patchesSchema,
  })
  .strict()
  .superRefine((node, context) => {
    if (node.bareMetal) {
      for (const key of ["proxmoxNode", "vmId", "vm"] as const) {
        if (node[key] !== undefined) context.addIssue({ code: "custom", path: [key], message: "a bare-metal node (bareMetal) has no Proxmox VM: remove one of the two" });
      }
      return;
    }
    for (const key of ["proxmoxNode", "vmId"] as const) {
      if (node[key] === undefined) {
        context.addIssue({ code: "custom", path: [key], message: "is required but not set (a machine outside Proxmox declares bareMetal: {macAddress: ...} instead)" });
      }
    }
  });
export type TalosNodeSpec = z.infer<typeof talosNodeSchema>;
/** A node on a Proxmox VM; the schema guarantees both fields when `bareMetal` is absent. */
export type TalosVmNodeSpec = TalosNodeSpec & { proxmoxNode: string; vmId: number; bareMetal?: undefined };
export type TalosBareMetalNodeSpec = TalosNodeSpec & { bareMetal: NonNullable<TalosNodeSpec["bareMetal"]> };

export function isVmNode(node: TalosNodeSpec): node is TalosVmNodeSpec {
  return node.bareMetal === undefined;
}

/** What every node of a role shares, over the cluster's settings. */
const talosRoleSchema = z
  .object({
    vm: vmSizeSchema.optional(),
    /** Applied after the cluster's patches, before each node's. */
    patches: patchesSchema,
  })
  .strict();

/** Talos's defaults (`talosctl gen config`): the generator writes these unless told otherwise. */
export const TALOS_DEFAULT_POD_SUBNETS = ["10.244.0.0/16"];
export const TALOS_DEFAULT_SERVICE_SUBNETS = ["10.96.0.0/12"];
/** Kubernetes takes one cluster CIDR per address family; only IPv4 is supported here. */
const clusterSubnetsSchema = (what: string, defaults: string[]) =>
  z.array(ipv4Subnet).min(1, `needs one IPv4 ${what} subnet`).max(1, `takes one IPv4 ${what} subnet (one per address family; IPv6 is not supported here)`).default(defaults);

export const talosClusterSchema = z
  .object({
    /** This program builds the cluster: PKI, machine configs, bootstrap; its nodes are Proxmox VMs or bare-metal machines. */
    manager: z.literal("homeops"),
    clusterName: dnsLabel,
    /** The Talos release nodes run unless pinned, e.g. v1.13.9. */
    talosVersion: talosVersionSchema,
    /** The image factory schematic (system extensions such as qemu-guest-agent) of every node's image. */
    schematicId: schematicIdSchema,
    kubernetesVersion: kubernetesVersionSchema,
    /** The LAN the nodes live on (see clusterNetworkSchema). */
    network: clusterNetworkSchema,
    /** The shared control-plane address, the Kubernetes API endpoint `https://<vip>:6443`. */
    vip: ipv4Address,
    /** Extra names for the API certificates, e.g. a DNS name of the VIP. */
    additionalSans: z.array(z.string().min(1)).default([]),
    /** The disk Talos installs to; the VM's first SCSI disk is /dev/sda. */
    installDisk: installDiskSchema.default("/dev/sda"),
    allowSchedulingOnControlPlanes: z.boolean().default(true),
    /** Cilium or a custom release (installed by the platform), or Flannel (Talos's default); required, because Flannel enforces no NetworkPolicies. */
    cni: clusterCniSchema,
    /** The pods' addresses (`cluster.network.podSubnets`); must not overlap the services' or the nodes' network. */
    podSubnets: clusterSubnetsSchema("pod", TALOS_DEFAULT_POD_SUBNETS),
    /** The Services' addresses (`cluster.network.serviceSubnets`). */
    serviceSubnets: clusterSubnetsSchema("service", TALOS_DEFAULT_SERVICE_SUBNETS),
    /** An even control-plane count is refused unless acknowledged (etcd quorum, see checks). */
    evenControlPlanesAcknowledged: z.boolean().default(false),
    /** The shape of every node's VM unless its role or the node says otherwise; required when a node is a VM. */
    vm: z
      .object({
        cores: z.number().int().min(TALOS_MINIMUM.controlplane.cores, "Talos control planes need at least 2 cores"),
        /** Dedicated memory in MB: it counts against the Proxmox node's capacity. */
        memoryMb: z.number().int().min(TALOS_MINIMUM.controlplane.memoryMb, "Talos needs at least 2048 MB"),
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
        /** Devices passed through by cluster PCI mapping to every node's VM (usually set per role or node instead). */
        pciDevices: pciDevicesSchema.default([]),
      })
      .strict()
      .optional(),
    /** Per role: VM size and patches over the cluster's. */
    roles: z.object({ controlplane: talosRoleSchema.optional(), worker: talosRoleSchema.optional() }).strict().default({}),
    /** Machine-config patches for every node, merged first (then the role's, then the node's), as `talosctl --config-patch` does. */
    patches: patchesSchema,
    nodes: z.array(talosNodeSchema).min(1),
  })
  .strict()
  .superRefine((cluster, context) => {
    const vmNodes = cluster.nodes.flatMap((node, index) => (isVmNode(node) ? [`nodes[${index}]`] : []));
    if (cluster.vm === undefined && vmNodes.length > 0) {
      context.addIssue({ code: "custom", path: ["vm"], message: `is required but not set: the Proxmox VM nodes (${vmNodes.join(", ")}) take their shape from it` });
    }
  });
export type TalosClusterSpec = z.infer<typeof talosClusterSchema>;
export type TalosVmShape = NonNullable<TalosClusterSpec["vm"]>;

/** A VM node's shape: the cluster's `vm`, then its role's, then its own, field by field. */
export function talosVmShape(cluster: TalosClusterSpec, node: TalosVmNodeSpec): TalosVmShape {
  if (cluster.vm === undefined) throw new Error(`Talos node ${node.name} is a VM but the cluster has no vm; the schema should have refused it`);
  return { ...cluster.vm, ...cluster.roles[node.role]?.vm, ...node.vm };
}

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
    installDisk: installDiskSchema,
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
    kubernetesVersion: kubernetesVersionSchema,
    /** The LAN the machines are on (see clusterNetworkSchema). */
    network: clusterNetworkSchema,
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
