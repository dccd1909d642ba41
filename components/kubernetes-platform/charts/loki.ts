import { required, SECRETS, type PlatformSettings } from "../settings";
import { memory, secretEnv, type ContainerResources, type SecretEnv } from "./common";

/** The loki chart values this program sets (chart 6.x, single binary). */
export interface LokiValues {
  deploymentMode: "SingleBinary";
  loki: {
    auth_enabled: boolean;
    commonConfig: { replication_factor: number };
    schemaConfig: { configs: { from: string; store: "tsdb"; object_store: "s3"; schema: "v13"; index: { prefix: string; period: string } }[] };
    storage: {
      type: "s3";
      bucketNames: { chunks: string; ruler: string };
      s3: { endpoint: string; region: string; s3ForcePathStyle: boolean; insecure: boolean };
    };
    limits_config: { retention_period: string };
    compactor: { retention_enabled: boolean; delete_request_store: "s3" };
  };
  singleBinary: {
    replicas: number;
    persistence: { storageClass: string; size: string };
    /** S3 credentials from a Secret, read by the AWS SDK's environment chain. */
    extraEnv: SecretEnv[];
    resources: ContainerResources;
  };
  /** The rules sidecar in the single-binary pod. */
  sidecar: { resources: ContainerResources };
  read: { replicas: number };
  write: { replicas: number };
  backend: { replicas: number };
  gateway: { enabled: boolean };
  chunksCache: { enabled: boolean };
  resultsCache: { enabled: boolean };
  lokiCanary: { enabled: boolean };
  test: { enabled: boolean };
}

/** Env names the AWS SDKs read credentials from; the object-store Secret has these keys. */
export const S3_CREDENTIAL_ENV = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] as const;

export function objectStoreEnv(): SecretEnv[] {
  return S3_CREDENTIAL_ENV.map((name) => secretEnv(name, SECRETS.objectStore, name));
}

export function lokiValues(settings: PlatformSettings): LokiValues {
  const store = required(settings, "objectStore");
  return {
    deploymentMode: "SingleBinary",
    loki: {
      auth_enabled: true,
      commonConfig: { replication_factor: 1 },
      schemaConfig: { configs: [{ from: "2024-01-01", store: "tsdb", object_store: "s3", schema: "v13", index: { prefix: "loki_index_", period: "24h" } }] },
      storage: {
        type: "s3",
        bucketNames: { chunks: store.buckets.lokiChunks, ruler: store.buckets.lokiRuler },
        s3: { endpoint: store.endpoint, region: store.region, s3ForcePathStyle: true, insecure: true },
      },
      limits_config: { retention_period: "720h" },
      // Loki 3 refuses retention without a store for delete requests.
      compactor: { retention_enabled: true, delete_request_store: "s3" },
    },
    singleBinary: { replicas: 1, persistence: { storageClass: "ceph-block", size: "10Gi" }, extraEnv: objectStoreEnv(), resources: memory("1Gi", "512Mi", "200m") },
    sidecar: { resources: memory("128Mi", "32Mi") },
    read: { replicas: 0 },
    write: { replicas: 0 },
    backend: { replicas: 0 },
    gateway: { enabled: false },
    // The caches default to memcached with gigabytes of memory each; a single binary does without.
    chunksCache: { enabled: false },
    resultsCache: { enabled: false },
    lokiCanary: { enabled: false },
    test: { enabled: false },
  };
}
