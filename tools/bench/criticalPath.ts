import type { PlannedResource } from "../../policy/contract/plan";

/** Why a resource waits for another before Pulumi registers (and so creates) it. */
export type EdgeKind =
  /** An input of the resource is an output of the other (a property dependency). */
  | "data"
  /** `dependsOn`, with no data flowing. */
  | "explicit"
  /** The Node SDK registers a child only once its parent's URN is known. */
  | "parent"
  /** A custom resource is registered once its provider's URN and id are known. */
  | "provider";

export interface Edge {
  from: string;
  to: string;
  kind: EdgeKind;
}

/**
 * The edges the Node SDK and the engine wait on, from a recorded plan: every dependency
 * (data or `dependsOn`), the provider, and the parent. A parent is an edge because the SDK
 * awaits the parent's URN before it sends a child's registration; for a component that URN
 * comes back at once, unless the component itself waits on a `dependsOn`, so parent edges
 * cost nothing except where a component has been made to wait. Creation order between a
 * parent and its custom children is otherwise not imposed by the engine.
 */
export function waitEdges(resources: readonly PlannedResource[]): Edge[] {
  const known = new Set(resources.map((resource) => resource.urn));
  const edges: Edge[] = [];
  for (const resource of resources) {
    const data = new Set(Object.values(resource.propertyDependencies).flat());
    for (const dependency of resource.dependencies) {
      if (known.has(dependency)) edges.push({ from: resource.urn, to: dependency, kind: data.has(dependency) ? "data" : "explicit" });
    }
    if (resource.provider && known.has(resource.provider)) edges.push({ from: resource.urn, to: resource.provider, kind: "provider" });
    if (resource.parent && known.has(resource.parent)) edges.push({ from: resource.urn, to: resource.parent, kind: "parent" });
  }
  return edges;
}

export interface CriticalPath {
  /** Weighted length: how many timed creates lie on the longest chain of waits. */
  length: number;
  /** The chain, first created first; `via` is the edge by which a step waits on the one before it. */
  chain: { resource: PlannedResource; via?: EdgeKind; timed: boolean }[];
}

/**
 * The longest chain of waits, counting only the resources whose creation takes time
 * (`isTimed`: in the simulation, the creates that are delayed). Resources outside the plan
 * (e.g. StackReference reads) are ignored.
 */
export function criticalPath(resources: readonly PlannedResource[], isTimed: (resource: PlannedResource) => boolean): CriticalPath {
  const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
  const outgoing = new Map<string, Edge[]>();
  for (const edge of waitEdges(resources)) outgoing.set(edge.from, [...(outgoing.get(edge.from) ?? []), edge]);

  const best = new Map<string, { length: number; previous?: Edge }>();
  const visiting = new Set<string>();
  const visit = (urn: string): number => {
    const known = best.get(urn);
    if (known) return known.length;
    if (visiting.has(urn)) throw new Error(`the recorded plan has a dependency cycle through ${urn}`);
    visiting.add(urn);
    let longest: { length: number; previous?: Edge } = { length: 0 };
    for (const edge of outgoing.get(urn) ?? []) {
      const length = visit(edge.to);
      if (length > longest.length) longest = { length, previous: edge };
    }
    visiting.delete(urn);
    const entry = { length: longest.length + (isTimed(byUrn.get(urn)!) ? 1 : 0), previous: longest.previous };
    best.set(urn, entry);
    return entry.length;
  };

  let end: string | undefined;
  for (const resource of resources) {
    const length = visit(resource.urn);
    if (end === undefined || length > best.get(end)!.length) end = resource.urn;
  }
  if (end === undefined) return { length: 0, chain: [] };

  const chain: CriticalPath["chain"] = [];
  for (let urn: string | undefined = end; urn !== undefined; ) {
    const entry: { length: number; previous?: Edge } = best.get(urn)!;
    const resource = byUrn.get(urn)!;
    chain.unshift({ resource, via: entry.previous?.kind, timed: isTimed(resource) });
    urn = entry.previous?.to;
  }
  return { length: best.get(end)!.length, chain };
}

/**
 * What a create would cost when only the plan is known (no simulation): a custom resource
 * other than a provider, or a component from another package (a remote component such as
 * a Helm Chart v4, whose children the engine creates).
 */
export function takesTime(resource: PlannedResource): boolean {
  if (resource.custom) return !resource.type.startsWith("pulumi:providers:");
  return !resource.type.startsWith("homeops:") && !resource.type.startsWith("pulumi:");
}
