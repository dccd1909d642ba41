import { ADDRESS_ANNOTATIONS, installedPresets, platformCni, PRESET_NAMESPACES, type IngressController, type LoadBalancerProvider, type PlatformRelease, type PlatformSpec } from "../../config/platform";
import type { ClusterCni } from "../../config/talos";

/**
 * Cilium when the platform installs it as its first release (the cluster runs no CNI of its
 * own until then), as `homeops:talos.cni` describes it: kube-proxy replacement, routing,
 * Gateway API and Hubble.
 */
export type PlatformCni = Extract<ClusterCni, { name: "cilium" }>;

/** The non-secret facts the chart values and manifests are built from. */
export interface PlatformSettings {
  domain: string;
  nodeCidr: string;
  /** Left out: the platform installs no Cilium (the cluster brings its own network, or a custom release is its CNI). */
  cni?: PlatformCni;
  /**
   * The custom release (its homeops:platform.releases key) that is the cluster's CNI
   * (`homeops:talos.cni: {name: custom}`): installed first, every other release waits for it.
   */
  cniRelease?: string;
  /** The presets installed (the config checks made sure each has what it needs below). */
  presets: PlatformRelease[];
  ingress?: {
    controller: IngressController;
    /** The controller's namespace, also where the wildcard certificate's Secret lives. */
    namespace: string;
    className: string;
    address: string;
  };
  loadBalancerPool?: { provider: LoadBalancerProvider; name: string; addresses: string[]; interfaces?: string[] };
  acme?: { email: string; server: string; issuerName: string };
  objectStore?: { endpoint: string; address: string; port: number; region: string; buckets: NonNullable<PlatformSpec["objectStore"]>["buckets"] };
  argocdOidc?: { name: string; issuer: string; clientId: string };
  newtEndpoint?: string;
}

type OptionalSettings = "ingress" | "loadBalancerPool" | "acme" | "objectStore" | "argocdOidc" | "newtEndpoint";

/** A settings block a preset reads; the config checks refuse a preset installed without it. */
export function required<K extends OptionalSettings>(settings: PlatformSettings, block: K): NonNullable<PlatformSettings[K]> {
  const value = settings[block];
  if (value === undefined) throw new Error(`the platform settings have no ${block} (the config checks should have refused this)`);
  return value as NonNullable<PlatformSettings[K]>;
}

/** Whether the preset is installed. */
export function installs(settings: Pick<PlatformSettings, "presets">, preset: PlatformRelease): boolean {
  return settings.presets.includes(preset);
}

/** Whether the cluster runs kube-proxy: unless Cilium replaces it. */
export function runsKubeProxy(settings: Pick<PlatformSettings, "cni">): boolean {
  return !settings.cni?.kubeProxyReplacement;
}

/** The ingress controller's Service annotations: its address, asked of the pool's provider. */
export function ingressAddressAnnotations(settings: PlatformSettings): Record<string, string> {
  return { [ADDRESS_ANNOTATIONS[required(settings, "loadBalancerPool").provider]]: required(settings, "ingress").address };
}

/** The ingress class each controller's chart creates by default. */
const INGRESS_CLASS: Record<IngressController, string> = { "ingress-nginx": "nginx", traefik: "traefik" };

/** `clusterCni`: the CNI choice of the Talos cluster this stack builds (`homeops:talos.cni`), when it builds one. */
export function platformSettings(spec: PlatformSpec, domain: string, clusterCni?: ClusterCni): PlatformSettings {
  const cni = platformCni(spec, clusterCni);
  const { ingressController, loadBalancer, objectStore, argocd } = spec;
  return {
    domain,
    nodeCidr: spec.nodeCidr,
    ...(cni?.name === "cilium" ? { cni } : {}),
    ...(cni?.name === "custom" ? { cniRelease: cni.release } : {}),
    presets: installedPresets(spec, cni?.name === "cilium"),
    ...(ingressController && loadBalancer
      ? { ingress: { controller: ingressController, namespace: ingressController, className: INGRESS_CLASS[ingressController], address: loadBalancer.ingressAddress } }
      : {}),
    ...(loadBalancer
      ? { loadBalancerPool: { provider: loadBalancer.provider, name: loadBalancer.poolName, addresses: loadBalancer.addresses, ...(loadBalancer.interfaces ? { interfaces: loadBalancer.interfaces } : {}) } }
      : {}),
    ...(spec.acme ? { acme: spec.acme } : {}),
    ...(objectStore
      ? {
          objectStore: {
            endpoint: objectStore.endpoint,
            address: objectStore.address,
            port: Number(objectStore.endpoint.split(":")[1]),
            region: objectStore.region,
            buckets: objectStore.buckets,
          },
        }
      : {}),
    ...(argocd ? { argocdOidc: { name: argocd.oidc.name, issuer: argocd.oidc.issuer, clientId: argocd.oidc.clientId } } : {}),
    ...(spec.newt ? { newtEndpoint: spec.newt.endpoint } : {}),
  };
}

/** Host names the platform serves under the domain. */
export function hostnames(domain: string) {
  return {
    grafana: `grafana.${domain}`,
    argocd: `argocd.${domain}`,
    /** Remote write for the Docker hosts' Alloy (basic auth). */
    prometheusPush: `prometheus.${domain}`,
    /** Log push for the Docker hosts' Alloy (basic auth). */
    lokiPush: `loki.${domain}`,
  };
}

/**
 * Namespaces the cluster brings and the platform does not create, so they get no
 * default-deny from it: kube-system, where the CNI runs (its pods all use the host network,
 * which NetworkPolicies do not govern) beside Talos's CoreDNS.
 */
export const CLUSTER_NAMESPACES = { kubeSystem: "kube-system" } as const;

/** Namespaces of the platform's releases (the spec's table). */
export const NAMESPACES = {
  certManager: PRESET_NAMESPACES["cert-manager"],
  metallb: PRESET_NAMESPACES.metallb,
  rookCeph: PRESET_NAMESPACES["rook-ceph"],
  monitoring: PRESET_NAMESPACES["kube-prometheus-stack"],
  argocd: PRESET_NAMESPACES["argo-cd"],
  newt: PRESET_NAMESPACES.newt,
} as const;

/** Secrets the platform creates from config secrets and the DNS identities; charts refer to them by name. */
export const SECRETS = {
  acmeDns01: "acme-dns01-credentials",
  objectStore: "object-store-credentials",
  thanosObjectStore: "thanos-objstore",
  grafanaAdmin: "grafana-admin",
  pushAuth: "monitoring-push-auth",
  argocdOidc: "argocd-oidc",
  newt: "newt-credentials",
  wildcardCertificate: "default-tls-cert",
} as const;

/** In-cluster services the values and ingresses point at (names follow the release names). */
export const SERVICES = {
  prometheus: { name: "kube-prometheus-stack-prometheus", port: 9090 },
  thanosSidecarDiscovery: "kube-prometheus-stack-thanos-discovery",
  thanosQuery: { name: "thanos-query", port: 9090 },
  loki: { name: "loki", port: 3100 },
  tempo: { name: "tempo", queryPort: 3100, otlpGrpcPort: 4317 },
} as const;

/** Container ports behind the ingresses, which NetworkPolicies open (policies match pod ports, not Service ports). */
export const BACKEND_PORTS = {
  grafana: 3000,
  prometheus: 9090,
  loki: 3100,
  argocdServer: 8080,
  alloyOtlpGrpc: 4317,
  alloyOtlpHttp: 4318,
} as const;
