/**
 * Policies on Kubernetes objects, whether the program declares them directly or a Helm
 * release renders them: memory limits on every container, default-deny namespaces.
 */
import type { Policies } from "@pulumi/policy";
import { resourcePolicy, stackPolicy, type Finding } from "./framework";
import { NAMESPACE_TYPE, defaultDenyNamespaces, workloadIsolation, type WorkloadIsolation } from "./kubernetes-network-policies";
import { isWorkloadType, memoryLimitProblems, objectNameOf, parseKubernetesType, podTemplateOf, workloadIdOf } from "./kubernetes-workloads";

const DEFAULT_DENY_SHAPE = "podSelector: {}, policyTypes: [Ingress, Egress], no allow-all rule";

const memoryLimits = resourcePolicy({
  name: "kubernetes-memory-limits",
  description: "Every container of a workload (containers, initContainers, ephemeralContainers) has resources.limits.memory, a positive Kubernetes quantity.",
  severity: "medium",
  remediationSteps: "Set resources.limits.memory (e.g. 256Mi) on every container; for a Helm release, through the chart's values.",
  settings: {},
  appliesTo: isWorkloadType,
  check(resource) {
    const kind = parseKubernetesType(resource.type)?.kind ?? "Workload";
    const workload = `${kind} ${workloadIdOf(resource.props, resource.name, resource.provider?.props)}`;
    const template = podTemplateOf(resource.type, resource.props);
    const problems = template.ok ? memoryLimitProblems(template.template) : [template.problem];
    return problems.map((problem) => ({
      message: `${workload}: ${problem}.`,
      fix: `Give every container of ${workload} a resources map with limits.memory set to a positive quantity such as 256Mi.`,
    }));
  },
});

const namespaceDefaultDeny = stackPolicy({
  name: "kubernetes-namespace-default-deny",
  description: `Every Namespace the program creates has a default-deny NetworkPolicy (${DEFAULT_DENY_SHAPE}).`,
  severity: "high",
  remediationSteps: "Create a default-deny NetworkPolicy in the namespace, then allow what its workloads need with narrower policies.",
  settings: {},
  check(resources) {
    const denying = defaultDenyNamespaces(resources);
    return resources.filter((resource) => resource.type === NAMESPACE_TYPE).flatMap((resource): Finding[] => {
      const namespace = objectNameOf(resource.props, resource.name);
      if (denying.has(namespace)) return [];
      return [{
        message: `Namespace ${namespace} has no default-deny NetworkPolicy (${DEFAULT_DENY_SHAPE}).`,
        fix: `Create a NetworkPolicy in ${namespace} with ${DEFAULT_DENY_SHAPE}, then allow the traffic its workloads need with narrower policies.`,
        urn: resource.urn,
        subjects: [namespace],
      }];
    });
  },
});

function workloadFinding(isolation: WorkloadIsolation): Finding {
  const { resource, workload, namespace, selectedBy } = isolation;
  const kind = parseKubernetesType(resource.type)?.kind ?? "Workload";
  const selected = selectedBy.length === 0 ? "no NetworkPolicy selects its pods" : `its pods are selected only by ${selectedBy.join(", ")}`;
  return {
    message: `${kind} ${workload} runs in namespace ${namespace}, which has no default-deny NetworkPolicy; ${selected}.`,
    fix: `Add a default-deny NetworkPolicy (${DEFAULT_DENY_SHAPE}) to ${namespace}, or deploy ${workload} into a namespace that has one.`,
    urn: resource.urn,
    subjects: [workload],
  };
}

const workloadNamespaceDefaultDeny = stackPolicy({
  name: "kubernetes-workload-namespace-default-deny",
  description: "No pod controller lands in a namespace without a default-deny NetworkPolicy, including namespaces the program does not create (default, kube-system).",
  severity: "high",
  remediationSteps: "Add a default-deny NetworkPolicy to the workload's namespace, or move the workload to a namespace that has one.",
  settings: {},
  check: (resources) => workloadIsolation(resources).filter((isolation) => !isolation.namespaceDenies).map(workloadFinding),
});

export const kubernetesPolicies: Policies = [memoryLimits, namespaceDefaultDeny, workloadNamespaceDefaultDeny];
