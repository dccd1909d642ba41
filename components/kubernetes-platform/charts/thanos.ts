import { stringify } from "yaml";
import { NAMESPACES, SECRETS, SERVICES } from "../settings";
import { memory, type ContainerResources } from "./common";

interface Persistence {
  enabled: boolean;
  storageClass: string;
  size: string;
}

/** The Bitnami thanos chart values this program sets (chart 17.x, OCI). */
export interface ThanosValues {
  /** Secret with `objstore.yml` (shared with the Prometheus sidecar). */
  existingObjstoreSecret: string;
  query: {
    enabled: boolean;
    dnsDiscovery: { enabled: boolean; sidecarsService: string; sidecarsNamespace: string };
    resources: ContainerResources;
  };
  queryFrontend: { enabled: boolean };
  storegateway: { enabled: boolean; persistence: Persistence; resources: ContainerResources };
  compactor: {
    enabled: boolean;
    retentionResolutionRaw: string;
    retentionResolution5m: string;
    retentionResolution1h: string;
    persistence: Persistence;
    resources: ContainerResources;
  };
  ruler: { enabled: boolean };
  receive: { enabled: boolean };
  bucketweb: { enabled: boolean };
}

export function thanosValues(): ThanosValues {
  const volume = (size: string): Persistence => ({ enabled: true, storageClass: "ceph-block", size });
  return {
    existingObjstoreSecret: SECRETS.thanosObjectStore,
    query: {
      enabled: true,
      dnsDiscovery: { enabled: true, sidecarsService: SERVICES.thanosSidecarDiscovery, sidecarsNamespace: NAMESPACES.monitoring },
      resources: memory("512Mi", "256Mi", "100m"),
    },
    queryFrontend: { enabled: false },
    storegateway: { enabled: true, persistence: volume("10Gi"), resources: memory("1Gi", "256Mi", "100m") },
    compactor: {
      enabled: true,
      retentionResolutionRaw: "7d",
      retentionResolution5m: "30d",
      retentionResolution1h: "180d",
      persistence: volume("10Gi"),
      resources: memory("1Gi", "256Mi", "100m"),
    },
    ruler: { enabled: false },
    receive: { enabled: false },
    bucketweb: { enabled: false },
  };
}

/** Thanos's object-store configuration (`objstore.yml`); carries the S3 keys, so it only ever goes into a Secret. */
export function thanosObjectStoreConfig(store: { endpoint: string; region: string; bucket: string }, accessKey: string, secretKey: string): string {
  return stringify({
    type: "S3",
    config: { bucket: store.bucket, endpoint: store.endpoint, region: store.region, access_key: accessKey, secret_key: secretKey, insecure: true },
  });
}
