/**
 * Synthetic estates for the policy benchmarks: a recorded plan replicated across many
 * Docker hosts (for the whole pack), and one Docker host of any size (for the reachability
 * policy), both labelled as the program labels what it registers.
 */
import { joinNamespace } from "../../policy/contract/docker";
import { LABELS, TRUST_ZONES } from "../../policy/contract/labels";
import type { PackConfig } from "../../policy/config";
import { CONTAINER_TYPE } from "../../policy/docker-inputs";
import type { ResourceView } from "../../policy/resource-view";
import type { Plan, PlannedResource } from "../../policy/contract/plan";

const STACK_TYPE = "pulumi:pulumi:Stack";

/** The Docker hosts a plan's containers and networks are labelled with. */
export function labelledHosts(plan: Plan): string[] {
  const hosts = new Set<string>();
  for (const resource of plan.resources) {
    const labels = resource.inputs.labels;
    if (!Array.isArray(labels)) continue;
    for (const entry of labels as { label?: unknown; value?: unknown }[]) {
      if (entry.label === LABELS.host && typeof entry.value === "string") hosts.add(entry.value);
    }
  }
  return [...hosts].sort();
}

/** `urn:...::name` with the name part changed. */
function renameUrn(urn: string, suffix: string): string {
  const at = urn.lastIndexOf("::");
  return `${urn.slice(0, at + 2)}${urn.slice(at + 2)}${suffix}`;
}

function mapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === "string") return map(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, mapStrings(inner, map)]));
}

/**
 * Copy `index` of a plan: every resource but the Stack renamed with a suffix, every
 * reference to a renamed URN followed, and every Docker host label moved to a host of its
 * own, so that each copy is a separate set of hosts as far as the policies can tell.
 */
function copyOf(plan: Plan, index: number, hosts: ReadonlySet<string>): PlannedResource[] {
  const suffix = `-c${index}`;
  const renamed = new Map<string, string>();
  for (const resource of plan.resources) {
    if (resource.type !== STACK_TYPE) renamed.set(resource.urn, renameUrn(resource.urn, suffix));
  }
  const urn = (reference: string) => renamed.get(reference) ?? reference;
  return plan.resources
    .filter((resource) => resource.type !== STACK_TYPE)
    .map((resource) => ({
      ...resource,
      urn: urn(resource.urn),
      name: `${resource.name}${suffix}`,
      parent: urn(resource.parent),
      provider: urn(resource.provider),
      dependencies: resource.dependencies.map(urn),
      propertyDependencies: Object.fromEntries(Object.entries(resource.propertyDependencies).map(([key, urns]) => [key, urns.map(urn)])),
      inputs: mapStrings(resource.inputs, (text) => (hosts.has(text) ? `${text}${suffix}` : urn(text))) as Record<string, unknown>,
    }));
}

/** The plan repeated until it holds at least `target` resources; each copy on hosts of its own. */
export function replicatePlan(plan: Plan, target: number): { plan: Plan; copies: number } {
  const hosts = new Set(labelledHosts(plan));
  const perCopy = plan.resources.filter((resource) => resource.type !== STACK_TYPE).length;
  const copies = Math.max(1, Math.ceil((target - 1) / perCopy));
  const stack = plan.resources.filter((resource) => resource.type === STACK_TYPE);
  const resources = [...stack];
  for (let index = 0; index < copies; index++) resources.push(...copyOf(plan, index, hosts));
  return { plan: { ...plan, resources }, copies };
}

/**
 * The pack configuration for the replicated plan: wherever the original configuration is
 * keyed by a Docker host (allowed ports, capacities), each copy's host gets the same entry.
 */
export function replicateConfig(config: PackConfig, hosts: readonly string[], copies: number): PackConfig {
  const known = new Set(hosts);
  const widen = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(widen);
    if (value === null || typeof value !== "object") return value;
    const entries = Object.entries(value).map(([key, inner]) => [key, widen(inner)] as const);
    const copied = entries.flatMap(([key, inner]) => (known.has(key) ? Array.from({ length: copies }, (_, index) => [`${key}-c${index}`, inner] as const) : []));
    return Object.fromEntries([...entries.filter(([key]) => !known.has(key)), ...copied]);
  };
  return widen(config) as PackConfig;
}

export interface SyntheticHost {
  resources: ResourceView[];
  containers: number;
  /** Network attachments, counting those a container shares through another's namespace. */
  memberships: number;
}

/**
 * One block of ten containers: zone, networks (local to the block: a, b, c; `shared` is one
 * network across all blocks) or network mode, whether it publishes a public port, and whom
 * it allows in. Every pattern the policy judges is in each block: protected containers that
 * share a network with internet-facing ones (allowed and not), a shared namespace, host
 * networking, a public port.
 */
const BLOCK: { zone: (typeof TRUST_ZONES)[number]; networks?: string[]; mode?: "host"; joins?: number; publishes?: boolean; allows?: number }[] = [
  { zone: "edge", networks: ["a", "shared"], publishes: true },
  { zone: "tunnel", networks: ["a", "b"] },
  { zone: "identity", networks: ["b"], allows: 0 },
  { zone: "management", networks: ["b", "c"] },
  { zone: "observability", mode: "host" },
  { zone: "app", networks: ["c"] },
  { zone: "data", networks: ["a", "c"] },
  { zone: "tunnel", joins: 6 },
  { zone: "identity", networks: ["a"] },
  { zone: "edge", mode: "host" },
];

/**
 * One Docker host of `containers` containers, labelled as the program labels them, made of
 * blocks of ten alike (see BLOCK): the host's shape is the same at every size, so that a
 * policy's time can be compared across sizes.
 */
export function syntheticHost(containers: number, host = "bench-host"): SyntheticHost {
  const resources: ResourceView[] = [];
  const provider = { name: host, props: { host: `ssh://root@${host}:22` } };
  let memberships = 0;
  for (let index = 0; index < containers; index++) {
    const block = Math.floor(index / BLOCK.length);
    const spec = BLOCK[index % BLOCK.length];
    const nameOf = (position: number) => `c${block}-${position}`;
    const name = nameOf(index % BLOCK.length);
    const networkName = (network: string) => (network === "shared" ? "shared" : `net-${block}-${network}`);
    const labels: { label: string; value: string }[] = [
      { label: LABELS.host, value: host },
      { label: LABELS.stack, value: `stack-${block}` },
      { label: LABELS.zone, value: spec.zone },
    ];
    if (spec.allows !== undefined) labels.push({ label: LABELS.reachableFrom, value: nameOf(spec.allows) });
    const props: Record<string, unknown> = { name, memory: 64, labels };
    if (spec.networks) {
      props.networkMode = networkName(spec.networks[0]);
      props.networksAdvanced = spec.networks.map((network) => ({ name: networkName(network), aliases: [name] }));
      memberships += spec.networks.length;
    } else if (spec.joins !== undefined) {
      props.networkMode = joinNamespace(nameOf(spec.joins));
      memberships += BLOCK[spec.joins].networks?.length ?? 0;
    } else if (spec.mode) {
      props.networkMode = spec.mode;
    }
    if (spec.publishes) props.ports = [{ internal: 443, external: 10_000 + block, ip: "0.0.0.0", protocol: "tcp" }];
    resources.push({ type: CONTAINER_TYPE, name: `${host}/${name}`, urn: `urn:pulumi:bench::homeops::${CONTAINER_TYPE}::${host}/${name}`, props, provider });
  }
  return { resources, containers, memberships };
}
