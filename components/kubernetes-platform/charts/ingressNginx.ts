import { ingressAddressAnnotations, required, SECRETS, type PlatformSettings } from "../settings";
import { memory, type ContainerResources } from "./common";

/** The ingress-nginx chart values this program sets (chart 4.x; upstream retired the project in March 2026). */
export interface IngressNginxValues {
  controller: {
    replicaCount: number;
    ingressClassResource: { default: boolean };
    extraArgs: { "default-ssl-certificate": string };
    service: { type: "LoadBalancer"; annotations: Record<string, string> };
    /**
     * The webhook's certificate comes from Helm hook Jobs, which Pulumi applies as ordinary
     * objects without their ordering; the estate runs with it off, as here.
     */
    admissionWebhooks: { enabled: boolean };
    resources: ContainerResources;
  };
  defaultBackend: { enabled: boolean };
}

export function ingressNginxValues(settings: PlatformSettings): IngressNginxValues {
  return {
    controller: {
      replicaCount: 2,
      ingressClassResource: { default: true },
      extraArgs: { "default-ssl-certificate": `${required(settings, "ingress").namespace}/${SECRETS.wildcardCertificate}` },
      service: { type: "LoadBalancer", annotations: ingressAddressAnnotations(settings) },
      admissionWebhooks: { enabled: false },
      resources: memory("512Mi", "128Mi", "100m"),
    },
    defaultBackend: { enabled: false },
  };
}
