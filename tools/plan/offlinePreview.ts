import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { parse } from "yaml";
import { compositionFor } from "../../stacks";
import { offlineMocks } from "./mocks";
import { installRecordingMocks, type Recording } from "./recorder";
import { cliConfigEnvironment, readOfflineConfig } from "./stackConfig";
import type { Plan } from "../../policy/contract/plan";

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

/** A finished offline run: the plan, and the mock monitor that holds every resource's outputs. */
export interface OfflineRun {
  plan: Plan;
  monitor: MockMonitor;
}

/**
 * Runs a stack's program under Pulumi's mocks with its stack config (secrets replaced by
 * placeholders) and returns every resource it registered.
 */
export async function runOfflinePreview(options: OfflinePreviewOptions): Promise<Plan> {
  return (await offlineRun(options)).plan;
}

/** The offline preview, with the mock monitor it ran against (the outputs each resource registered). */
export function offlineRun(options: OfflinePreviewOptions): Promise<OfflineRun> {
  return withOwnRuntime(async () => {
    const { compose, project, recording } = prepareOfflineRun(options);
    const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitor;
    let programError: unknown;
    await withoutStackCapture(async () => {
      // The program's own error (a bad stack config) is kept and thrown once the run is
      // over: thrown into the SDK, it would also reject the Stack's promises, unhandled.
      await pulumi.runtime.runInPulumiStack(async () => {
        try {
          return compose();
        } catch (error) {
          programError = error;
          return {};
        }
      });
      // Registrations still in flight (inputs waiting on other resources) finish here.
      await pulumi.runtime.disconnect();
    });
    if (programError !== undefined) throw programError;
    return { plan: { project, stack: options.stack, resources: recording.resources }, monitor };
  });
}

/**
 * A tool's work on an offline run, rejected if the run stalls: an apply that throws leaves
 * the resources waiting on its output unregistered and nothing else for the event loop, and
 * Node would end the process mid-run with exit code 0. Every tool that runs the program
 * awaits its work through this, so that it reports the failure and exits 1.
 */
export function failIfStalled<T>(work: Promise<T>): Promise<T> {
  let stalled = () => {};
  const stall = new Promise<never>((_, reject) => {
    stalled = () => reject(new StalledRunError());
  });
  process.once("beforeExit", stalled);
  return Promise.race([work, stall]).finally(() => process.off("beforeExit", stalled));
}

/** The run stopped with resources still waiting; the failure that stopped it was reported as an unhandled rejection, if at all. */
class StalledRunError extends Error {
  constructor() {
    super("the program stopped with resources still waiting on values that never came");
  }
}

/** What a command's work came to: its exit code, or the failure to report. */
export type CommandOutcome = { code: number } | { failure: unknown };

/**
 * A command's work on offline runs of the program (through failIfStalled), and the failure
 * to report if any. The SDK rejects several promises for one program error and leaves them
 * unhandled: the first is the failure, also when it stalled the run; otherwise the error
 * the work threw.
 */
export async function commandOutcome(work: () => Promise<number>): Promise<CommandOutcome> {
  let unhandled: unknown;
  const remember = (error: unknown) => (unhandled ??= error);
  process.on("unhandledRejection", remember);
  try {
    const code = await failIfStalled(work());
    await settled();
    return unhandled === undefined ? { code } : { failure: unhandled };
  } catch (error) {
    await settled();
    return { failure: error instanceof StalledRunError ? (unhandled ?? error) : error };
  } finally {
    process.off("unhandledRejection", remember);
  }
}

// A failure inside an apply surfaces as a rejection only after the program has run: one
// more turn of the event loop lets it arrive before the outcome is decided.
const settled = () => new Promise((resolve) => setImmediate(resolve));

/** The SDK's per-run state store; not in its public typings (the Automation API runs each inline program in one). */
const { withLocalStorage } = require("@pulumi/pulumi/runtime/state") as { withLocalStorage<T>(run: () => Promise<T>): Promise<T> };
let previousRun: Promise<unknown> = Promise.resolve();

/**
 * Runs `run` with a Pulumi runtime of its own (settings, config, mocks, stack resource), so
 * that one process can run several programs, as the tests and the diagrams tool do. Runs
 * one at a time: withoutStackCapture switches process-wide settings.
 */
export function withOwnRuntime<T>(run: () => Promise<T>): Promise<T> {
  const result = previousRun.then(() => withLocalStorage(run));
  previousRun = result.catch(() => undefined);
  return result;
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
export async function withoutStackCapture(run: () => Promise<void>): Promise<void> {
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
