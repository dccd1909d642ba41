import { required, type PlatformSettings } from "../settings";
import { memory, type ContainerResources, type SecretEnv } from "./common";
import { objectStoreEnv } from "./loki";

/** The tempo chart values this program sets (chart 1.x, single binary). */
export interface TempoValues {
  tempo: {
    storage: { trace: { backend: "s3"; s3: { bucket: string; endpoint: string; region: string; insecure: boolean; forcepathstyle: boolean } } };
    receivers: { otlp: { protocols: { grpc: { endpoint: string }; http: { endpoint: string } } } };
    retention: string;
    extraEnv: SecretEnv[];
    resources: ContainerResources;
  };
  persistence: { enabled: boolean; storageClassName: string; size: string };
}

export function tempoValues(settings: PlatformSettings): TempoValues {
  const store = required(settings, "objectStore");
  return {
    tempo: {
      storage: { trace: { backend: "s3", s3: { bucket: store.buckets.tempo, endpoint: store.endpoint, region: store.region, insecure: true, forcepathstyle: true } } },
      receivers: { otlp: { protocols: { grpc: { endpoint: "0.0.0.0:4317" }, http: { endpoint: "0.0.0.0:4318" } } } },
      retention: "168h",
      extraEnv: objectStoreEnv(),
      resources: memory("512Mi", "256Mi", "100m"),
    },
    persistence: { enabled: true, storageClassName: "ceph-block", size: "10Gi" },
  };
}
