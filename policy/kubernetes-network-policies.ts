/**
 * NetworkPolicy semantics the namespace rules need: does a policy deny all traffic by
 * default, which pods does it select, and which workloads are left without either.
 */
import type { ResourceView } from "./resource-view";
import { isWorkloadType, namespaceOf, objectNameOf, parseKubernetesType, podTemplateOf, workloadIdOf } from "./kubernetes-workloads";
import { at, isRecord, records, stringOf } from "./values";

const WORLD = new Set(["0.0.0.0/0", "::/0"]);

function isEmptySelector(selector: unknown): boolean {
  if (!isRecord(selector)) return false;
  const labels = selector.matchLabels;
  const expressions = selector.matchExpressions;
  const noLabels = labels === undefined || labels === null || (isRecord(labels) && Object.keys(labels).length === 0);
  const noExpressions = expressions === undefined || expressions === null || (Array.isArray(expressions) && expressions.length === 0);
  return noLabels && noExpressions;
}

/** A peer that stands for everyone: the whole internet, or every pod of every namespace. */
function isEveryone(peer: Record<string, unknown>): boolean {
  const cidr = stringOf(at(peer, "ipBlock", "cidr"));
  const except = at(peer, "ipBlock", "except");
  if (cidr && WORLD.has(cidr)) return !Array.isArray(except) || except.length === 0;
  return isEmptySelector(peer.namespaceSelector) && (peer.podSelector === undefined || isEmptySelector(peer.podSelector));
}

/** A rule with no port restriction whose peers are absent (everyone) or include everyone. */
function allowsEverything(rule: unknown, peersKey: "from" | "to"): boolean {
  if (!isRecord(rule)) return false;
  const ports = rule.ports;
  if (Array.isArray(ports) && ports.length > 0) return false;
  const peers = rule[peersKey];
  if (!Array.isArray(peers) || peers.length === 0) return true;
  return records(peers).some(isEveryone);
}

/**
 * Default deny: selects every pod (`podSelector: {}`), declares both policy types, and no
 * rule opens everything again. Narrow allow rules (DNS on port 53, say) may stay.
 */
export function isDefaultDeny(spec: unknown): boolean {
  if (!isRecord(spec) || !isEmptySelector(spec.podSelector)) return false;
  const types = Array.isArray(spec.policyTypes) ? spec.policyTypes : [];
  if (!types.includes("Ingress") || !types.includes("Egress")) return false;
  const ingress = Array.isArray(spec.ingress) ? spec.ingress : [];
  const egress = Array.isArray(spec.egress) ? spec.egress : [];
  return !ingress.some((rule: unknown) => allowsEverything(rule, "from")) && !egress.some((rule: unknown) => allowsEverything(rule, "to"));
}

function expressionMatches(expression: Record<string, unknown>, labels: Record<string, string>): boolean {
  const key = stringOf(expression.key) ?? "";
  const values = Array.isArray(expression.values) ? expression.values : [];
  switch (expression.operator) {
    case "In":
      return key in labels && values.includes(labels[key]);
    case "NotIn":
      return !(key in labels) || !values.includes(labels[key]);
    case "Exists":
      return key in labels;
    case "DoesNotExist":
      return !(key in labels);
    default:
      return false;
  }
}

/** Whether a LabelSelector selects a pod with these labels (`{}` selects every pod). */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  if (!isRecord(selector)) return false;
  const matchLabels = isRecord(selector.matchLabels) ? selector.matchLabels : {};
  const labelsMatch = Object.entries(matchLabels).every(([key, value]) => labels[key] === value);
  return labelsMatch && records(selector.matchExpressions).every((expression) => expressionMatches(expression, labels));
}

export const NAMESPACE_TYPE = "kubernetes:core/v1:Namespace";

interface NetworkPolicyView {
  name: string;
  namespace: string;
  spec: unknown;
}

function networkPoliciesOf(resources: readonly ResourceView[]): NetworkPolicyView[] {
  return resources.flatMap((resource) => {
    const type = parseKubernetesType(resource.type);
    if (type?.group !== "networking.k8s.io" || type.kind !== "NetworkPolicy") return [];
    const { props } = resource;
    return [{ name: objectNameOf(props, resource.name), namespace: namespaceOf(props, resource.provider?.props), spec: props.spec }];
  });
}

/** The policy types a NetworkPolicy enforces, with Kubernetes' defaults when it lists none. */
function policyTypesOf(spec: unknown): string[] {
  const declared = at(spec, "policyTypes");
  if (Array.isArray(declared)) return declared.filter((type): type is string => typeof type === "string");
  return at(spec, "egress") === undefined ? ["Ingress"] : ["Ingress", "Egress"];
}

export interface WorkloadIsolation {
  resource: ResourceView;
  /** `namespace/name`. */
  workload: string;
  namespace: string;
  /** Whether the namespace has a default-deny NetworkPolicy. */
  namespaceDenies: boolean;
  /** NetworkPolicies of the namespace that select the workload's pods, as `name (Ingress, Egress)`. */
  selectedBy: string[];
}

/** Namespaces that hold a default-deny NetworkPolicy. */
export function defaultDenyNamespaces(resources: readonly ResourceView[]): Set<string> {
  return new Set(networkPoliciesOf(resources).filter((policy) => isDefaultDeny(policy.spec)).map((policy) => policy.namespace));
}

/**
 * For each workload with a readable pod template: does its namespace deny by default, and
 * which NetworkPolicies select its pods (kube-linter's and Kyverno's notion of "isolated").
 */
export function workloadIsolation(resources: readonly ResourceView[]): WorkloadIsolation[] {
  const policies = networkPoliciesOf(resources);
  const denying = defaultDenyNamespaces(resources);
  return resources.flatMap((resource) => {
    if (!isWorkloadType(resource.type)) return [];
    const template = podTemplateOf(resource.type, resource.props);
    if (!template.ok) return [];
    const namespace = namespaceOf(resource.props, resource.provider?.props);
    const selectedBy = policies
      .filter((policy) => policy.namespace === namespace && selectorMatches(at(policy.spec, "podSelector"), template.template.labels))
      .map((policy) => `${policy.name} (${policyTypesOf(policy.spec).join(", ")})`);
    const workload = workloadIdOf(resource.props, resource.name, resource.provider?.props);
    return [{ resource, workload, namespace, namespaceDenies: denying.has(namespace), selectedBy }];
  });
}
