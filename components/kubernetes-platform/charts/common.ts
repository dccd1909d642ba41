/**
 * Types shared by the chart values: what a chart takes as container resources. The
 * memory limit is required by the type, so no container this program configures can
 * leave it out (the policy pack checks the rendered workloads too).
 */
export interface ContainerResources {
  requests?: { cpu?: string; memory?: string };
  limits: { memory: string };
}

/** A memory limit with a request below it; no CPU limit (throttling hurts more than it protects here). */
export function memory(limit: string, request: string, cpu = "10m"): ContainerResources {
  return { requests: { cpu, memory: request }, limits: { memory: limit } };
}

/** A PersistentVolumeClaim template spec, as charts embed it. */
export interface VolumeClaimSpec {
  storageClassName: string;
  accessModes: ("ReadWriteOnce" | "ReadWriteMany")[];
  resources: { requests: { storage: string } };
}

/** The StorageClass every volume of the platform uses (Rook-Ceph RBD, the cluster default). */
export const BLOCK_STORAGE_CLASS = "ceph-block";

export function blockVolume(size: string): VolumeClaimSpec {
  return { storageClassName: BLOCK_STORAGE_CLASS, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: size } } };
}

/** An env var read from a key of a Secret. */
export interface SecretEnv {
  name: string;
  valueFrom: { secretKeyRef: { name: string; key: string } };
}

export function secretEnv(name: string, secret: string, key: string): SecretEnv {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}
