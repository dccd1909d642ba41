import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { compositionFor } from "../../stacks";
import { offlineMocks } from "./mocks";
import { installRecordingMocks } from "./recorder";
import { readOfflineConfig } from "./stackConfig";
import type { Plan } from "./types";

export interface OfflinePreviewOptions {
  stack: string;
  /** The folder holding Pulumi.yaml; defaults to this repository. */
  projectDir?: string;
  /** Stack settings file; defaults to `Pulumi.<stack>.yaml` in projectDir. */
  configFile?: string;
}

export const REPOSITORY_ROOT = join(__dirname, "..", "..");

export function stackFileOf(options: OfflinePreviewOptions): string {
  return options.configFile ?? join(options.projectDir ?? REPOSITORY_ROOT, `Pulumi.${options.stack}.yaml`);
}

/**
 * Runs a stack's program under Pulumi's mocks with its stack config (secrets replaced by
 * placeholders) and returns every resource it registered. Runs once per process: the
 * Pulumi runtime is global state.
 */
export async function runOfflinePreview(options: OfflinePreviewOptions): Promise<Plan> {
  const compose = compositionFor(options.stack);
  const projectDir = options.projectDir ?? REPOSITORY_ROOT;
  const project = (parse(readFileSync(join(projectDir, "Pulumi.yaml"), "utf8")) as { name: string }).name;
  const config = readOfflineConfig(stackFileOf(options), project);
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);
  const resources = installRecordingMocks(offlineMocks, project, options.stack);
  await pulumi.runtime.runInPulumiStack(async () => compose());
  // Registrations still in flight (inputs waiting on other resources) finish here.
  await pulumi.runtime.disconnect();
  return { project, stack: options.stack, resources };
}
