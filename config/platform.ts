import { z } from "zod";
import { hostAndPort, ipv4Address, ipv4Range, ipv4Subnet } from "./addresses";
import type { ClusterCni } from "./talos";
import {
  chartSourceShape,
  clusterObjectSchema,
  customReleaseSchema,
  deviationsSchema,
  dnsLabel,
  invalid,
  kubernetesSecretSchema,
  namespaceSchema,
  policyAllowancesSchema,
  secretRefSchema,
  type PolicyAllowancesSpec,
  type SecretRefSpec,
} from "./platformReleases";
import type { Value } from "./values";

export { dnsLabel, invalid, secretRefSchema, type SecretRefSpec };

const httpsUrl = z.url({ protocol: /^https$/, error: invalid("must be an https:// URL") });

/**
 * Every release the platform knows, in the seed's order (controllers, configs, monitoring
 * waves, apps), after the cluster's network: Cilium, installed only when the Talos cluster
 * the platform targets runs without a CNI of its own (`homeops:talos.cni.name: cilium`).
 */
export const PLATFORM_RELEASES = [
  "cilium",
  "cert-manager",
  "metallb",
  "ingress-nginx",
  "traefik",
  "rook-ceph",
  "rook-ceph-cluster",
  "kube-prometheus-stack",
  "loki",
  "thanos",
  "tempo",
  "alloy",
  "newt",
  "argo-cd",
] as const;
export type PlatformRelease = (typeof PLATFORM_RELEASES)[number];

/** The ingress controllers the platform can run; only the chosen one is deployed. */
export const INGRESS_CONTROLLERS = ["ingress-nginx", "traefik"] as const satisfies readonly PlatformRelease[];
export type IngressController = (typeof INGRESS_CONTROLLERS)[number];

export const chartSourceSchema = z.object(chartSourceShape).strict();
export type ChartSource = z.infer<typeof chartSourceSchema>;

/**
 * Where each preset installs its release. The platform creates each of these namespaces
 * (kube-system aside, which the cluster brings) when a preset installed goes there.
 */
export const PRESET_NAMESPACES: Record<PlatformRelease, string> = {
  cilium: "kube-system",
  "cert-manager": "cert-manager",
  metallb: "metallb-system",
  "ingress-nginx": "ingress-nginx",
  traefik: "traefik",
  "rook-ceph": "rook-ceph",
  "rook-ceph-cluster": "rook-ceph",
  "kube-prometheus-stack": "monitoring",
  loki: "monitoring",
  thanos: "monitoring",
  tempo: "monitoring",
  alloy: "monitoring",
  newt: "pangolin",
  "argo-cd": "argocd",
};

/**
 * Who hands out LoadBalancer addresses and answers ARP for them on the nodes' network:
 * MetalLB (its preset, L2 mode), or Cilium itself (LB IPAM with L2 announcements), which
 * needs the platform to install Cilium and no MetalLB beside it.
 */
export const LOAD_BALANCER_PROVIDERS = ["metallb", "cilium"] as const;
export type LoadBalancerProvider = (typeof LOAD_BALANCER_PROVIDERS)[number];

/**
 * The annotation a LoadBalancer Service (or a Gateway's `spec.infrastructure`) asks its
 * provider for an address with: MetalLB's (0.13 and later), or Cilium LB IPAM's
 * (`lbipam.cilium.io/ips`, which replaced `io.cilium/lb-ipam-ips`, still read).
 */
export const ADDRESS_ANNOTATIONS: Record<LoadBalancerProvider, string> = { metallb: "metallb.io/loadBalancerIPs", cilium: "lbipam.cilium.io/ips" };
export const DEPRECATED_CILIUM_ADDRESS_ANNOTATION = "io.cilium/lb-ipam-ips";
/** The annotations that let two Services share one address (MetalLB's, Cilium's). */
export const SHARED_ADDRESS_ANNOTATIONS = ["metallb.io/allow-shared-ip", "lbipam.cilium.io/sharing-key"] as const;

