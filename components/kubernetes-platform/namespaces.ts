/**
 * The platform's namespaces: the Pod Security level each needs and the traffic its
 * releases need, from which the namespace's NetworkPolicies are made. Plain data.
 */
import type { PlatformRelease } from "../../config/platform";
import type { NamespaceSpec } from "../../config/platformReleases";
import { TRAEFIK_PORTS } from "./charts/traefik";
import { clusterDns, kubeApi, webhookFromApiServer, withinNamespace, type Allow, type NamespaceAccess, type PortRange } from "./networkAccess";
import { BACKEND_PORTS, installs, NAMESPACES, required, runsKubeProxy, type PlatformSettings } from "./settings";

export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

export interface NamespacePlan {
  name: string;
  podSecurity: PodSecurityLevel;
  /** Why the namespace needs more than `restricted`. */
  podSecurityReason?: string;
  access: NamespaceAccess;
}

/** Pod Security Admission labels: enforce, and warn and audit at the same level. */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
  return Object.fromEntries(["enforce", "audit", "warn"].map((mode) => [`pod-security.kubernetes.io/${mode}`, level]));
}

const tcp = (...ports: number[]): PortRange[] => ports.map((port) => ({ port }));

/** Ceph's ports: mon v2 and v1, then the range OSDs, MDS and mgr bind in. */
const CEPH_PORTS: PortRange[] = [{ port: 3300 }, { port: 6789 }, { port: 6800, endPort: 7568 }];

/** Ports a node's agents are scraped on: kubelet, node-exporter (host network), kube-proxy (unless Cilium replaces it), controller-manager, scheduler, etcd metrics. */
function nodeScrapePorts(settings: PlatformSettings): PortRange[] {
  return tcp(10250, 9100, ...(runsKubeProxy(settings) ? [10249] : []), 10257, 10259, 2381);
}

/** Ports of the ingress controller's pods, and its backends in other namespaces. */
function ingressPorts(settings: PlatformSettings): number[] {
  return required(settings, "ingress").controller === "traefik" ? [TRAEFIK_PORTS.web, TRAEFIK_PORTS.websecure] : [80, 443];
}

/** Namespaces whose pods the ingress controller forwards to, and on which container ports. */
function ingressBackends(settings: PlatformSettings): { namespace: string; ports: number[] }[] {
  return [
    ...(installs(settings, "kube-prometheus-stack") ? [{ namespace: NAMESPACES.monitoring, ports: [BACKEND_PORTS.grafana, BACKEND_PORTS.prometheus, BACKEND_PORTS.loki] }] : []),
    ...(installs(settings, "argo-cd") ? [{ namespace: NAMESPACES.argocd, ports: [BACKEND_PORTS.argocdServer] }] : []),
  ];
}

function fromIngressController(settings: PlatformSettings, ports: number[]): Allow {
  const ingress = required(settings, "ingress");
  return { name: "from-ingress-controller", why: `${ingress.controller} forwards requests for this namespace's hosts.`, peers: [{ namespace: ingress.namespace }], ports: tcp(...ports) };
}

