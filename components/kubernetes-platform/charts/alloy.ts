import { kubernetesAlloyConfig } from "../../alloy/kubernetesConfig";
import { BACKEND_PORTS, NAMESPACES, SERVICES } from "../settings";
import { memory, type ContainerResources } from "./common";
import { LOKI_TENANT } from "./kubePrometheusStack";

interface ServicePort {
  name: string;
  port: number;
  targetPort: number;
  protocol: "TCP";
}

/** The alloy chart values this program sets (chart 1.x). */
export interface AlloyValues {
  controller: { type: "daemonset" };
  alloy: { configMap: { content: string }; extraPorts: ServicePort[]; resources: ContainerResources };
  configReloader: { resources: ContainerResources };
}

export function alloyValues(): AlloyValues {
  const inMonitoring = (service: string, port: number) => `${service}.${NAMESPACES.monitoring}.svc:${port}`;
  return {
    controller: { type: "daemonset" },
    alloy: {
      configMap: {
        content: kubernetesAlloyConfig({
          lokiPushUrl: `http://${inMonitoring(SERVICES.loki.name, SERVICES.loki.port)}/loki/api/v1/push`,
          tenant: LOKI_TENANT,
          tempoOtlpGrpc: inMonitoring(SERVICES.tempo.name, SERVICES.tempo.otlpGrpcPort),
          otlpGrpcPort: BACKEND_PORTS.alloyOtlpGrpc,
          otlpHttpPort: BACKEND_PORTS.alloyOtlpHttp,
        }),
      },
      extraPorts: [
        { name: "otlp-grpc", port: BACKEND_PORTS.alloyOtlpGrpc, targetPort: BACKEND_PORTS.alloyOtlpGrpc, protocol: "TCP" },
        { name: "otlp-http", port: BACKEND_PORTS.alloyOtlpHttp, targetPort: BACKEND_PORTS.alloyOtlpHttp, protocol: "TCP" },
      ],
      // Spec: limit 384Mi.
      resources: memory("384Mi", "192Mi", "100m"),
    },
    configReloader: { resources: memory("64Mi", "16Mi") },
  };
}