/** The settings blocks the presets read; each is needed only by the presets that read it. */
export type PresetSettingsKey = "loadBalancer" | "acme" | "objectStore" | "monitoring" | "argocd" | "newt";

/**
 * What each preset needs besides its chart: the presets it runs on (`ingress`: the chosen
 * ingress controller) and the settings blocks its values are made from. A preset installed
 * without them is refused, naming both.
 */
export const PRESET_REQUIREMENTS: Record<PlatformRelease, { presets: (PlatformRelease | "ingress" | "load-balancer")[]; settings: PresetSettingsKey[]; why: string }> = {
  cilium: { presets: [], settings: [], why: "" },
  "cert-manager": { presets: [], settings: [], why: "" },
  metallb: { presets: [], settings: [], why: "" },
  "ingress-nginx": { presets: ["load-balancer"], settings: ["loadBalancer"], why: "its LoadBalancer address comes from the load balancer's pool" },
  traefik: { presets: ["load-balancer"], settings: ["loadBalancer"], why: "its LoadBalancer address comes from the load balancer's pool" },
  "rook-ceph": { presets: [], settings: [], why: "" },
  "rook-ceph-cluster": { presets: ["rook-ceph"], settings: [], why: "the operator brings the Ceph CRDs and runs the cluster" },
  "kube-prometheus-stack": {
    presets: ["rook-ceph-cluster", "cert-manager", "ingress"],
    settings: ["monitoring"],
    why: "its volumes are on ceph-block, the operator's webhook certificate comes from cert-manager, Grafana is served through the ingress",
  },
  loki: { presets: ["kube-prometheus-stack"], settings: ["objectStore"], why: "Loki keeps its chunks in the object store's buckets and is scraped through kube-prometheus-stack's CRDs" },
  thanos: { presets: ["kube-prometheus-stack"], settings: ["objectStore"], why: "Thanos reads Prometheus's sidecar and keeps blocks in the object store's bucket" },
  tempo: { presets: ["kube-prometheus-stack"], settings: ["objectStore"], why: "Tempo keeps traces in the object store's bucket and is scraped through kube-prometheus-stack's CRDs" },
  alloy: { presets: ["loki", "tempo"], settings: [], why: "Alloy sends logs to Loki and traces to Tempo" },
  newt: { presets: [], settings: ["newt"], why: "the tunnel's endpoint and credentials" },
  "argo-cd": { presets: ["ingress", "cert-manager"], settings: ["argocd", "acme"], why: "its UI is served through the ingress with the ACME wildcard certificate, its login through OIDC" },
};

/** The settings blocks that make objects of a preset, which must then be installed (`loadBalancer`: its provider's, see loadBalancerPreset). */
export const SETTINGS_NEED_PRESET: Partial<Record<Exclude<PresetSettingsKey, "loadBalancer">, { preset: PlatformRelease; why: string }>> = {
  acme: { preset: "cert-manager", why: "the ACME ClusterIssuer and the wildcard Certificate are cert-manager's objects" },
};

/** The preset whose objects the address pool is, and why. */
export function loadBalancerPreset(provider: LoadBalancerProvider): { preset: PlatformRelease; why: string } {
  return provider === "cilium"
    ? { preset: "cilium", why: "the CiliumLoadBalancerIPPool and CiliumL2AnnouncementPolicy are Cilium's objects" }
    : { preset: "metallb", why: "the address pool and its L2 advertisement are MetalLB's objects" };
}

/**
 * Where the releases are installed. `talos`: the admin kubeconfig of the cluster this
 * stack builds. `{configSecret: <key>}`: a kubeconfig stored as a config secret.
 * `{path: <file>}`: a kubeconfig file on the machine that runs Pulumi (an existing cluster).
 */
export const kubeconfigSourceSchema = z.union(
  [z.literal("talos"), z.object({ configSecret: z.string().min(1) }).strict(), z.object({ path: z.string().min(1) }).strict()],
  { error: invalid("must be talos, {configSecret: <key>} or {path: <kubeconfig file>}") },
);
export type KubeconfigSource = z.infer<typeof kubeconfigSourceSchema>;

