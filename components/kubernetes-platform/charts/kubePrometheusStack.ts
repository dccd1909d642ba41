import { hostnames, NAMESPACES, required, runsKubeProxy, SECRETS, SERVICES, type PlatformSettings } from "../settings";
import { blockVolume, memory, type ContainerResources, type VolumeClaimSpec } from "./common";

/** A Grafana datasource, as the grafana chart's additionalDataSources take it. */
export interface GrafanaDatasource {
  name: string;
  type: "prometheus" | "loki" | "tempo";
  uid: string;
  url: string;
  access: "proxy";
  isDefault?: boolean;
  jsonData?: Record<string, unknown>;
  secureJsonData?: Record<string, string>;
}

/** The kube-prometheus-stack chart values this program sets (chart 85.x). */
export interface KubePrometheusStackValues {
  prometheusOperator: {
    resources: ContainerResources;
    /** The operator's admission webhook gets its certificate from cert-manager, not from Helm hook Jobs. */
    admissionWebhooks: { certManager: { enabled: boolean } };
    prometheusConfigReloader: { resources: ContainerResources };
  };
  prometheus: {
    prometheusSpec: {
      retention: string;
      enableRemoteWriteReceiver: boolean;
      serviceMonitorSelectorNilUsesHelmValues: boolean;
      podMonitorSelectorNilUsesHelmValues: boolean;
      storageSpec: { volumeClaimTemplate: { spec: VolumeClaimSpec } };
      resources: ContainerResources;
      thanos: { objectStorageConfig: { name: string; key: string }; resources: ContainerResources };
    };
    thanosService: { enabled: boolean };
  };
  alertmanager: {
    alertmanagerSpec: { retention: string; storage: { volumeClaimTemplate: { spec: VolumeClaimSpec } }; resources: ContainerResources };
  };
  grafana: {
    admin: { existingSecret: string; userKey: string; passwordKey: string };
    ingress: { enabled: boolean; ingressClassName: string; hosts: string[]; tls: { hosts: string[] }[] };
    persistence: { enabled: boolean; storageClassName: string; size: string };
    resources: ContainerResources;
    initChownData: { resources: ContainerResources };
    sidecar: { resources: ContainerResources; datasources: { defaultDatasourceEnabled: boolean } };
    additionalDataSources: GrafanaDatasource[];
  };
  "kube-state-metrics": { resources: ContainerResources };
  "prometheus-node-exporter": { resources: ContainerResources };
  /** kube-proxy's ServiceMonitor and its alerts (KubeProxyDown). */
  kubeProxy: { enabled: boolean };
}

/** Logs and traces are stored per tenant; the Docker hosts' and the cluster's Alloy write to this one. */
export const LOKI_TENANT = "homelab";

export function grafanaDatasources(): GrafanaDatasource[] {
  const inMonitoring = (service: string, port: number) => `http://${service}.${NAMESPACES.monitoring}.svc:${port}`;
  return [
    // Thanos answers for Prometheus and the long-term store alike, so it is the default.
    { name: "Thanos", type: "prometheus", uid: "thanos", url: inMonitoring(SERVICES.thanosQuery.name, SERVICES.thanosQuery.port), access: "proxy", isDefault: true },
    {
      name: "Loki",
      type: "loki",
      uid: "loki",
      url: inMonitoring(SERVICES.loki.name, SERVICES.loki.port),
      access: "proxy",
      // auth_enabled: every query names its tenant.
      jsonData: { httpHeaderName1: "X-Scope-OrgID", derivedFields: [{ datasourceUid: "tempo", matcherRegex: "(?:traceID|trace_id|traceid)=(\\w+)", name: "TraceID", url: "${__value.raw}" }] },
      secureJsonData: { httpHeaderValue1: LOKI_TENANT },
    },
    { name: "Tempo", type: "tempo", uid: "tempo", url: inMonitoring(SERVICES.tempo.name, SERVICES.tempo.queryPort), access: "proxy", jsonData: { tracesToLogs: { datasourceUid: "loki", filterByTraceID: true } } },
  ];
}

export function kubePrometheusStackValues(settings: PlatformSettings): KubePrometheusStackValues {
  const grafanaHost = hostnames(settings.domain).grafana;
  return {
    prometheusOperator: {
      resources: memory("256Mi", "64Mi"),
      admissionWebhooks: { certManager: { enabled: true } },
      prometheusConfigReloader: { resources: memory("64Mi", "16Mi") },
    },
    prometheus: {
      prometheusSpec: {
        retention: "3d",
        // The Docker hosts' and the VPS's Alloy push with remote write.
        enableRemoteWriteReceiver: true,
        // Pick up the ServiceMonitors of every release, not only this one's.
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        storageSpec: { volumeClaimTemplate: { spec: blockVolume("20Gi") } },
        resources: memory("4Gi", "2Gi", "500m"),
        thanos: { objectStorageConfig: { name: SECRETS.thanosObjectStore, key: "objstore.yml" }, resources: memory("512Mi", "128Mi") },
      },
      thanosService: { enabled: true },
    },
    alertmanager: {
      alertmanagerSpec: { retention: "120h", storage: { volumeClaimTemplate: { spec: blockVolume("1Gi") } }, resources: memory("256Mi", "128Mi") },
    },
    grafana: {
      admin: { existingSecret: SECRETS.grafanaAdmin, userKey: "admin-user", passwordKey: "admin-password" },
      ingress: { enabled: true, ingressClassName: required(settings, "ingress").className, hosts: [grafanaHost], tls: [{ hosts: [grafanaHost] }] },
      persistence: { enabled: true, storageClassName: "ceph-block", size: "2Gi" },
      resources: memory("512Mi", "256Mi", "100m"),
      initChownData: { resources: memory("64Mi", "16Mi") },
      sidecar: { resources: memory("128Mi", "64Mi"), datasources: { defaultDatasourceEnabled: false } },
      additionalDataSources: grafanaDatasources(),
    },
    "kube-state-metrics": { resources: memory("256Mi", "128Mi") },
    "prometheus-node-exporter": { resources: memory("128Mi", "64Mi") },
    // With Cilium replacing kube-proxy there is none to scrape, and KubeProxyDown would fire forever.
    kubeProxy: { enabled: runsKubeProxy(settings) },
  };
}
