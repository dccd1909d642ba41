/**
 * Cilium as the cluster's CNI on Talos, the platform's first release.
 *
 * The Talos-specific values follow Talos's guide "Deploy Cilium CNI"
 * (https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium, the same values as
 * siderolabs/talos website/content/v1.11/kubernetes-guides/network/deploying-cilium.md):
 * - `ipam.mode: kubernetes`: pod CIDRs come from the node objects (Talos's controller-manager
 *   allocates them from `cluster.network.podSubnets`);
 * - `cgroup.autoMount.enabled: false` and `cgroup.hostRoot: /sys/fs/cgroup`: Talos already
 *   mounts cgroup v2 (and bpffs);
 * - `securityContext.capabilities`: the chart's lists without SYS_MODULE, since Talos does not
 *   let workloads load kernel modules;
 * - with kube-proxy replacement, `k8sServiceHost: localhost` and `k8sServicePort: 7445`:
 *   there is no kube-proxy to make the `kubernetes` Service work before Cilium does, so
 *   Cilium reaches the API server through KubePrism, which the machine configs enable on
 *   port 7445 (components/talos/v1alpha1.ts; a test holds the two together).
 * Key names are checked against the chart's values.schema.json at 1.19.3 (test/references/helm).
 */
import { addressRangeBounds } from "../../../config/ipv4";
import type { PlatformCni, PlatformSettings } from "../settings";
import { memory, type ContainerResources } from "./common";

/** KubePrism, Talos's API server load balancer on every node (machine.features.kubePrism). */
export const TALOS_KUBE_PRISM = { host: "localhost", port: 7445 } as const;