export const platformSchema = z
  .object({
    kubeconfig: kubeconfigSourceSchema,
    /** The kubeconfig context to use; its current context when left out. */
    kubeContext: z.string().min(1).optional(),
    /**
     * The network the nodes are on: the API server, kubelets and host-network pods (MetalLB
     * speakers, Ceph CSI) talk from there, so NetworkPolicies allow it by address.
     */
    nodeCidr: ipv4Subnet,
    /** The ingress controller preset installed (its chart in `charts`); none when left out. */
    ingressController: z.enum(INGRESS_CONTROLLERS).optional(),
    loadBalancer: z
      .object({
        /** MetalLB (the default, the estate's) or Cilium's LB IPAM with L2 announcements. */
        provider: z.enum(LOAD_BALANCER_PROVIDERS, { error: invalid("must be metallb or cilium (LB IPAM with L2 announcements)") }).default("metallb"),
        poolName: dnsLabel,
        addresses: z.array(ipv4Range).min(1),
        /** The ingress controller's LoadBalancer address; inside the pool. */
        ingressAddress: ipv4Address,
        /**
         * Cilium only: the node interfaces the addresses are announced on, as regular
         * expressions (CiliumL2AnnouncementPolicy `interfaces`); every interface when left out.
         */
        interfaces: z.array(z.string().min(1)).min(1).optional(),
      })
      .strict()
      .optional(),
    acme: z
      .object({
        email: z.email({ error: invalid("must be an e-mail address") }),
        server: httpsUrl,
        issuerName: dnsLabel,
      })
      .strict()
      .optional(),
    /** The S3 store Loki, Tempo and Thanos keep their data in (seed: SeaweedFS). */
    objectStore: z
      .object({
        /** `host:port` of the S3 API, plain HTTP on the LAN. */
        endpoint: hostAndPort,
        /** The endpoint's address, so egress to it can be allowed by NetworkPolicy. */
        address: ipv4Address,
        region: z.string().min(1),
        accessKeyId: secretRefSchema,
        secretAccessKey: secretRefSchema,
        buckets: z.object({ lokiChunks: z.string(), lokiRuler: z.string(), tempo: z.string(), thanos: z.string() }).strict(),
      })
      .strict()
      .optional(),
    monitoring: z
      .object({
        /** Basic-auth user of the public remote-write and log-push endpoints (the Docker hosts' Alloy). */
        pushUsername: z.string().regex(/^[A-Za-z0-9._-]+$/, "must be a user name (letters, digits, . _ -)"),
        pushPassword: secretRefSchema,
        grafanaAdminPassword: secretRefSchema,
      })
      .strict()
      .optional(),
    argocd: z
      .object({
        oidc: z.object({ name: z.string().min(1), issuer: httpsUrl, clientId: z.string().min(1), clientSecret: secretRefSchema }).strict(),
      })
      .strict()
      .optional(),
    /** The cluster's Newt: its tunnel to the VPS Pangolin (seed L4, path 2). */
    newt: z.object({ endpoint: httpsUrl, id: secretRefSchema, secret: secretRefSchema }).strict().optional(),
    /**
     * The presets installed: chart, repository and pinned version per built-in release
     * (values from the typed settings above). The ingress controller not chosen may stay
     * listed, for switching.
     */
    charts: z.partialRecord(z.enum(PLATFORM_RELEASES), chartSourceSchema).default({}),
    /** Namespaces for the custom releases: Pod Security level, default-deny and named allow rules. */
    namespaces: z.record(dnsLabel, namespaceSchema).default({}),
    /** Any Helm release, by key (its release name unless `releaseName` says otherwise). */
    releases: z.record(dnsLabel, customReleaseSchema).default({}),
    /** Kubernetes Secrets from config secrets or generated secrets. */
    secrets: z.array(kubernetesSecretSchema).default([]),
    /** Other cluster objects (issuers, address pools, certificates, ingresses, Ceph CRs). */
    objects: z.array(clusterObjectSchema).default([]),
    /**
     * What the presets' rendered charts do that the policy pack refuses by default
     * (a custom release declares its own beside it). Offline, charts render nothing;
     * under `pulumi preview --policy-pack` these are what the pack sees.
     */
    policyAllowances: policyAllowancesSchema.default({ hostNetwork: [], unfencedWorkloads: [] }),
    /** Whole releases and objects that differ from the running estate, by id (`release argocd/kaneo`), with the reason. */
    deviations: deviationsSchema,
  })
  .strict();
