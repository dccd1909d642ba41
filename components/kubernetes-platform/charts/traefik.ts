import { ingressAddressAnnotations, SECRETS, type PlatformSettings } from "../settings";
import { memory, type ContainerResources } from "./common";

/** The Traefik chart values this program sets: the ingress controller when ingress-nginx is not chosen. */
export interface TraefikValues {
  deployment: { replicas: number };
  ingressClass: { enabled: boolean; isDefaultClass: boolean };
  providers: { kubernetesIngress: { enabled: boolean }; kubernetesCRD: { enabled: boolean } };
  service: { type: "LoadBalancer"; annotations: Record<string, string> };
  /** Ingresses with a TLS section and no secret get the wildcard certificate (as ingress-nginx's default-ssl-certificate). */
  tlsStore: { default: { defaultCertificate: { secretName: string } } };
  resources: ContainerResources;
}

/** Container ports of Traefik's entry points (its chart maps Service 80/443 onto them). */
export const TRAEFIK_PORTS = { web: 8000, websecure: 8443 } as const;

export function traefikValues(settings: PlatformSettings): TraefikValues {
  return {
    deployment: { replicas: 2 },
    ingressClass: { enabled: true, isDefaultClass: true },
    // Ingress objects for the charts, and CRDs for the basic-auth Middleware.
    providers: { kubernetesIngress: { enabled: true }, kubernetesCRD: { enabled: true } },
    service: { type: "LoadBalancer", annotations: ingressAddressAnnotations(settings) },
    tlsStore: { default: { defaultCertificate: { secretName: SECRETS.wildcardCertificate } } },
    resources: memory("512Mi", "128Mi", "100m"),
  };
}
