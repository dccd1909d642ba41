import { z } from "zod";
import { hostAndPort, ipv4Address, ipv4Range, ipv4Subnet } from "./addresses";
import type { ClusterCni } from "./talos";
import type { Value } from "./values";

/** An error message for a malformed value; a missing one reads "is required but not set", as elsewhere. */
export const invalid = (message: string) => (issue: { input?: unknown }) => (issue.input === undefined ? "is required but not set" : message);

export const dnsLabel = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "must be a lowercase DNS label (a-z, 0-9, '-')");
const httpsUrl = z.url({ protocol: /^https$/, error: invalid("must be an https:// URL") });

/**
 * A credential, never a plain string: `{configSecret: <key>}` (set with
 * `pulumi config set --secret <key> ...`) or `{generated: <name>}` (see homeops:generatedSecrets).
 */
export const secretRefSchema = z.union([z.object({ configSecret: z.string().min(1) }).strict(), z.object({ generated: z.string().min(1) }).strict()], {
  error: invalid("must be {configSecret: <key>} or {generated: <name>}, never a plain value"),
});
export type SecretRefSpec = z.infer<typeof secretRefSchema>;

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

/** One chart version exactly (`1.21.1`, `v1.19.2`, `1.0.0-rc.1`): ranges would let an update change the cluster unseen. */
export const PINNED_CHART_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

export const chartSourceSchema = z
  .object({
    chart: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "must be a chart name"),
    /** `https://...` (a chart repository) or `oci://registry/path` (the chart is `<path>/<chart>`). */
    repository: z.string().regex(/^(https:\/\/|oci:\/\/)[^\s]+[^/\s]$/, "must be an https:// chart repository or an oci:// registry path, without a trailing /"),
    version: z.string().regex(PINNED_CHART_VERSION, "must pin one chart version like 1.21.1; ranges such as 1.21.x, ^1.21 or * are refused"),
  })
  .strict();
export type ChartSource = z.infer<typeof chartSourceSchema>;

/**
 * Where the releases are installed. `talos`: the admin kubeconfig of the cluster this
 * stack builds. `{configSecret: <key>}`: a kubeconfig stored as a config secret.
 * `{path: <file>}`: a kubeconfig file on the machine that runs Pulumi (an existing cluster).
 */
/** A workload as the policy pack names it: `namespace/name`. */
const workloadName = z.string().regex(/^[a-z0-9-]+\/[a-z0-9.-]+$/, "must be namespace/name");

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
    ingressController: z.enum(INGRESS_CONTROLLERS),
    loadBalancer: z
      .object({
        poolName: dnsLabel,
        addresses: z.array(ipv4Range).min(1),
        /** The ingress controller's LoadBalancer address; inside the pool. */
        ingressAddress: ipv4Address,
      })
      .strict(),
    acme: z
      .object({
        email: z.email({ error: invalid("must be an e-mail address") }),
        server: httpsUrl,
        issuerName: dnsLabel,
      })
      .strict(),
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
      .strict(),
    monitoring: z
      .object({
        /** Basic-auth user of the public remote-write and log-push endpoints (the Docker hosts' Alloy). */
        pushUsername: z.string().regex(/^[A-Za-z0-9._-]+$/, "must be a user name (letters, digits, . _ -)"),
        pushPassword: secretRefSchema,
        grafanaAdminPassword: secretRefSchema,
      })
      .strict(),
    argocd: z
      .object({
        oidc: z.object({ name: z.string().min(1), issuer: httpsUrl, clientId: z.string().min(1), clientSecret: secretRefSchema }).strict(),
      })
      .strict(),
    /** The cluster's Newt: its tunnel to the VPS Pangolin (seed L4, path 2). */
    newt: z.object({ endpoint: httpsUrl, id: secretRefSchema, secret: secretRefSchema }).strict(),
    /** Chart coordinates per release; the other ingress controller's entry may stay for switching. */
    charts: z.partialRecord(z.enum(PLATFORM_RELEASES), chartSourceSchema),
    /**
     * What the rendered charts do that the policy pack refuses by default, declared here and
     * reviewed: workloads that need the host's network, and workloads in namespaces the
     * program does not fence (kube-system), each with its reason. Offline, charts render
     * nothing; under `pulumi preview --policy-pack` these are what the pack sees.
     */
    policyAllowances: z
      .object({
        hostNetwork: z.array(workloadName).default([]),
        unfencedWorkloads: z.array(z.object({ workload: workloadName, reason: z.string().min(1) }).strict()).default([]),
      })
      .strict()
      .default({ hostNetwork: [], unfencedWorkloads: [] }),
  })
  .strict();
export type PlatformSpec = z.infer<typeof platformSchema>;

/** Every secret reference in the platform settings (for StackSecrets and the config checks). */
export function platformSecretRefs(platform: PlatformSpec): { path: string; ref: SecretRefSpec }[] {
  const refs: { path: string; ref: SecretRefSpec }[] = [
    { path: "objectStore.accessKeyId", ref: platform.objectStore.accessKeyId },
    { path: "objectStore.secretAccessKey", ref: platform.objectStore.secretAccessKey },
    { path: "monitoring.pushPassword", ref: platform.monitoring.pushPassword },
    { path: "monitoring.grafanaAdminPassword", ref: platform.monitoring.grafanaAdminPassword },
    { path: "argocd.oidc.clientSecret", ref: platform.argocd.oidc.clientSecret },
    { path: "newt.id", ref: platform.newt.id },
    { path: "newt.secret", ref: platform.newt.secret },
  ];
  if (typeof platform.kubeconfig === "object" && "configSecret" in platform.kubeconfig) {
    refs.push({ path: "kubeconfig", ref: { configSecret: platform.kubeconfig.configSecret } });
  }
  return refs;
}

/** The platform's secret references as inventory values. */
export function platformValues(platform: PlatformSpec): Value[] {
  return platformSecretRefs(platform).map(({ ref }) => ref);
}

/**
 * Whether the platform installs the cluster's CNI (Cilium): only on the Talos cluster this
 * stack builds, and only when that cluster was told to run without Talos's own CNI. A
 * cluster reached through another kubeconfig brings its own network.
 */
export function platformInstallsCni(platform: Pick<PlatformSpec, "kubeconfig">, clusterCni: ClusterCni | undefined): boolean {
  return platform.kubeconfig === "talos" && clusterCni?.name === "cilium";
}