export type PlatformSpec = z.infer<typeof platformSchema>;

/** Every secret reference in the platform settings (for StackSecrets and the config checks), with its path under homeops:platform. */
export function platformSecretRefs(platform: PlatformSpec): { path: string; ref: SecretRefSpec }[] {
  const refs: { path: string; ref: SecretRefSpec | undefined }[] = [
    { path: "objectStore.accessKeyId", ref: platform.objectStore?.accessKeyId },
    { path: "objectStore.secretAccessKey", ref: platform.objectStore?.secretAccessKey },
    { path: "monitoring.pushPassword", ref: platform.monitoring?.pushPassword },
    { path: "monitoring.grafanaAdminPassword", ref: platform.monitoring?.grafanaAdminPassword },
    { path: "argocd.oidc.clientSecret", ref: platform.argocd?.oidc.clientSecret },
    { path: "newt.id", ref: platform.newt?.id },
    { path: "newt.secret", ref: platform.newt?.secret },
    ...Object.entries(platform.releases).flatMap(([key, release]) => release.secretValues.map(({ value }, index) => ({ path: `releases.${key}.secretValues[${index}].value`, ref: value }))),
    ...platform.secrets.flatMap((secret, index) => Object.entries(secret.data).map(([key, ref]) => ({ path: `secrets[${index}].data.${key}`, ref }))),
  ];
  if (typeof platform.kubeconfig === "object" && "configSecret" in platform.kubeconfig) {
    refs.push({ path: "kubeconfig", ref: { configSecret: platform.kubeconfig.configSecret } });
  }
  return refs.filter((entry): entry is { path: string; ref: SecretRefSpec } => entry.ref !== undefined);
}

/** The platform's secret references as inventory values. */
export function platformValues(platform: PlatformSpec): Value[] {
  return platformSecretRefs(platform).map(({ ref }) => ref);
}

/**
 * The CNI the platform installs as its first release: Cilium (the preset), or the custom
 * release `homeops:talos.cni` names. Only on the Talos cluster this stack builds, and only
 * when that cluster was told to run without Talos's own CNI; a cluster reached through
 * another kubeconfig brings its own network.
 */
export function platformCni(platform: Pick<PlatformSpec, "kubeconfig">, clusterCni: ClusterCni | undefined): Exclude<ClusterCni, { name: "flannel" }> | undefined {
  return platform.kubeconfig === "talos" && clusterCni && clusterCni.name !== "flannel" ? clusterCni : undefined;
}

/**
 * The presets this configuration installs: Cilium when the platform installs it as the CNI,
 * the chosen ingress controller, and every other preset whose chart is given.
 */
export function installedPresets(platform: Pick<PlatformSpec, "charts" | "ingressController">, installsCilium = false): PlatformRelease[] {
  return PLATFORM_RELEASES.filter((release) => {
    if (release === "cilium") return installsCilium;
    if ((INGRESS_CONTROLLERS as readonly string[]).includes(release)) return release === platform.ingressController;
    return platform.charts[release] !== undefined;
  });
}

/** The policy pack's allowances: the presets' and each custom release's, together. */
export function platformPolicyAllowances(platform: Pick<PlatformSpec, "policyAllowances" | "releases">): PolicyAllowancesSpec {
  const all = [platform.policyAllowances, ...Object.values(platform.releases).flatMap((release) => (release.policyAllowances ? [release.policyAllowances] : []))];
  return { hostNetwork: all.flatMap((allowances) => allowances.hostNetwork), unfencedWorkloads: all.flatMap((allowances) => allowances.unfencedWorkloads) };
}
