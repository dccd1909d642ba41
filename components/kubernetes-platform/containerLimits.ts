/**
 * A memory limit for the containers a chart renders without a values key for their
 * resources, so that every container the program configures is limited (the policy pack
 * checks each rendered workload). Plain functions over plain objects; HelmRelease applies
 * them to a chart's rendered objects as a Pulumi transform.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ContainerResources } from "./charts/common";

/** Where each pod-bearing kind keeps its pod spec. */
const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: ["spec"],
  ReplicationController: ["spec", "template", "spec"],
  Deployment: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

const CONTAINER_LISTS = ["containers", "initContainers", "ephemeralContainers"] as const;

type Dict = Record<string, unknown>;
const isDict = (value: unknown): value is Dict => typeof value === "object" && value !== null && !Array.isArray(value);

function hasMemoryLimit(container: Dict): boolean {
  const resources = container.resources;
  const limits = isDict(resources) ? resources.limits : undefined;
  return isDict(limits) && limits.memory !== undefined && limits.memory !== null && limits.memory !== "";
}

/**
 * A container without a memory limit gets the fallback's limit and memory request (replacing a
 * request of its own, which could exceed the limit); the rest of its resources stay.
 */
function limited(container: Dict, fallback: ContainerResources): Dict {
  const resources = isDict(container.resources) ? container.resources : {};
  const limits = isDict(resources.limits) ? resources.limits : {};
  const requests = isDict(resources.requests) ? resources.requests : {};
  const memoryRequest = fallback.requests?.memory;
  return {
    ...container,
    resources: {
      ...resources,
      limits: { ...limits, memory: fallback.limits.memory },
      ...(memoryRequest === undefined && Object.keys(requests).length === 0 ? {} : { requests: { ...requests, ...(memoryRequest === undefined ? {} : { memory: memoryRequest }) } }),
    },
  };
}

/**
 * The object with every container lacking a memory limit given the fallback, or undefined when
 * it is not a workload or nothing needed a limit (the object is never modified in place).
 */
export function withMemoryLimits(object: Dict, fallback: ContainerResources): Dict | undefined {
  const path = typeof object.kind === "string" ? POD_SPEC_PATHS[object.kind] : undefined;
  if (!path) return undefined;
  const podSpec = path.reduce<unknown>((at, key) => (isDict(at) ? at[key] : undefined), object);
  if (!isDict(podSpec)) return undefined;
  let changed = false;
  const newSpec: Dict = { ...podSpec };
  for (const list of CONTAINER_LISTS) {
    const containers = podSpec[list];
    if (!Array.isArray(containers)) continue;
    newSpec[list] = containers.map((container: unknown) => {
      if (!isDict(container) || hasMemoryLimit(container)) return container;
      changed = true;
      return limited(container, fallback);
    });
  }
  if (!changed) return undefined;
  return replaceAt(object, path, newSpec);
}

function replaceAt(object: Dict, path: string[], value: Dict): Dict {
  const [key, ...rest] = path;
  if (rest.length === 0) return { ...object, [key]: value };
  return { ...object, [key]: replaceAt(object[key] as Dict, rest, value) };
}

/**
 * The transform HelmRelease gives a chart: each rendered Kubernetes workload whose containers
 * lack a memory limit gets the fallback's. Under a real engine it runs for every object the
 * chart registers, before the policy pack sees it.
 */
export function memoryLimitTransform(fallback: ContainerResources): pulumi.ResourceTransform {
  return (args) => {
    if (!args.type.startsWith("kubernetes:")) return undefined;
    const props = withMemoryLimits(args.props as Dict, fallback);
    return props === undefined ? undefined : { props, opts: args.opts };
  };
}
