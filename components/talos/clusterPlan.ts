/**
 * Where each piece of the Talos cluster goes, as plain data: the factory image each Proxmox
 * node downloads, each node's VM, snippet, installer image and generator inputs. No Pulumi
 * resources here; the TalosCluster component turns the plan into them.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { LanSpec, ProxmoxNetworkSpec } from "../../config/proxmox";
import { isVmNode, talosVmShape, type ClusterCni, type MachineConfigPatch, type TalosClusterSpec, type TalosNodeSpec, type TalosVmShape } from "../../config/talos";
import { cidrAddress, guestDns } from "../proxmox/network";
import type { VmSpec } from "../proxmox/vm";
import { installerImage } from "./imageFactory";
import { generateMachineConfig, type ClusterConfigInput, type CniChoice, type ConfigPatch, type NodeConfigInput, type SourcedPatch } from "./machineConfig";
import type { TalosSecretsBundle } from "./secretsBundle";

export const IMAGE_FACTORY_URL = "https://factory.talos.dev";
const KUBERNETES_API_PORT = 6443;
/** Where the stack file declares the cluster, for the errors of the patches it declares. */
const TALOS_KEY = "homeops:talos";

/** A nocloud disk image from the image factory, downloaded to one Proxmox node. */
export interface FactoryDiskImage {
  /** Unique per node, version and schematic: the download's resource name. */
  key: string;
  proxmoxNode: string;
  datastore: string;
  url: string;
  /** `.img`: Proxmox's iso content only takes .iso and .img names. */
  fileName: string;
}

export interface PlannedTalosNode {
  name: string;
  role: "controlplane" | "worker";
  ip: string;
  /** The address with its prefix length, e.g. `192.168.11.61/24`. */
  address: string;
  /** The NIC the machine config puts the address on, selected by this MAC whatever it is called. */
  macAddress: string;
  talosVersion: string;
  installerImage: string;
  /** Where it runs: a Proxmox VM, or a machine of its own. */
  machine: PlannedVm | PlannedBareMetal;
  /** The machine-config generator's per-node input. */
  config: NodeConfigInput;
}

export interface PlannedVm {
  kind: "proxmox";
  proxmoxNode: string;
  vmId: number;
  /** Its size: the cluster's, its role's and its own, resolved. */
  shape: TalosVmShape;
  /** The key of the FactoryDiskImage the VM's system disk is written from. */
  diskImage: string;
  /** The name of its user-data snippet; stable, so the VM's reference survives config changes. */
  snippetFileName: string;
}

export function isPlannedVm(node: PlannedTalosNode): node is PlannedTalosNode & { machine: PlannedVm } {
  return node.machine.kind === "proxmox";
}

/** Booted from Talos media into maintenance mode, where its config is applied over the API once. */
export interface PlannedBareMetal {
  kind: "bareMetal";
  /** Where its maintenance-mode API answers (its DHCP lease, or its static address). */
  maintenanceAddress: string;
}

export interface TalosClusterPlan {
  /** `https://<vip>:6443`. */
  endpoint: string;
  images: FactoryDiskImage[];
  /** In the order of the inventory, which is also the order changes roll out in. */
  nodes: PlannedTalosNode[];
  controlPlaneIps: string[];
  /** The control plane etcd is bootstrapped on: the first one declared. */
  bootstrapNode: PlannedTalosNode;
}

/** The factory's nocloud disk image, gzip-compressed (the provider cannot decompress xz). */
export function factoryDiskImageUrl(schematicId: string, talosVersion: string): string {
  return `${IMAGE_FACTORY_URL}/image/${schematicId}/${talosVersion}/nocloud-amd64.raw.gz`;
}

/** `talos-v1.13.9-ce4c9805-nocloud-amd64.img`. */
export function factoryDiskImageFileName(schematicId: string, talosVersion: string): string {
  return `talos-${talosVersion}-${schematicId.slice(0, 8)}-nocloud-amd64.img`;
}

/** The Kubernetes API behind the VIP. */
export function kubernetesEndpoint(vip: string): string {
  return `https://${vip}:${KUBERNETES_API_PORT}`;
}

/** `<cluster>-<node>.user-data.yaml`. */
export function snippetFileName(clusterName: string, nodeName: string): string {
  return `${clusterName}-${nodeName}.user-data.yaml`;
}

/** A locally administered unicast MAC derived from the VMID, unique as VMIDs are. */
export function stableMacAddress(vmId: number): string {
  const bytes = [0x02, 0x00, ...[24, 16, 8, 0].map((shift) => (vmId >>> shift) & 0xff)];
  return bytes.map((byte) => byte.toString(16).padStart(2, "0")).join(":");
}

