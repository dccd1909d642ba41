import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { compositionFor } from "../../stacks";
import { offlineMocks } from "./mocks";
import { installRecordingMocks, type Recording } from "./recorder";
import { cliConfigEnvironment, readOfflineConfig } from "./stackConfig";
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
  const { compose, project, recording } = prepareOfflineRun(options);
  await withoutStackCapture(async () => {
    await pulumi.runtime.runInPulumiStack(async () => compose());
    // Registrations still in flight (inputs waiting on other resources) finish here.
    await pulumi.runtime.disconnect();
  });
  return { project, stack: options.stack, resources: recording.resources };
}

/**
 * What every offline run of a stack needs before its program runs: the composition, the
 * stack config set (secrets as placeholders) and the recording mocks installed.
 */
export function prepareOfflineRun(options: OfflinePreviewOptions): { compose: () => Record<string, unknown>; project: string; recording: Recording } {
  const compose = compositionFor(options.stack);
  const projectDir = options.projectDir ?? REPOSITORY_ROOT;
  const project = (parse(readFileSync(join(projectDir, "Pulumi.yaml"), "utf8")) as { name: string }).name;
  // Through the same variables, names and serialisation as the CLI's language host.
  const environment = cliConfigEnvironment(readOfflineConfig(stackFileOf(options), project));
  pulumi.runtime.setAllConfig(JSON.parse(environment.PULUMI_CONFIG), JSON.parse(environment.PULUMI_CONFIG_SECRET_KEYS));
  return { compose, project, recording: installRecordingMocks(offlineMocks, project, options.stack) };
}

/** Set to 1 to keep stack traces (and their source maps) while debugging the program. */
export const STACK_TRACES_VARIABLE = "HOMEOPS_PLAN_STACK_TRACES";

/**
 * The SDK captures a stack trace for every promise it makes (each output of each resource),
 * and tsx source-maps each one: half the offline preview's time (`npm run bench`). Errors
 * are reported by their message, so the traces are switched off unless asked for.
 */
async function withoutStackCapture(run: () => Promise<void>): Promise<void> {
  if (process.env[STACK_TRACES_VARIABLE] === "1") return run();
  const limit = Error.stackTraceLimit;
  const sourceMaps = process.sourceMapsEnabled;
  Error.stackTraceLimit = 0;
  process.setSourceMapsEnabled(false);
  try {
    await run();
  } finally {
    Error.stackTraceLimit = limit;
    process.setSourceMapsEnabled(sourceMaps);
  }
}