/** The namespaces of the installed presets, each with the traffic its releases need. */
export function platformNamespaces(settings: PlatformSettings): NamespacePlan[] {
  const api = kubeApi(settings.nodeCidr);
  const backends = ingressBackends(settings);
  const has = (...presets: PlatformRelease[]) => presets.some((preset) => installs(settings, preset));
  /** The item when the condition holds, made only then (it may read settings only that preset has). */
  const when = <T>(condition: boolean, make: () => T): T[] => (condition ? [make()] : []);
  const portsOf = (namespace: string) => backends.find((backend) => backend.namespace === namespace)?.ports ?? [];
  const internetHttps: Allow = { name: "internet-https", why: "", peers: [{ internet: true }], ports: tcp(443) };
  const { ingress, objectStore } = settings;
  return [
    ...when<NamespacePlan>(has("cert-manager"), () => ({
      name: NAMESPACES.certManager,
      podSecurity: "restricted",
      access: {
        ingress: [webhookFromApiServer(settings.nodeCidr, 10250)],
        egress: [
          clusterDns,
          api,
          { ...internetHttps, why: "ACME (Let's Encrypt) and the DNS provider's API for DNS-01." },
          { name: "public-dns", why: "The DNS-01 self-check asks public resolvers for the challenge record.", peers: [{ internet: true }], ports: [{ port: 53, protocol: "UDP" }, { port: 53 }] },
        ],
      },
    })),
    ...when<NamespacePlan>(has("metallb"), () => ({
      name: NAMESPACES.metallb,
      podSecurity: "privileged",
      podSecurityReason: "The speakers run on the host network with NET_RAW to answer ARP (spec).",
      access: { ingress: [webhookFromApiServer(settings.nodeCidr, 9443)], egress: [clusterDns, api] },
    })),
    ...(ingress
      ? [
          {
            name: ingress.namespace,
            // Spec for ingress-nginx; Traefik's pods meet baseline.
            podSecurity: ingress.controller === "traefik" ? "baseline" : "privileged",
            podSecurityReason:
              ingress.controller === "traefik"
                ? "Traefik's chart sets no seccomp profile, which restricted requires."
                : "The spec asks privileged for ingress-nginx (it adds NET_BIND_SERVICE and allows privilege escalation).",
            access: {
              ingress: [{ name: "from-anywhere-web", why: "The LoadBalancer address serves HTTP and HTTPS to the LAN and beyond.", peers: [{ cidr: "0.0.0.0/0" }], ports: tcp(...ingressPorts(settings)) }],
              egress: [
                clusterDns,
                api,
                ...backends.map(({ namespace, ports }) => ({ name: `to-${namespace}`, why: `Backends of the ingresses in ${namespace}.`, peers: [{ namespace }], ports: tcp(...ports) })),
              ],
            },
          } satisfies NamespacePlan,
        ]
      : []),
    ...when<NamespacePlan>(has("rook-ceph", "rook-ceph-cluster"), () => ({
      name: NAMESPACES.rookCeph,
      podSecurity: "privileged",
      podSecurityReason: "Ceph OSDs and the CSI plugins need privileged containers and host paths (spec).",
      access: {
        ingress: [
          withinNamespace("ingress"),
          { name: "ceph-from-nodes", why: "Kernel RBD/CephFS clients and the host-network CSI plugins reach the mons and OSDs from the nodes.", peers: [{ cidr: settings.nodeCidr }], ports: CEPH_PORTS },
          { name: "metrics-from-monitoring", why: "Prometheus scrapes the mgr and the Ceph exporter.", peers: [{ namespace: NAMESPACES.monitoring }], ports: tcp(9283, 9926) },
        ],
        egress: [clusterDns, api, withinNamespace("egress"), { name: "ceph-to-nodes", why: "Daemons on the host network (CSI) and peers on other nodes.", peers: [{ cidr: settings.nodeCidr }], ports: CEPH_PORTS }],
      },
    })),
    ...when<NamespacePlan>(has("kube-prometheus-stack", "loki", "thanos", "tempo", "alloy"), () => ({
      name: NAMESPACES.monitoring,
      podSecurity: "privileged",
      podSecurityReason: "node-exporter uses the host's network and PID namespaces and mounts its root file system.",
      access: {
        ingress: [
          withinNamespace("ingress"),
          ...when(ingress !== undefined && portsOf(NAMESPACES.monitoring).length > 0, () => fromIngressController(settings, portsOf(NAMESPACES.monitoring))),
          ...when<Allow>(has("newt"), () => ({ name: "from-newt", why: "The VPS Alloy pushes through the Newt tunnel (seed L4, path 2).", peers: [{ namespace: NAMESPACES.newt }], ports: tcp(BACKEND_PORTS.prometheus, BACKEND_PORTS.loki) })),
          { name: "otlp-from-cluster", why: "Workloads send traces to Alloy's OTLP receiver.", peers: [{ allNamespaces: true }], ports: tcp(BACKEND_PORTS.alloyOtlpGrpc, BACKEND_PORTS.alloyOtlpHttp) },
          webhookFromApiServer(settings.nodeCidr, 10250),
        ],
        egress: [
          clusterDns,
          api,
          withinNamespace("egress"),
          { name: "scrape-cluster", why: "Prometheus scrapes workloads in every namespace.", peers: [{ allNamespaces: true }] },
          { name: "scrape-nodes", why: "Prometheus scrapes the nodes' agents.", peers: [{ cidr: settings.nodeCidr }], ports: nodeScrapePorts(settings) },
          ...(objectStore ? [{ name: "object-store", why: "Loki, Tempo and Thanos keep their data in the S3 store.", peers: [{ cidr: `${objectStore.address}/32` }], ports: tcp(objectStore.port) }] : []),
        ],
      },
    })),
    ...when<NamespacePlan>(has("argo-cd"), () => ({
      name: NAMESPACES.argocd,
      podSecurity: "restricted",
      access: {
        ingress: [withinNamespace("ingress"), fromIngressController(settings, portsOf(NAMESPACES.argocd))],
        egress: [
          clusterDns,
          api,
          withinNamespace("egress"),
          { name: "git-and-oidc", why: "Git and Helm repositories (HTTPS, SSH) and the OIDC provider.", peers: [{ internet: true }], ports: tcp(443, 22) },
        ],
      },
    })),
    ...when<NamespacePlan>(has("newt"), () => ({
      name: NAMESPACES.newt,
      podSecurity: "baseline",
      podSecurityReason: "The newt chart's pod does not declare the seccomp profile restricted requires.",
      access: {
        ingress: [],
        egress: [
          clusterDns,
          { name: "pangolin", why: "The tunnel to the VPS: Pangolin's API over HTTPS and WireGuard to Gerbil.", peers: [{ internet: true }], ports: [{ port: 443 }, { port: 51820, protocol: "UDP" }, { port: 21820, protocol: "UDP" }] },
          ...when<Allow>(has("kube-prometheus-stack"), () => ({ name: "to-monitoring", why: "Private resources k8s-prometheus and k8s-loki (seed L4).", peers: [{ namespace: NAMESPACES.monitoring }], ports: tcp(BACKEND_PORTS.prometheus, BACKEND_PORTS.loki) })),
        ],
      },
    })),
  ];
}

/** A namespace the stack file declares for its custom releases, as a plan: its allow rules, the standard ones by name. */
export function customNamespace(name: string, spec: NamespaceSpec, nodeCidr: string): NamespacePlan {
  const allow = (rule: NamespaceSpec["ingress"][number], direction: "ingress" | "egress"): Allow => {
    if (rule === "dns") return clusterDns;
    if (rule === "kube-api") return kubeApi(nodeCidr);
    if (rule === "within-namespace") return withinNamespace(direction);
    return rule;
  };
  return {
    name,
    podSecurity: spec.podSecurity,
    ...(spec.podSecurityReason ? { podSecurityReason: spec.podSecurityReason } : {}),
    access: { ingress: spec.ingress.map((rule) => allow(rule, "ingress")), egress: spec.egress.map((rule) => allow(rule, "egress")) },
  };
}

