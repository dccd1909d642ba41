import type { DockerStackSpec } from "../config/docker";
import type { Value } from "../config/values";

/** Every value of a Docker inventory that may reference a secret: env values and file contents. */
export function inventoryValues(stacks: readonly DockerStackSpec[]): Value[] {
  return stacks.flatMap((stack) =>
    stack.containers.flatMap((container) => [...Object.values(container.env), ...container.files.map((file) => file.content)]),
  );
}
