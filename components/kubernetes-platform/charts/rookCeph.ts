import { BLOCK_STORAGE_CLASS, memory, type ContainerResources } from "./common";
import { NAMESPACES } from "../settings";

/** The rook-ceph (operator) chart values this program sets (chart 1.19). */
export interface RookCephValues {
  crds: { enabled: boolean };
  resources: ContainerResources;
}

export function rookCephValues(): RookCephValues {
  return { crds: { enabled: true }, resources: memory("512Mi", "128Mi", "100m") };
}

/** Memory of each Ceph daemon kind the operator starts, keyed as CephCluster `spec.resources` names them. */
export type CephDaemonResources = Record<
  "mgr" | "mon" | "osd" | "prepareosd" | "mgr-sidecar" | "crashcollector" | "logcollector" | "cleanup" | "exporter",
  ContainerResources
>;

/** The CephCluster `spec` this program sets (validated against the CRD in tests). */
export interface CephClusterSpec {
  mon: { count: number; allowMultiplePerNode: boolean };
  mgr: { count: number; allowMultiplePerNode: boolean };
  dashboard: { enabled: boolean; ssl: boolean };
  storage: { useAllNodes: boolean; useAllDevices: boolean };
  resources: CephDaemonResources;
}

interface Replicated {
  failureDomain: "host";
  replicated: { size: number };
}

/** A CephBlockPool `spec` with the StorageClass the chart makes for it. */
export interface CephBlockPoolValues {
  name: string;
  spec: Replicated;
  storageClass: StorageClassValues;
}

export interface CephFileSystemValues {
  name: string;
  spec: {
    metadataPool: Replicated;
    dataPools: (Replicated & { name: string })[];
    metadataServer: { activeCount: number; activeStandby: boolean; resources: ContainerResources };
  };
  storageClass: StorageClassValues & { pool: string };
}

export interface CephObjectStoreValues {
  name: string;
  spec: {
    metadataPool: Replicated;
    dataPool: Replicated;
    preservePoolsOnDelete: boolean;
    gateway: { port: number; instances: number; resources: ContainerResources };
  };
  storageClass: StorageClassValues;
}

interface StorageClassValues {
  enabled: boolean;
  name: string;
  isDefault: boolean;
  reclaimPolicy: "Delete" | "Retain";
  allowVolumeExpansion?: boolean;
  volumeBindingMode: "Immediate" | "WaitForFirstConsumer";
  parameters: Record<string, string>;
}

/** The rook-ceph-cluster chart values this program sets. */
export interface RookCephClusterValues {
  operatorNamespace: string;
  toolbox: { enabled: boolean };
  cephClusterSpec: CephClusterSpec;
  cephBlockPools: CephBlockPoolValues[];
  cephFileSystems: CephFileSystemValues[];
  cephObjectStores: CephObjectStoreValues[];
}

/** Three copies, one per host (spec: failureDomain host, 3x replication). */
const THREE_HOSTS: Replicated = { failureDomain: "host", replicated: { size: 3 } };

/** The CSI secrets the operator creates; the chart's StorageClasses refer to them, and listing pools replaces the chart's defaults. */
function csiSecrets(driver: "rbd" | "cephfs"): Record<string, string> {
  const namespace = NAMESPACES.rookCeph;
  return {
    "csi.storage.k8s.io/provisioner-secret-name": `rook-csi-${driver}-provisioner`,
    "csi.storage.k8s.io/provisioner-secret-namespace": namespace,
    "csi.storage.k8s.io/controller-expand-secret-name": `rook-csi-${driver}-provisioner`,
    "csi.storage.k8s.io/controller-expand-secret-namespace": namespace,
    "csi.storage.k8s.io/node-stage-secret-name": `rook-csi-${driver}-node`,
    "csi.storage.k8s.io/node-stage-secret-namespace": namespace,
  };
}

export function rookCephClusterValues(): RookCephClusterValues {
  return {
    operatorNamespace: NAMESPACES.rookCeph,
    toolbox: { enabled: false },
    cephClusterSpec: {
      mon: { count: 3, allowMultiplePerNode: false },
      mgr: { count: 2, allowMultiplePerNode: false },
      dashboard: { enabled: true, ssl: true },
      storage: { useAllNodes: true, useAllDevices: true },
      resources: {
        mgr: memory("1Gi", "512Mi", "100m"),
        mon: memory("2Gi", "1Gi", "100m"),
        osd: memory("4Gi", "2Gi", "250m"),
        prepareosd: memory("1Gi", "50Mi"),
        "mgr-sidecar": memory("100Mi", "40Mi"),
        crashcollector: memory("60Mi", "60Mi"),
        logcollector: memory("1Gi", "100Mi"),
        cleanup: memory("1Gi", "100Mi"),
        exporter: memory("128Mi", "50Mi"),
      },
    },
    cephBlockPools: [
      {
        name: "ceph-blockpool",
        spec: THREE_HOSTS,
        storageClass: {
          enabled: true,
          name: BLOCK_STORAGE_CLASS,
          isDefault: true,
          reclaimPolicy: "Delete",
          allowVolumeExpansion: true,
          volumeBindingMode: "Immediate",
          parameters: { imageFormat: "2", imageFeatures: "layering", "csi.storage.k8s.io/fstype": "ext4", ...csiSecrets("rbd") },
        },
      },
    ],
    cephFileSystems: [
      {
        name: "ceph-filesystem",
        spec: {
          metadataPool: THREE_HOSTS,
          dataPools: [{ name: "data0", ...THREE_HOSTS }],
          metadataServer: { activeCount: 1, activeStandby: true, resources: memory("4Gi", "1Gi", "100m") },
        },
        storageClass: {
          enabled: true,
          name: "ceph-filesystem",
          isDefault: false,
          pool: "data0",
          reclaimPolicy: "Delete",
          allowVolumeExpansion: true,
          volumeBindingMode: "Immediate",
          parameters: { "csi.storage.k8s.io/fstype": "ext4", ...csiSecrets("cephfs") },
        },
      },
    ],
    cephObjectStores: [
      {
        name: "ceph-objectstore",
        spec: {
          metadataPool: THREE_HOSTS,
          dataPool: THREE_HOSTS,
          preservePoolsOnDelete: true,
          gateway: { port: 80, instances: 1, resources: memory("2Gi", "1Gi", "100m") },
        },
        storageClass: { enabled: true, name: "ceph-bucket", isDefault: false, reclaimPolicy: "Delete", volumeBindingMode: "Immediate", parameters: { region: "us-east-1" } },
      },
    ],
  };
}
