/**
 * The Docker side of a recorded plan, per host: its networks and containers, read from the
 * resource inputs with the policy pack's own readers, so that the diagrams show exactly what
 * the isolation policies reason about.
 */
import { LABELS } from "../../policy/contract/labels";
import { CONTAINER_TYPE, NETWORK_TYPE, readContainer, readNetwork } from "../../policy/docker-inputs";
import { analyzeHost, type ContainerNode, type HostReachability } from "../../policy/reachability";
import { viewOfPlanned } from "../../policy/resource-view";
import type { Plan, PlannedResource } from "../../policy/contract/plan";

export interface HostNetwork {
  name: string;
  /** Absent for a network the containers join but the plan does not create (Docker's `bridge`, an external one). */
  urn?: string;
  internal: boolean;
  isolatedFromHost: boolean;
}

export interface HostContainer {
  urn: string;
  name: string;
  /** The homeops stack (`homeops.stack` label); "" when the container carries none. */
  stack: string;
  node: ContainerNode;
  /** The memory limit in MB, when the container declares a usable one. */
  memoryMb?: number;
  /** URNs of the Docker networks and containers it is created after (its recorded dependencies). */
  after: string[];
}

export interface DockerHost {
  name: string;
  /** In the order the containers first join them, then the created networks no container joins. */
  networks: HostNetwork[];
  /** In the order `pulumi preview` lists them: stack by stack, as the configuration declares them. */
  containers: HostContainer[];
}


function positiveNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** Networks in the order the containers, in order, first join them (the seed's matrix reads that way). */
function networksInJoinOrder(created: HostNetwork[], containers: HostContainer[]): HostNetwork[] {
  const joined = [...new Set(containers.flatMap((container) => container.node.networks))];
  const byName = new Map(created.map((network) => [network.name, network]));
  const unjoined = created.filter((network) => !joined.includes(network.name));
  return [...joined.map((name) => byName.get(name) ?? { name, internal: false, isolatedFromHost: false }), ...unjoined];
}

/**
 * The resources depth-first through the resource tree, siblings in registration order: how
 * `pulumi preview` lists them. The flat registration order interleaves stacks, because a
 * resource is recorded when its inputs resolve.
 */
function inTreeOrder(resources: readonly PlannedResource[]): PlannedResource[] {
  const children = new Map<string, PlannedResource[]>();
  for (const resource of resources) children.set(resource.parent, [...(children.get(resource.parent) ?? []), resource]);
  const ordered: PlannedResource[] = [];
  const walk = (parent: string) => {
    for (const child of children.get(parent) ?? []) {
      ordered.push(child);
      walk(child.urn);
    }
  };
  walk("");
  return ordered;
}

export function dockerHostsOf(plan: Plan): DockerHost[] {
  const byUrn = new Map(plan.resources.map((resource) => [resource.urn, resource]));
  const hosts = new Map<string, { networks: HostNetwork[]; containers: HostContainer[] }>();
  const hostNamed = (name: string) => {
    const known = hosts.get(name);
    if (known) return known;
    const created = { networks: [], containers: [] };
    hosts.set(name, created);
    return created;
  };
  const dockerUrns = new Set(plan.resources.filter((r) => r.type === CONTAINER_TYPE || r.type === NETWORK_TYPE).map((r) => r.urn));
  for (const resource of inTreeOrder(plan.resources)) {
    if (resource.type === NETWORK_TYPE) {
      const network = readNetwork(viewOfPlanned(resource, byUrn));
      hostNamed(network.host).networks.push({ urn: network.urn, name: network.name, internal: network.internal, isolatedFromHost: network.isolatedFromHost });
    } else if (resource.type === CONTAINER_TYPE) {
      const container = readContainer(viewOfPlanned(resource, byUrn));
      hostNamed(container.host).containers.push({
        urn: container.urn,
        name: container.node.name,
        stack: container.labels.get(LABELS.stack) ?? "",
        node: container.node,
        memoryMb: positiveNumber(container.memory),
        after: resource.dependencies.filter((urn) => dockerUrns.has(urn)),
      });
    }
  }
  return [...hosts].map(([name, { networks, containers }]) => ({ name, networks: networksInJoinOrder(networks, containers), containers }));
}

/** Who reaches whom on a host, by the policy pack's own model. */
export function reachabilityOf(host: DockerHost): HostReachability {
  const isolated = new Set(host.networks.filter((network) => network.isolatedFromHost).map((network) => network.name));
  return analyzeHost(host.name, host.containers.map((container) => container.node), isolated);
}
