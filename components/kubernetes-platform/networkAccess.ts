/**
 * What a namespace's pods may send and receive, as data, and the NetworkPolicies that
 * say it: one default-deny policy for the whole namespace (ingress and egress) and one
 * policy per allowance, named and annotated with why it exists. Plain objects; no Pulumi.
 */

/** Who is on the other side of a connection. */
export type Peer =
  | { namespace: string }
  | { sameNamespace: true }
  | { allNamespaces: true }
  | { cidr: string }
  /** The internet: anything but private, loopback and link-local ranges. */
  | { internet: true }
  /** CoreDNS in kube-system. */
  | { clusterDns: true };

export interface PortRange {
  port: number;
  /** Last port of a range (inclusive). */
  endPort?: number;
  protocol?: "TCP" | "UDP";
}

/** One allowance: traffic from (ingress) or to (egress) these peers, on these ports (all ports when left out). */
export interface Allow {
  /** Becomes the policy name `allow-<name>`: a DNS label. */
  name: string;
  why: string;
  peers: Peer[];
  ports?: PortRange[];
}

export interface NamespaceAccess {
  ingress: Allow[];
  egress: Allow[];
}

export interface NetworkPolicyManifest {
  apiVersion: "networking.k8s.io/v1";
  kind: "NetworkPolicy";
  metadata: { name: string; namespace: string; annotations?: Record<string, string> };
  spec: {
    podSelector: Record<string, never>;
    policyTypes: ("Ingress" | "Egress")[];
    ingress?: Record<string, unknown>[];
    egress?: Record<string, unknown>[];
  };
}

export const REASON_ANNOTATION = "homeops.io/why";
const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "127.0.0.0/8"];

/** Selects every pod and allows nothing: what the namespace starts from. */
export function defaultDenyPolicy(namespace: string): NetworkPolicyManifest {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "default-deny", namespace, annotations: { [REASON_ANNOTATION]: "Nothing in or out unless an allow-* policy says so." } },
    spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
  };
}

function peerOf(peer: Peer): Record<string, unknown> {
  if ("namespace" in peer) return { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": peer.namespace } } };
  if ("sameNamespace" in peer) return { podSelector: {} };
  if ("allNamespaces" in peer) return { namespaceSelector: {} };
  if ("cidr" in peer) return { ipBlock: { cidr: peer.cidr } };
  if ("internet" in peer) return { ipBlock: { cidr: "0.0.0.0/0", except: PRIVATE_RANGES } };
  return { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } };
}

function rule(allow: Allow, direction: "from" | "to"): Record<string, unknown> {
  const ports = allow.ports?.map(({ port, endPort, protocol }) => ({ protocol: protocol ?? "TCP", port, ...(endPort === undefined ? {} : { endPort }) }));
  return { [direction]: allow.peers.map(peerOf), ...(ports ? { ports } : {}) };
}

function allowPolicy(namespace: string, allow: Allow, direction: "Ingress" | "Egress"): NetworkPolicyManifest {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: `allow-${allow.name}`, namespace, annotations: { [REASON_ANNOTATION]: allow.why } },
    spec:
      direction === "Ingress"
        ? { podSelector: {}, policyTypes: ["Ingress"], ingress: [rule(allow, "from")] }
        : { podSelector: {}, policyTypes: ["Egress"], egress: [rule(allow, "to")] },
  };
}

/** The default-deny policy first, then one policy per allowance. Names must be unique in the namespace. */
export function networkPolicies(namespace: string, access: NamespaceAccess): NetworkPolicyManifest[] {
  const policies = [
    defaultDenyPolicy(namespace),
    ...access.ingress.map((allow) => allowPolicy(namespace, allow, "Ingress")),
    ...access.egress.map((allow) => allowPolicy(namespace, allow, "Egress")),
  ];
  const names = policies.map((policy) => policy.metadata.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate) throw new Error(`namespace ${namespace} declares the NetworkPolicy ${duplicate} twice`);
  return policies;
}

/**
 * Allowances every namespace of the platform needs. Name resolution: CoreDNS's pods in
 * kube-system, on 53. Pods address the `kube-dns` Service; the CNI translates that to a
 * CoreDNS pod before policy applies (Cilium at the socket or in its datapath), so the peer is
 * the pods, not the Service address.
 */
export const clusterDns: Allow = { name: "dns", why: "Name resolution through CoreDNS.", peers: [{ clusterDns: true }], ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }] };

/**
 * Controllers and operators talk to the API server; behind the `kubernetes` Service it is the
 * control planes' :6443, on the nodes' network. Cilium matches node addresses by ipBlock only
 * with `policyCIDRMatchMode: [nodes]`, which its values set (charts/cilium.ts).
 */
export function kubeApi(nodeCidr: string): Allow {
  return { name: "kube-api", why: "Controllers watch and write the Kubernetes API (control planes, :6443).", peers: [{ cidr: nodeCidr }], ports: [{ port: 6443 }] };
}

/** Admission webhooks are called by the API server, which runs on the nodes' network (see kubeApi for Cilium). */
export function webhookFromApiServer(nodeCidr: string, port: number): Allow {
  return { name: "webhook", why: `The API server calls the admission webhook on :${port}.`, peers: [{ cidr: nodeCidr }], ports: [{ port }] };
}

/** Pods of the namespace reach each other (multi-component charts). */
export function withinNamespace(direction: "ingress" | "egress"): Allow {
  return { name: `${direction}-within-namespace`, why: "The chart's components talk to each other.", peers: [{ sameNamespace: true }] };
}
