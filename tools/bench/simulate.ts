/**
 * A simulated `pulumi up`: the stack's program runs under the offline preview's mocks and
 * recorder, but every create of a custom resource (and of a remote component, whose
 * children a real engine would create) takes a fixed delay before the mock monitor answers,
 * as a provider's create would. Providers, local components and reads answer at once: they
 * call no remote API. Optionally one resource's create fails the way its provider would.
 *
 * One simulation per process: unlike the offline preview, it runs in the process's global
 * Pulumi runtime.
 */
import { performance } from "node:perf_hooks";
import * as grpc from "@grpc/grpc-js";
import * as pulumi from "@pulumi/pulumi";
import type { RegisterResourceRequest, RegisterResourceResponse } from "@pulumi/pulumi/proto/resource_pb";
import type { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { prepareOfflineRun } from "../plan/offlinePreview";
import { urnOf } from "../plan/recorder";
import type { Plan, PlannedResource } from "../../policy/contract/plan";
import { providerFailure, type SimulatedFailure } from "./providerErrors";

export interface SimulationOptions {
  stack: string;
  configFile?: string;
  /** How long every create takes, in ms. */
  delayMs: number;
  /** Fail the create of this resource: its logical name, or `<type>::<name>` (a suffix of it is enough). */
  fail?: string;
  /**
   * As `pulumi up --continue-on-error`: after the failure, creates that do not depend on
   * the failed resource still run. Otherwise, as `pulumi up`, no create starts after it.
   */
  continueOnError?: boolean;
}

export interface SimulationResult {
  /** Every resource registered (created) during the run. */
  plan: Plan;
  /** URNs of the creates that took the delay. */
  timed: Set<string>;
  /** From the program's start to the last create's end, in ms. */
  wallMs: number;
  failure?: SimulatedFailure;
  /** More resources the --fail pattern matched, beyond the one failed. */
  alsoMatched: string[];
  /** Creates that were not started because an earlier one failed (as `pulumi up` stops). */
  notStarted: { type: string; name: string }[];
  /** Errors the program raised; after a failure, the ones that follow from it. */
  programErrors: unknown[];
}

type Callback = (error: unknown, response?: RegisterResourceResponse) => void;

/** Whether `pattern` names the resource: its logical name, or the tail of `<type>::<name>`. */
export function matchesResource(pattern: string, type: string, name: string): boolean {
  return pattern.includes("::") ? `${type}::${name}`.endsWith(pattern) : name === pattern;
}

function isTimedCreate(request: RegisterResourceRequest): boolean {
  return (request.getCustom() || request.getRemote()) && !request.getType().startsWith("pulumi:providers:");
}

/** The error the SDK treats as the engine shutting down: it stops registering, silently. */
function cancellation(): Error {
  return Object.assign(new Error("the update stopped after a failed create"), { code: grpc.status.CANCELLED });
}

export async function simulateUp(options: SimulationOptions): Promise<SimulationResult> {
  const { compose, project, recording } = prepareOfflineRun(options);
  const { resources, engineUrn } = recording;
  const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitor;
  const record = monitor.registerResource.bind(monitor);

  const timed = new Set<string>();
  const alsoMatched: string[] = [];
  const notStarted: SimulationResult["notStarted"] = [];
  let failure: SimulatedFailure | undefined;
  let lastEnd = 0;
  let inFlight = 0;
  let lastActivity = performance.now();

  const providerOf = (request: RegisterResourceRequest): PlannedResource | undefined => {
    const reference = request.getProvider();
    const urn = reference.split("::").slice(0, -1).join("::");
    return resources.find((resource) => resource.urn === engineUrn(urn));
  };

  monitor.registerResource = (request: RegisterResourceRequest, callback: Callback) => {
    if (!isTimedCreate(request)) return record(request, callback);
    const type = request.getType();
    const name = request.getName();
    if (failure && !options.continueOnError) {
      notStarted.push({ type, name });
      callback(cancellation());
      return Promise.resolve();
    }
    const fails = options.fail !== undefined && matchesResource(options.fail, type, name);
    if (fails && failure) alsoMatched.push(`${type}::${name}`);
    inFlight++;
    lastActivity = performance.now();
    return new Promise<void>((resolve) => {
      setTimeout(() => {
        inFlight--;
        lastEnd = lastActivity = performance.now();
        if (fails && !failure) {
          const urn = urnOf(options.stack, project, engineUrn(request.getParent()), type, name);
          failure = providerFailure({ urn, type, name, inputs: (request.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>, provider: providerOf(request) });
          callback(new Error(failure.message));
          resolve();
          return;
        }
        void record(request, (error, response) => {
          if (!error && response) timed.add(engineUrn(response.getUrn()));
          callback(error, response);
          resolve();
        });
      }, options.delayMs);
    });
  };

  const programErrors: unknown[] = [];
  const collect = (error: unknown) => programErrors.push(error);
  process.on("unhandledRejection", collect);
  const start = performance.now();
  const run = async () => {
    try {
      await pulumi.runtime.runInPulumiStack(async () => compose());
    } catch (error) {
      collect(error);
    }
    try {
      // Registrations still in flight finish here.
      await pulumi.runtime.disconnect();
    } catch (error) {
      collect(error);
    }
  };
  // After a failure the engine ends the program once the creates under way are done; the
  // SDK would otherwise wait forever on resources whose dependencies failed.
  const quietMs = 1000 + options.delayMs;
  let watching: NodeJS.Timeout | undefined;
  const stopped = new Promise<void>((resolve) => {
    watching = setInterval(() => {
      if (failure && inFlight === 0 && performance.now() - lastActivity > quietMs) resolve();
    }, 50);
  });
  await Promise.race([run(), stopped]);
  clearInterval(watching);
  // Rejections of the last registrations surface on the next turns of the event loop.
  await new Promise((resolve) => setTimeout(resolve, 10));
  process.off("unhandledRejection", collect);
  return {
    plan: { project, stack: options.stack, resources },
    timed,
    wallMs: Math.max(lastEnd, start) - start,
    failure,
    alsoMatched,
    notStarted,
    programErrors,
  };
}