export function planTalosCluster(spec: TalosClusterSpec, network: LanSpec): TalosClusterPlan {
  const images = new Map<string, FactoryDiskImage>();
  const nodes = spec.nodes.map((node, index): PlannedTalosNode => {
    const talosVersion = node.talosVersion ?? spec.talosVersion;
    const schematicId = node.schematicId ?? spec.schematicId;
    const address = cidrAddress(node.ip, network);
    const { machine, macAddress } = placeNode(spec, node, { schematicId, talosVersion }, images);
    const image = installerImage({ schematicId, talosVersion, platform: machine.kind === "proxmox" ? "nocloud" : "metal" });
    return {
      name: node.name,
      role: node.role,
      ip: node.ip,
      address,
      macAddress,
      talosVersion,
      installerImage: image,
      machine,
      config: {
        type: node.role,
        hostname: node.name,
        network: {
          link: { deviceSelector: { hardwareAddr: macAddress } },
          addresses: [address],
          routes: [{ gateway: network.gateway }],
          nameservers: network.nameservers,
        },
        install: { image, ...(node.installDisk ? { disk: node.installDisk } : {}) },
        // The role's patches, then the node's, after the cluster's (clusterConfigInput).
        patches: [
          ...sourced(spec.roles[node.role]?.patches ?? [], `${TALOS_KEY}.roles.${node.role}.patches`),
          ...sourced(node.patches, `${TALOS_KEY}.nodes[${index}].patches`),
        ],
      },
    };
  });
  const controlPlanes = nodes.filter((node) => node.role === "controlplane");
  if (controlPlanes.length === 0) throw new Error(`Talos cluster ${spec.clusterName} has no control plane; the config checks should have refused it`);
  return {
    endpoint: kubernetesEndpoint(spec.vip),
    images: [...images.values()],
    nodes,
    controlPlaneIps: controlPlanes.map((node) => node.ip),
    bootstrapNode: controlPlanes[0],
  };
}

/**
 * A VM (its MAC derived from its VMID, its system disk from the factory image on its Proxmox
 * node, which `images` collects) or a bare-metal machine (the MAC its NIC has).
 */
function placeNode(
  spec: TalosClusterSpec,
  node: TalosNodeSpec,
  release: { schematicId: string; talosVersion: string },
  images: Map<string, FactoryDiskImage>,
): { machine: PlannedVm | PlannedBareMetal; macAddress: string } {
  if (node.bareMetal) {
    return { machine: { kind: "bareMetal", maintenanceAddress: node.bareMetal.maintenanceAddress ?? node.ip }, macAddress: node.bareMetal.macAddress };
  }
  if (!isVmNode(node)) throw new Error(`Talos node ${node.name} is neither a VM nor bare metal; the schema should have refused it`);
  const shape = talosVmShape(spec, node);
  const fileName = factoryDiskImageFileName(release.schematicId, release.talosVersion);
  const key = `${node.proxmoxNode}/${fileName.replace(/\.img$/, "")}`;
  if (!images.has(key)) {
    images.set(key, { key, proxmoxNode: node.proxmoxNode, datastore: shape.imageDatastore, url: factoryDiskImageUrl(release.schematicId, release.talosVersion), fileName });
  }
  return {
    machine: { kind: "proxmox", proxmoxNode: node.proxmoxNode, vmId: node.vmId, shape, diskImage: key, snippetFileName: snippetFileName(spec.clusterName, node.name) },
    macAddress: stableMacAddress(node.vmId),
  };
}

/** The stack file's patches, each named by its key for the generator's errors. */
function sourced(patches: readonly MachineConfigPatch[], key: string): SourcedPatch[] {
  return patches.map((patch, index) => ({ source: `${key}[${index}]`, patch }));
}

/**
 * Generates every node's configuration once with placeholder secrets, so that a patch that
 * does not fit (or changes what the generator owns) fails the program before any resource
 * exists, naming its key, rather than later inside the real configs' Output. The shapes the
 * patches merge into do not depend on the secrets' values; these configs are never used.
 */
export function checkMachineConfigs(spec: TalosClusterSpec, plan: TalosClusterPlan): void {
  const cluster = clusterConfigInput(spec, PLACEHOLDER_SECRETS);
  for (const node of plan.nodes) generateMachineConfig(cluster, node.config);
}

const PLACEHOLDER = "cGxhY2Vob2xkZXI="; // base64 of "placeholder"
const PLACEHOLDER_CA = { crt: PLACEHOLDER, key: PLACEHOLDER };
const PLACEHOLDER_SECRETS: TalosSecretsBundle = {
  cluster: { id: PLACEHOLDER, secret: PLACEHOLDER },
  secrets: { bootstraptoken: "aaaaaa.aaaaaaaaaaaaaaaa", secretboxencryptionsecret: PLACEHOLDER },
  trustdinfo: { token: "aaaaaa.aaaaaaaaaaaaaaaa" },
  certs: { etcd: PLACEHOLDER_CA, k8s: PLACEHOLDER_CA, k8saggregator: PLACEHOLDER_CA, k8sserviceaccount: { key: PLACEHOLDER }, os: PLACEHOLDER_CA },
};