/** Capabilities per Talos's guide: the chart's defaults without SYS_MODULE. */
export const CILIUM_AGENT_CAPABILITIES = ["CHOWN", "KILL", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "SYS_ADMIN", "SYS_RESOURCE", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"] as const;
export const CILIUM_CLEAN_STATE_CAPABILITIES = ["NET_ADMIN", "SYS_ADMIN", "SYS_RESOURCE"] as const;

type Capability = (typeof CILIUM_AGENT_CAPABILITIES)[number];

/** The cilium chart values this program sets (chart 1.19). */
export interface CiliumValues {
  ipam: { mode: "kubernetes" };
  kubeProxyReplacement: boolean;
  routingMode: "tunnel" | "native";
  /** Native routing only: the pod CIDR, routed between nodes and not masqueraded. */
  ipv4NativeRoutingCIDR?: string;
  autoDirectNodeRoutes?: boolean;
  /** LB IPAM's addresses answered for on the LAN (loadBalancer.provider: cilium). */
  l2announcements: { enabled: boolean };
  /** The agent's API client budget, sized for the L2 announcements' leases when they are on. */
  k8sClientRateLimit?: { qps: number; burst: number };
  /**
   * `gatewayClass.create: "true"`: the chart's default `auto` creates the GatewayClass only if
   * the cluster serves the Gateway API when the chart is rendered, which on the first `up` is
   * before the CRDs are applied.
   */
  gatewayAPI: { enabled: false } | { enabled: true; gatewayClass: { create: "true" } };
  /** Read by the chart's cilium-configmap.yaml (`bpf-lb-algorithm`, `bpf-lb-mode`) though its values.yaml leaves them commented. */
  loadBalancer?: { algorithm: "random" | "maglev"; mode: "snat" | "dsr" | "hybrid" };
  /** Only with kube-proxy replacement: the API server through KubePrism. */
  k8sServiceHost?: string;
  k8sServicePort?: number;
  cgroup: { autoMount: { enabled: boolean }; hostRoot: string };
  securityContext: { capabilities: { ciliumAgent: Capability[]; cleanCiliumState: Capability[] } };
  /** `nodes`: NetworkPolicy ipBlocks also select cluster nodes (see ciliumValues). */
  policyCIDRMatchMode: "nodes"[];
  bpf: { masquerade: boolean };
  hubble: HubbleValues;
  /** The Job and CronJob that make Hubble's TLS certificates in the cluster (tls.auto.method: cronJob). */
  certgen?: { resources: ContainerResources };
  /** The agent container. */
  resources: ContainerResources;
  /** The agent's init containers (mount-bpf-fs, clean-cilium-state, apply-sysctl-overwrites, ...). */
  initResources: ContainerResources;
  /** The install-cni-binaries init container. */
  cni: { resources: ContainerResources };
  operator: { resources: ContainerResources };
  /** The cilium-envoy DaemonSet (L7 proxy), a separate workload since Cilium 1.16. */
  envoy: { enabled: boolean; resources: ContainerResources };
}

export type HubbleValues =
  | { enabled: false }
  | {
      enabled: true;
      tls: { auto: { enabled: true; method: "cronJob" } };
      relay: { enabled: boolean; resources?: ContainerResources };
      ui: { enabled: boolean; frontend?: { resources: ContainerResources }; backend?: { resources: ContainerResources } };
    };

/**
 * Memory for the containers the chart renders with no values key for their resources: the
 * agent's `config` init container (`cilium-dbg build-config`) has no `resources` block in the
 * agent DaemonSet template (templates/cilium-agent/daemonset.yaml; cilium/cilium#39262 lists
 * it among the containers without requests or limits), and `initResources` does not reach it.
 * HelmRelease fills this into every rendered container that has no memory limit (see
 * ../containerLimits), so a container a later chart version adds is covered too.
 */
export const CILIUM_UNKEYED_CONTAINERS: ContainerResources = memory("128Mi", "32Mi");

/**
 * The agent's Kubernetes client budget with L2 announcements (Cilium docs, "L2 Announcements",
 * "Sizing client rate limit"): the holder of each announced Service renews its lease every
 * `leaseRenewDeadline` (5 s by default), so QPS = #services / 5 s on top of the agent's own
 * default of 10 (values.yaml, `k8sClientRateLimit.qps`); every address of the pool is at most
 * one Service. The burst doubles it, for the other features' bursts.
 */
export function l2AnnouncementRateLimit(poolAddresses: string[]): { qps: number; burst: number } {
  const services = poolAddresses.reduce((total, range) => {
    const bounds = addressRangeBounds(range);
    return total + (bounds ? bounds.last - bounds.first + 1 : 0);
  }, 0);
  const qps = CILIUM_DEFAULT_CLIENT_QPS + Math.ceil(services / L2_LEASE_RENEW_DEADLINE_SECONDS);
  return { qps, burst: 2 * qps };
}
const CILIUM_DEFAULT_CLIENT_QPS = 10;
const L2_LEASE_RENEW_DEADLINE_SECONDS = 5;

/**
 * Hubble, when asked for: its TLS certificates made by the chart's certgen Job and CronJob in
 * the cluster, not by Helm, whose helm-generated certificates would be new (so changed) on
 * every `pulumi up`, and not by cert-manager, which cannot run before the CNI it would serve.
 */
function hubbleValues(hubble: PlatformCni["hubble"]): HubbleValues {
  // Off, Hubble's certificates would be re-rendered by Helm on every `pulumi up`; flows can
  // still be watched with `cilium-dbg monitor` in the agent pods.
  if (!hubble) return { enabled: false };
  return {
    enabled: true,
    tls: { auto: { enabled: true, method: "cronJob" } },
    relay: { enabled: hubble.relay, ...(hubble.relay ? { resources: memory("256Mi", "64Mi") } : {}) },
    ui: { enabled: hubble.ui, ...(hubble.ui ? { frontend: { resources: memory("128Mi", "32Mi") }, backend: { resources: memory("256Mi", "64Mi") } } : {}) },
  };
}

export function ciliumValues(cni: PlatformCni, loadBalancerPool?: PlatformSettings["loadBalancerPool"]): CiliumValues {
  const announces = loadBalancerPool?.provider === "cilium";
  return {
    ipam: { mode: "kubernetes" },
    kubeProxyReplacement: cni.kubeProxyReplacement,
    ...(cni.kubeProxyReplacement ? { k8sServiceHost: TALOS_KUBE_PRISM.host, k8sServicePort: TALOS_KUBE_PRISM.port } : {}),
    routingMode: cni.routing?.mode ?? "tunnel",
    ...(cni.routing?.mode === "native" ? { ipv4NativeRoutingCIDR: cni.routing.podCidr, autoDirectNodeRoutes: cni.routing.autoDirectNodeRoutes } : {}),
    l2announcements: { enabled: announces },
    ...(announces ? { k8sClientRateLimit: l2AnnouncementRateLimit(loadBalancerPool.addresses) } : {}),
    gatewayAPI: cni.gatewayApi ? { enabled: true, gatewayClass: { create: "true" } } : { enabled: false },
    ...(cni.serviceLoadBalancing ? { loadBalancer: { algorithm: cni.serviceLoadBalancing.algorithm, mode: cni.serviceLoadBalancing.mode } } : {}),
    cgroup: { autoMount: { enabled: false }, hostRoot: "/sys/fs/cgroup" },
    securityContext: { capabilities: { ciliumAgent: [...CILIUM_AGENT_CAPABILITIES], cleanCiliumState: [...CILIUM_CLEAN_STATE_CAPABILITIES] } },
    // The platform's NetworkPolicies name the API server, the webhooks' caller and host-network
    // peers (MetalLB speakers, Ceph CSI, node exporters) by the nodes' CIDR. Cilium gives node
    // addresses their own identities and leaves them out of ipBlock selectors unless told to
    // (Cilium docs, "Network Policy": since 1.15 ipBlock can select node IPs); without this the
    // default-deny namespaces could not reach the API server.
    policyCIDRMatchMode: ["nodes"],
    // Talos's guide, "Known issues": BPF masquerading breaks CoreDNS with Talos's
    // forwardKubeDNSToHost (on in the machine configs). Its default is off; it stays off.
    bpf: { masquerade: false },
    hubble: hubbleValues(cni.hubble),
    ...(cni.hubble ? { certgen: { resources: memory("128Mi", "32Mi") } } : {}),
    // The agent programs every packet path of its node: generous, and no CPU limit.
    resources: memory("1Gi", "256Mi", "100m"),
    initResources: memory("128Mi", "32Mi"),
    cni: { resources: memory("128Mi", "16Mi") },
    operator: { resources: memory("256Mi", "64Mi") },
    envoy: { enabled: true, resources: memory("256Mi", "64Mi") },
  };
}
