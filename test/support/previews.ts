/**
 * One offline preview per stack for the whole test run, shared by every test file that
 * reads it. The first file to ask for a stack runs the preview (in its own Pulumi runtime)
 * and writes what the tests read to the run's cache folder (made by jest's globalSetup,
 * test/support/previewCache.ts); every other file, in any worker, reads that file. A file
 * that asks while another worker runs the preview waits for it.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { RegisterResourceRequest } from "@pulumi/pulumi/proto/resource_pb";
import type { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import type { Plan } from "../../policy/contract/plan";
import { runCommand, type CliRun } from "./runCli";
import { RUN_FOLDER_VARIABLE } from "./runFolder";


/** One registration as the mock monitor received it. */
export interface Registration {
  /** The mock monitor's URN (the engine's differs below components: see tools/plan/recorder.ts). */
  urn: string;
  type: string;
  name: string;
  /** Outputs the resource declares secret (`additionalSecretOutputs`). */
  secretOutputs: string[];
  /** Inputs as sent: secrets still wrapped in the SDK's secret signature. */
  inputs: Record<string, unknown>;
  /** Outputs the mocks answered with (serialized state). */
  state: Record<string, unknown>;
}

export interface StackPreview {
  plan: Plan;
  registrations: Registration[];
  /** What each resource holds once the program has run, by mock URN: components' registered outputs too, secrets still wrapped. */
  outputs: Record<string, Record<string, unknown>>;
  /** Each Talos node's generated machine config (tools/plan/talosConfigs.ts). */
  machineConfigs: Record<string, string>;
}

const WAIT_MS = 180_000;
const POLL_MS = 100;

/**
 * The stack's offline preview (with `configFile` instead of `Pulumi.<stack>.yaml` when given):
 * from this run's cache, or run now (and cached) if no file has asked for it yet.
 */
export async function stackPreview(stack: string, configFile?: string): Promise<StackPreview> {
  const dir = process.env[RUN_FOLDER_VARIABLE];
  if (!dir) return runPreview(stack, configFile);
  const key = configFile === undefined ? stack : `${stack}-${basename(configFile)}`;
  const file = join(dir, `${key}.json`);
  const failed = join(dir, `${key}.error`);
  if (claim(join(dir, `${key}.lock`))) {
    try {
      const preview = await runPreview(stack, configFile);
      writeFileSync(`${file}.tmp`, JSON.stringify(preview));
      renameSync(`${file}.tmp`, file);
      return preview;
    } catch (error) {
      writeFileSync(failed, error instanceof Error ? error.message : String(error));
      throw error;
    }
  }
  for (const start = Date.now(); Date.now() - start < WAIT_MS; await new Promise((resolve) => setTimeout(resolve, POLL_MS))) {
    if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as StackPreview;
    if (existsSync(failed)) throw new Error(`the offline preview of ${stack} failed in another test file: ${readFileSync(failed, "utf8")}`);
  }
  throw new Error(`no offline preview of ${stack} after ${WAIT_MS / 1000} s (${file})`);
}

/** Whether this process is the first to claim `lock` (mkdir is atomic). */
function claim(lock: string): boolean {
  try {
    mkdirSync(lock);
    return true;
  } catch {
    return false;
  }
}

type Callback = (error: unknown, response?: { getUrn(): string }) => void;

let previousPreview: Promise<unknown> = Promise.resolve();

/**
 * Runs the preview, one at a time in this process: the capture below patches the SDK's
 * MockMonitor for every runtime, and a second patch over the first would be undone by the
 * first's end.
 */
function runPreview(stack: string, configFile?: string): Promise<StackPreview> {
  const result = previousPreview.then(() => capturePreview(stack, configFile));
  previousPreview = result.catch(() => undefined);
  return result;
}

/** Runs the preview, capturing every registration the mock monitor receives (the SDK's own MockMonitor, before the recorder wraps it). */
async function capturePreview(stack: string, configFile?: string): Promise<StackPreview> {
  // Loaded here, so that a file reading the cache does not load the SDK and the program.
  const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as typeof import("@pulumi/pulumi/runtime/mocks");
  const { offlineRun } = require("../../tools/plan/offlinePreview") as typeof import("../../tools/plan/offlinePreview");
  const { offlineMachineConfigs } = require("../../tools/plan/talosConfigs") as typeof import("../../tools/plan/talosConfigs");
  // By monitor: another program this process runs meanwhile (a test's own) has a monitor of its own.
  const registrations: { monitor: MockMonitor; registration: Registration }[] = [];
  const original = MockMonitor.prototype.registerResource;
  MockMonitor.prototype.registerResource = function (this: MockMonitor, request: RegisterResourceRequest, callback: Callback) {
    return original.call(this, request, (error: unknown, response?: { getUrn(): string }) => {
      if (!error && response) {
        const urn = response.getUrn();
        registrations.push({ monitor: this, registration: {
          urn,
          type: request.getType(),
          name: request.getName(),
          secretOutputs: request.getAdditionalsecretoutputsList(),
          inputs: (request.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
          state: plain(this.resources.get(urn)?.state),
        } });
      }
      callback(error, response);
    });
  };
  try {
    const { plan, monitor } = await offlineRun({ stack, configFile });
    const outputs = Object.fromEntries([...monitor.resources.values()].map(({ urn, state }) => [urn, plain(state)]));
    const own = registrations.filter((captured) => captured.monitor === monitor).map((captured) => captured.registration);
    return { plan, registrations: own, outputs, machineConfigs: offlineMachineConfigs(monitor) };
  } finally {
    MockMonitor.prototype.registerResource = original;
  }
}

/** Registered outputs are kept as the protobuf Struct the SDK sent, or as serialized properties. */
function plain(state: unknown): Record<string, unknown> {
  const struct = state as { toJavaScript?: () => Record<string, unknown> } | undefined;
  return (typeof struct?.toJavaScript === "function" ? struct.toJavaScript() : (state ?? {})) as Record<string, unknown>;
}

/** `npm run plan -- <argv>` in-process, on this run's shared previews rather than a preview of its own. */
export function planOnSharedPreviews(...argv: string[]): Promise<CliRun> {
  // Loaded here, so that a file reading the cache does not load the SDK and the program.
  const { planCommand } = require("../../tools/plan/cli") as typeof import("../../tools/plan/cli");
  const shared = async ({ stack, configFile }: { stack: string; configFile?: string }) => {
    const { plan, machineConfigs } = await stackPreview(stack, configFile);
    return { plan, machineConfigs: () => machineConfigs };
  };
  return runCommand((args, output) => planCommand(args, output, shared), argv);
}
