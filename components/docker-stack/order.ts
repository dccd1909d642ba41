import { startAfter } from "../../config/checks/docker";
import type { ContainerSpec, DockerStackSpec } from "../../config/docker";

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

/** Containers of one stack in the order they must be created. */
export function containerCreationOrder(stack: DockerStackSpec): ContainerSpec[] {
  return topologicalOrder(stack.containers, (container) => container.name, startAfter);
}

/** Stacks of one host ordered so that containers needed across stacks exist first. */
export function stackCreationOrder(stacks: readonly DockerStackSpec[]): DockerStackSpec[] {
  const stackOfContainer = new Map(stacks.flatMap((stack) => stack.containers.map((container) => [container.name, stack.name] as const)));
  return topologicalOrder(
    stacks,
    (stack) => stack.name,
    (stack) => stack.containers.flatMap(startAfter).map((name) => stackOfContainer.get(name) ?? "").filter((name) => name !== stack.name),
  );
}

/** Names of containers that others wait for in the `healthy` state. */
export function awaitedHealthy(stacks: readonly DockerStackSpec[]): Set<string> {
  return new Set(
    stacks.flatMap((stack) => stack.containers.flatMap((container) => Object.entries(container.dependsOn).filter(([, condition]) => condition === "healthy").map(([name]) => name))),
  );
}
