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
 * Key names are checked against the chart's values.schema.json (cilium/cilium,
 * install/kubernetes/cilium/values.schema.json).
 */
import type { PlatformCni } from "../settings";
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
  /** Only with kube-proxy replacement: the API server through KubePrism. */
  k8sServiceHost?: string;
  k8sServicePort?: number;
  cgroup: { autoMount: { enabled: boolean }; hostRoot: string };
  securityContext: { capabilities: { ciliumAgent: Capability[]; cleanCiliumState: Capability[] } };
  /** `nodes`: NetworkPolicy ipBlocks also select cluster nodes (see ciliumValues). */
  policyCIDRMatchMode: "nodes"[];
  bpf: { masquerade: boolean };
  hubble: { enabled: boolean };
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

/**
 * Memory for the containers the chart renders with no values key for their resources: the
 * agent's `config` init container (`cilium-dbg build-config`) has no `resources` block in the
 * agent DaemonSet template (templates/cilium-agent/daemonset.yaml; cilium/cilium#39262 lists
 * it among the containers without requests or limits), and `initResources` does not reach it.
 * HelmRelease fills this into every rendered container that has no memory limit (see
 * ../containerLimits), so a container a later chart version adds is covered too.
 */
export const CILIUM_UNKEYED_CONTAINERS: ContainerResources = memory("128Mi", "32Mi");

export function ciliumValues(cni: PlatformCni): CiliumValues {
  return {
    ipam: { mode: "kubernetes" },
    kubeProxyReplacement: cni.kubeProxyReplacement,
    ...(cni.kubeProxyReplacement ? { k8sServiceHost: TALOS_KUBE_PRISM.host, k8sServicePort: TALOS_KUBE_PRISM.port } : {}),
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
    // Hubble's helm-generated TLS certificates would be re-rendered, so changed, on every
    // `pulumi up`; flows can still be watched with `cilium-dbg monitor` in the agent pods.
    hubble: { enabled: false },
    // The agent programs every packet path of its node: generous, and no CPU limit.
    resources: memory("1Gi", "256Mi", "100m"),
    initResources: memory("128Mi", "32Mi"),
    cni: { resources: memory("128Mi", "16Mi") },
    operator: { resources: memory("256Mi", "64Mi") },
    envoy: { enabled: true, resources: memory("256Mi", "64Mi") },
  };
}
