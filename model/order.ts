/**
 * Creation order, shared by the config checks (cycles), the Docker stacks and the platform's
 * releases: plain functions over plain data, no Pulumi, no config schema.
 */
import { namespaceOwner } from "../policy/contract/docker";

/**
 * Orders items so that each comes after the items it depends on, keeping the declared
 * order wherever dependencies allow. Dependencies on unknown keys are ignored (the
 * config checks report them); cycles are reported there too.
 */
export function topologicalOrder<T>(items: readonly T[], keyOf: (item: T) => string, dependenciesOf: (item: T) => string[]): T[] {
  const byKey = new Map(items.map((item) => [keyOf(item), item]));
  const placed = new Set<string>();
  const ordered: T[] = [];
  const place = (item: T, trail: Set<string>) => {
    const key = keyOf(item);
    if (placed.has(key) || trail.has(key)) return;
    trail.add(key);
    for (const dependency of dependenciesOf(item)) {
      const needed = byKey.get(dependency);
      if (needed) place(needed, trail);
    }
    placed.add(key);
    ordered.push(item);
  };
  for (const item of items) place(item, new Set());
  return ordered;
}

/** One cycle among the items' dependencies, as the keys along it (the first repeated at the end), if there is one. */
export function findCycle<T>(items: readonly T[], keyOf: (item: T) => string, dependenciesOf: (item: T) => string[]): string[] | undefined {
  const byKey = new Map(items.map((item) => [keyOf(item), item]));
  const state = new Map<string, "visiting" | "done">();
  const visit = (key: string, trail: string[]): string[] | undefined => {
    if (state.get(key) === "done" || !byKey.has(key)) return undefined;
    if (state.get(key) === "visiting") return [...trail.slice(trail.indexOf(key)), key];
    state.set(key, "visiting");
    for (const next of dependenciesOf(byKey.get(key)!)) {
      const cycle = visit(next, [...trail, key]);
      if (cycle) return cycle;
    }
    state.set(key, "done");
    return undefined;
  };
  for (const key of byKey.keys()) {
    const cycle = visit(key, []);
    if (cycle) return cycle;
  }
  return undefined;
}

/** What a container's start order depends on, as the inventory declares it. */
export interface StartDependencies {
  dependsOn: Readonly<Record<string, unknown>>;
  networkMode?: string;
}

/** The containers a container must start after: dependsOn plus the namespace it joins. */
export function startAfter(container: StartDependencies): string[] {
  const owner = namespaceOwner(container.networkMode);
  return [...new Set([...Object.keys(container.dependsOn), ...(owner === undefined ? [] : [owner])])];
}
