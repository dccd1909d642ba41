import * as pulumi from "@pulumi/pulumi";
import { homelab } from "./homelab";
import { vps } from "./vps";

/** Each Pulumi stack of this project is one composition. */
const compositions: Record<string, () => Record<string, unknown>> = {
  homelab,
  vps,
};

export function compositionFor(stack: string): () => Record<string, unknown> {
  const compose = compositions[stack];
  if (!compose) {
    throw new pulumi.RunError(`No composition for stack "${stack}"; known stacks: ${Object.keys(compositions).join(", ")}`);
  }
  return compose;
}
