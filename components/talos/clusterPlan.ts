/**
 * Where each piece of the Talos cluster goes, as plain data: the factory image each Proxmox
 * node downloads, each node's VM, snippet, installer image and generator inputs. No Pulumi
 * resources here; the TalosCluster component turns the plan into them.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ProxmoxNetworkSpec } from "../../config/proxmox";
import type { ClusterCni, TalosClusterSpec } from "../../config/talos";
import { cidrAddress, guestDns } from "../proxmox/network";
import type { VmSpec } from "../proxmox/vm";
import { installerImage } from "./imageFactory";
import type { ClusterConfigInput, CniChoice, ConfigPatch, NodeConfigInput } from "./machineConfig";
import type { TalosSecretsBundle } from "./secretsBundle";

export const IMAGE_FACTORY_URL = "https://factory.talos.dev";
const KUBERNETES_API_PORT = 6443;

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
  proxmoxNode: string;
  vmId: number;
  ip: string;
  /** The address with its prefix length, e.g. `192.168.11.61/24`. */
  address: string;
  /** Fixed, so that the machine config can select the link by it whatever the NIC is called. */
  macAddress: string;
  talosVersion: string;
  installerImage: string;
  /** The key of the FactoryDiskImage the VM's system disk is written from. */
  diskImage: string;
  /** The name of its user-data snippet; stable, so the VM's reference survives config changes. */
  snippetFileName: string;
  /** The machine-config generator's per-node input. */
  config: NodeConfigInput;
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

export function planTalosCluster(spec: TalosClusterSpec, network: ProxmoxNetworkSpec): TalosClusterPlan {
  const images = new Map<string, FactoryDiskImage>();
  const nodes = spec.nodes.map((node): PlannedTalosNode => {
    const talosVersion = node.talosVersion ?? spec.talosVersion;
    const schematicId = node.schematicId ?? spec.schematicId;
    const fileName = factoryDiskImageFileName(schematicId, talosVersion);
    const key = `${node.proxmoxNode}/${fileName.replace(/\.img$/, "")}`;
    if (!images.has(key)) {
      images.set(key, { key, proxmoxNode: node.proxmoxNode, datastore: spec.vm.imageDatastore, url: factoryDiskImageUrl(schematicId, talosVersion), fileName });
    }
    const image = installerImage({ schematicId, talosVersion });
    const macAddress = stableMacAddress(node.vmId);
    const address = cidrAddress(node.ip, network);
    return {
      name: node.name,
      role: node.role,
      proxmoxNode: node.proxmoxNode,
      vmId: node.vmId,
      ip: node.ip,
      address,
      macAddress,
      talosVersion,
      installerImage: image,
      diskImage: key,
      snippetFileName: snippetFileName(spec.clusterName, node.name),
      config: {
        type: node.role,
        hostname: node.name,
        network: {
          link: { deviceSelector: { hardwareAddr: macAddress } },
          addresses: [address],
          routes: [{ gateway: network.gateway }],
          nameservers: network.nameservers,
        },
        install: { image },
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
 * What the cluster's CNI choice means for the machine configs. Cilium: Talos installs no CNI
 * (`cluster.network.cni.name: none`; the platform layer installs Cilium, and until it runs
 * the nodes stay NotReady) and, with kube-proxy replacement, no kube-proxy. Flannel: Talos's
 * default, left out of the config as `talosctl gen config` leaves it out.
 */
export function talosCniSettings(cni: ClusterCni): { cni?: CniChoice; patches: ConfigPatch[] } {
  if (cni.name === "flannel") return { patches: [] };
  return { cni: { name: "none" }, patches: cni.kubeProxyReplacement ? [DISABLE_KUBE_PROXY_PATCH] : [] };
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
    patches: [...(spec.allowSchedulingOnControlPlanes ? [SERVE_LOAD_BALANCERS_PATCH] : []), ...network.patches],
  };
}

/**
 * A node's VM: the system disk written from the factory image, the data disks Rook-Ceph
 * takes, one NIC with the MAC the machine config selects, and the user-data snippet. It is
 * protected: it holds an etcd member and Ceph OSDs.
 */
export function talosVmSpec(
  spec: TalosClusterSpec,
  node: PlannedTalosNode,
  network: ProxmoxNetworkSpec,
  files: { systemImage: pulumi.Input<string>; userData: pulumi.Input<string> },
): VmSpec {
  return {
    name: node.name,
    node: node.proxmoxNode,
    vmId: node.vmId,
    description: `Talos ${node.role} ${node.name} of cluster ${spec.clusterName} (managed by homeops)`,
    cpu: { cores: spec.vm.cores, type: spec.vm.cpuType },
    memoryMb: spec.vm.memoryMb,
    disks: [
      { datastore: spec.vm.osDisk.datastore, sizeGb: spec.vm.osDisk.sizeGb, imageFileId: files.systemImage },
      ...spec.vm.dataDisks.map((disk) => ({ datastore: disk.datastore, sizeGb: disk.sizeGb })),
    ],
    networkDevices: [{ bridge: network.bridge, vlanId: network.vlanId, macAddress: node.macAddress }],
    cloudInit: {
      datastore: spec.vm.cloudInitDatastore,
      ipConfigs: [{ address: node.address, gateway: network.gateway }],
      dns: guestDns(network),
      userDataFileId: files.userData,
    },
    guestAgent: spec.vm.guestAgent,
    tags: ["talos", spec.clusterName, node.role],
    holdsData: true,
  };
}
