import { startAfter, topologicalOrder } from "../../model/order";
import type { ContainerSpec, DockerStackSpec } from "../../config/docker";

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
