/**
 * Kubernetes objects as Pulumi registers them (`kubernetes:<group>/<version>:<Kind>`, inputs
 * `{apiVersion, kind, metadata, spec}`): where a workload keeps its pod template, which
 * namespace an object lands in, and the memory-limit rule for every container of a pod.
 */
import { parseQuantity } from "./quantity";
import { at, describe, isRecord, stringOf, type Dict } from "./values";

export interface KubernetesType {
  group: string;
  version: string;
  kind: string;
}

/** `kubernetes:apps/v1:Deployment` -> {apps, v1, Deployment}; the core group is `core`. */
export function parseKubernetesType(type: string): KubernetesType | undefined {
  const match = /^kubernetes:([^/:]+)\/([^:]+):(.+)$/.exec(type);
  return match ? { group: match[1], version: match[2], kind: match[3] } : undefined;
}

/** The Pulumi type token of a manifest's `apiVersion` and `kind`. */
export function kubernetesTypeToken(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/", 2) : ["core", apiVersion];
  return `kubernetes:${group}/${version}:${kind}`;
}

/** Pod-bearing kinds, the API groups they are served from (any version), and where their pod template is. */
const WORKLOADS: Record<string, { groups: string[]; template: string[] }> = {
  Pod: { groups: ["core"], template: [] },
  ReplicationController: { groups: ["core"], template: ["spec", "template"] },
  Deployment: { groups: ["apps", "extensions"], template: ["spec", "template"] },
  ReplicaSet: { groups: ["apps", "extensions"], template: ["spec", "template"] },
  DaemonSet: { groups: ["apps", "extensions"], template: ["spec", "template"] },
  StatefulSet: { groups: ["apps"], template: ["spec", "template"] },
  Job: { groups: ["batch"], template: ["spec", "template"] },
  CronJob: { groups: ["batch"], template: ["spec", "jobTemplate", "spec", "template"] },
  // OpenShift's Deployment; kube-linter's fixtures use it, and it is one line to cover.
  DeploymentConfig: { groups: ["apps.openshift.io"], template: ["spec", "template"] },
};

export function isWorkloadType(type: string): boolean {
  const parsed = parseKubernetesType(type);
  return parsed !== undefined && (WORKLOADS[parsed.kind]?.groups.includes(parsed.group) ?? false);
}

export interface PodTemplate {
  /** Where the pod spec is, for messages: `spec.jobTemplate.spec.template.spec`. */
  specPath: string;
  spec: Dict;
  labels: Record<string, string>;
}

export type PodTemplateResult = { ok: true; template: PodTemplate } | { ok: false; problem: string };

function labelsOf(metadata: unknown): Record<string, string> {
  const labels = at(metadata, "labels");
  if (!isRecord(labels)) return {};
  return Object.fromEntries(Object.entries(labels).flatMap(([key, value]) => (typeof value === "string" ? [[key, value]] : [])));
}

/** The pod template of a workload; a problem when the object has none where its kind keeps it. */
export function podTemplateOf(type: string, props: Dict): PodTemplateResult {
  const kind = parseKubernetesType(type)?.kind ?? "";
  const path = WORKLOADS[kind]?.template ?? [];
  const template = path.length === 0 ? props : at(props, ...path);
  const specPath = [...path, "spec"].join(".");
  if (!isRecord(template)) return { ok: false, problem: `${path.join(".")} is ${describe(template)}, expected a pod template` };
  const spec = template.spec;
  if (!isRecord(spec)) return { ok: false, problem: `${specPath} is ${describe(spec)}, expected a pod spec` };
  return { ok: true, template: { specPath, spec, labels: labelsOf(template.metadata) } };
}

export function objectNameOf(props: Dict, fallback: string): string {
  return stringOf(at(props, "metadata", "name")) || fallback;
}

/** Where a namespaced object lands: its own namespace, else its provider's default, else `default`. */
export function namespaceOf(props: Dict, providerProps?: Dict): string {
  return stringOf(at(props, "metadata", "namespace")) || stringOf(providerProps?.namespace) || "default";
}

/** `namespace/name`, how allow-lists and messages name a workload. */
export function workloadIdOf(props: Dict, fallbackName: string, providerProps?: Dict): string {
  return `${namespaceOf(props, providerProps)}/${objectNameOf(props, fallbackName)}`;
}

const CONTAINER_LISTS = ["containers", "initContainers", "ephemeralContainers"] as const;

interface PodContainer {
  /** e.g. `spec.initContainers[0] "busybox"`. */
  where: string;
  value: unknown;
}

/** Every entry of containers, initContainers and ephemeralContainers; problems for lists that are not lists. */
function podContainers(spec: Dict, specPath: string): { containers: PodContainer[]; problems: string[] } {
  const containers: PodContainer[] = [];
  const problems: string[] = [];
  for (const list of CONTAINER_LISTS) {
    const value = spec[list];
    if (value === undefined) continue;
    if (!Array.isArray(value)) {
      problems.push(`${specPath}.${list} is ${describe(value)}, expected a list of containers`);
      continue;
    }
    value.forEach((container: unknown, index) => {
      const name = stringOf(at(container, "name"));
      containers.push({ where: `${specPath}.${list}[${index}]${name ? ` "${name}"` : ""}`, value: container });
    });
  }
  if (spec.containers === undefined) problems.push(`${specPath}.containers is missing`);
  return { containers, problems };
}

function mapProblem(where: string, field: string, value: unknown): string | undefined {
  return value === undefined || isRecord(value) ? undefined : `${where}: ${field} is ${describe(value)}, expected a map`;
}

/** Why one container's memory limit is not a positive quantity, or undefined when it is. */
export function containerMemoryProblem(where: string, container: unknown): string | undefined {
  if (!isRecord(container)) return `${where} is ${describe(container)}, expected a container`;
  const resources = container.resources;
  if (resources === undefined) return `${where} has no resources.limits.memory`;
  const malformed = mapProblem(where, "resources", resources)
    ?? mapProblem(where, "resources.limits", at(resources, "limits"))
    ?? mapProblem(where, "resources.requests", at(resources, "requests"));
  if (malformed) return malformed;
  const memory = at(resources, "limits", "memory");
  if (memory === undefined || memory === null) return `${where} has no resources.limits.memory`;
  if (typeof memory !== "string" && typeof memory !== "number") return `${where}: resources.limits.memory is ${describe(memory)}, expected a quantity such as 256Mi`;
  const quantity = parseQuantity(memory);
  if (!quantity.ok) return `${where}: resources.limits.memory ${quantity.reason}`;
  if (quantity.value <= 0) return `${where}: resources.limits.memory is ${JSON.stringify(memory)}, which is not positive`;
  return undefined;
}

/** One message per container (or malformed container list) without a positive memory limit. */
export function memoryLimitProblems(template: PodTemplate): string[] {
  const { containers, problems } = podContainers(template.spec, template.specPath);
  return [...problems, ...containers.flatMap(({ where, value }) => containerMemoryProblem(where, value) ?? [])];
}

/** Host paths mounted into the pod (`volumes[].hostPath.path`). */
export function hostPathsOf(template: PodTemplate): string[] {
  const volumes = template.spec.volumes;
  if (!Array.isArray(volumes)) return [];
  return volumes.flatMap((volume: unknown) => stringOf(at(volume, "hostPath", "path")) ?? []);
}