/**
 * Talos labels control planes `node.kubernetes.io/exclude-from-external-load-balancers`,
 * and MetalLB announces no LoadBalancer IP from a node so labelled. Control planes that run
 * the workloads must also answer for them (every node here is one), so the label goes.
 */
export const SERVE_LOAD_BALANCERS_PATCH = {
  machine: { nodeLabels: { "node.kubernetes.io/exclude-from-external-load-balancers": { $patch: "delete" } } },
};

/**
 * With Cilium replacing kube-proxy, Talos must not deploy kube-proxy (Talos's Cilium guide,
 * https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium, "without kube-proxy").
 * A patch rather than a generator input: it is exactly the patch that guide applies to
 * `talosctl gen config`.
 */
export const DISABLE_KUBE_PROXY_PATCH = { cluster: { proxy: { disabled: true } } };

/**
 * What the cluster's CNI choice means for the machine configs. Cilium or a custom release:
 * Talos installs no CNI (`cluster.network.cni.name: none`; the platform layer installs it, and
 * until it runs the nodes stay NotReady). Cilium with kube-proxy replacement: no kube-proxy
 * either; a custom CNI keeps Talos's kube-proxy unless the cluster's patches disable it.
 * Flannel: Talos's default, left out of the config as `talosctl gen config` leaves it out.
 */
export function talosCniSettings(cni: ClusterCni): { cni?: CniChoice; patches: ConfigPatch[] } {
  if (cni.name === "flannel") return { patches: [] };
  return { cni: { name: "none" }, patches: cni.name === "cilium" && cni.kubeProxyReplacement ? [DISABLE_KUBE_PROXY_PATCH] : [] };
}

/** The generator's cluster-wide input: the VIP is the endpoint and is announced by the control planes. */
export function clusterConfigInput(spec: TalosClusterSpec, secrets: TalosSecretsBundle): ClusterConfigInput {
  const network = talosCniSettings(spec.cni);
  return {
    clusterName: spec.clusterName,
    endpoint: kubernetesEndpoint(spec.vip),
    kubernetesVersion: spec.kubernetesVersion,
    secrets,
    additionalSans: [spec.vip, ...spec.additionalSans],
    allowSchedulingOnControlPlanes: spec.allowSchedulingOnControlPlanes,
    install: { disk: spec.installDisk },
    vip: spec.vip,
    ...(network.cni ? { cni: network.cni } : {}),
    podSubnets: spec.podSubnets,
    serviceSubnets: spec.serviceSubnets,
    patches: [
      ...(spec.allowSchedulingOnControlPlanes ? [SERVE_LOAD_BALANCERS_PATCH] : []),
      ...network.patches,
      ...sourced(spec.patches, `${TALOS_KEY}.patches`),
    ],
  };
}

/**
 * A node's VM: the system disk written from the factory image, the data disks Rook-Ceph
 * takes, one NIC with the MAC the machine config selects, and the user-data snippet. It is
 * protected: it holds an etcd member and Ceph OSDs.
 */
export function talosVmSpec(
  spec: TalosClusterSpec,
  node: PlannedTalosNode & { machine: PlannedVm },
  network: ProxmoxNetworkSpec,
  files: { systemImage: pulumi.Input<string>; userData: pulumi.Input<string> },
): VmSpec {
  const { shape } = node.machine;
  return {
    name: node.name,
    node: node.machine.proxmoxNode,
    vmId: node.machine.vmId,
    description: `Talos ${node.role} ${node.name} of cluster ${spec.clusterName} (managed by homeops)`,
    cpu: { cores: shape.cores, type: shape.cpuType },
    memoryMb: shape.memoryMb,
    disks: [
      { datastore: shape.osDisk.datastore, sizeGb: shape.osDisk.sizeGb, imageFileId: files.systemImage },
      ...shape.dataDisks.map((disk) => ({ datastore: disk.datastore, sizeGb: disk.sizeGb })),
    ],
    networkDevices: [{ bridge: network.bridge, vlanId: network.vlanId, macAddress: node.macAddress }],
    cloudInit: {
      datastore: shape.cloudInitDatastore,
      ipConfigs: [{ address: node.address, gateway: network.gateway }],
      dns: guestDns(network),
      userDataFileId: files.userData,
    },
    guestAgent: shape.guestAgent,
    // On q35 with SeaBIOS (ProxmoxVm's defaults): a secondary device such as a compute GPU.
    pciDevices: shape.pciDevices,
    tags: ["talos", spec.clusterName, node.role],
    holdsData: true,
  };
}
