/**
 * One measurement of the benchmark, in a process of its own (each starts cold, as `npm run
 * plan` does). `tsx tools/bench/child.ts '<task as JSON>'` prints one line
 * `@@bench <result as JSON>`. Modules are imported inside each task, so a measurement loads
 * only what it needs and its load time can be reported.
 */
import { writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import type { StackValidationArgs as StackArgs, StackValidationPolicy as StackPolicy } from "@pulumi/policy";
import type { PlannedResource } from "../../policy/contract/plan";
import { median } from "./table";
import { RESULT_MARK, type BenchTask, type PoliciesResult, type PolicyRateResult, type PreviewResult, type ReachabilityResult, type UpResult } from "./tasks";

/** Loads a module when the task needs it (a CommonJS require, typed as the module). */
function load<Module>(path: string): Module {
  return require(path) as Module;
}

async function preview(task: Extract<BenchTask, { task: "preview" }>): Promise<PreviewResult> {
  const { runOfflinePreview, stackFileOf, STACK_TRACES_VARIABLE } = load<typeof import("../plan/offlinePreview")>("../plan/offlinePreview");
  // "As is" measures the preview with the SDK's per-promise stack capture that the offline
  // preview switches off by default ("lean").
  if (!task.lean) process.env[STACK_TRACES_VARIABLE] = "1";
  const loadMs = performance.now();
  const start = performance.now();
  const plan = await runOfflinePreview({ stack: task.stack, configFile: task.configFile });
  const previewMs = performance.now() - start;
  if (task.planOut) writeFileSync(task.planOut, JSON.stringify(plan));
  const { criticalPath, takesTime } = load<typeof import("./criticalPath")>("./criticalPath");
  const result: PreviewResult = { loadMs, previewMs, resources: plan.resources.length, criticalPath: criticalPath(plan.resources, takesTime).length };
  if (task.policies) {
    const { evaluatePlan } = load<typeof import("../../policy/evaluate")>("../../policy/evaluate");
    const { policyConfigForStack } = load<typeof import("../plan/policyConfig")>("../plan/policyConfig");
    const begin = performance.now();
    const report = await evaluatePlan(plan, policyConfigForStack(task.stack, stackFileOf({ stack: task.stack, configFile: task.configFile })));
    result.policyMs = performance.now() - begin;
    result.violations = report.violations.length;
  }
  return result;
}

async function floor(task: Extract<BenchTask, { task: "floor" }>): Promise<PreviewResult> {
  const pulumi = load<typeof import("@pulumi/pulumi")>("@pulumi/pulumi");
  const { offlineMocks } = load<typeof import("../plan/mocks")>("../plan/mocks");
  const { installRecordingMocks } = load<typeof import("../plan/recorder")>("../plan/recorder");
  const loadMs = performance.now();
  const start = performance.now();
  const { resources: recorded } = installRecordingMocks(offlineMocks, "homeops", "floor");
  // The Stack is one of the plan's resources: count - 1 bare ones beside it.
  await pulumi.runtime.runInPulumiStack(async () => {
    class Bare extends pulumi.CustomResource {
      constructor(name: string) {
        super("homeops:bench:Bare", name, {});
      }
    }
    for (let index = 1; index < task.count; index++) new Bare(`bare-${index}`);
    return {};
  });
  await pulumi.runtime.disconnect();
  return { loadMs, previewMs: performance.now() - start, resources: recorded.length };
}

async function up(task: Extract<BenchTask, { task: "up" }>): Promise<UpResult> {
  const { simulateUp } = load<typeof import("./simulate")>("./simulate");
  const { criticalPath } = load<typeof import("./criticalPath")>("./criticalPath");
  const result = await simulateUp({ stack: task.stack, delayMs: task.delayMs });
  const [programError] = result.programErrors;
  if (programError !== undefined) throw programError;
  const isTimed = (resource: PlannedResource) => result.timed.has(resource.urn);
  const path = criticalPath(result.plan.resources, isTimed);
  if (task.planOut) writeFileSync(task.planOut, JSON.stringify({ plan: result.plan, timed: [...result.timed] }));
  return {
    wallMs: result.wallMs,
    created: result.plan.resources.filter((resource) => resource.custom).length,
    timedCreates: result.timed.size,
    criticalPath: path.length,
    chain: path.chain.map(({ resource, via, timed }) => ({ name: resource.name, type: resource.type, via, timed })),
  };
}

type RateTask = NonNullable<Extract<BenchTask, { task: "policies" }>["rate"]>;
type ReachabilityTask = Extract<BenchTask, { task: "policies" }>["reachability"];

async function policyRate(task: RateTask): Promise<PolicyRateResult> {
  const { readFileSync } = load<typeof import("node:fs")>("node:fs");
  const { evaluatePlan } = load<typeof import("../../policy/evaluate")>("../../policy/evaluate");
  const { policyConfigForStack } = load<typeof import("../plan/policyConfig")>("../plan/policyConfig");
  const { labelledHosts, replicateConfig, replicatePlan } = load<typeof import("./syntheticEstate")>("./syntheticEstate");
  const base = JSON.parse(readFileSync(task.planFile, "utf8"));
  const { plan, copies } = replicatePlan(base, task.target);
  const config = replicateConfig(policyConfigForStack(task.stack, task.stackFile), labelledHosts(base), copies);
  // One small warm-up run, so that the timed runs measure the pack, not the JIT's first pass.
  await evaluatePlan(replicatePlan(base, Math.min(task.target, 500)).plan, config);
  const runsMs: number[] = [];
  let violations = 0;
  for (let run = 0; run < task.reps; run++) {
    const start = performance.now();
    violations = (await evaluatePlan(plan, config)).violations.length;
    runsMs.push(performance.now() - start);
  }
  return { resources: plan.resources.length, copies, runsMs, violations };
}

async function reachability(task: ReachabilityTask): Promise<ReachabilityResult> {
  const { policies } = load<typeof import("../../policy/policies")>("../../policy/policies");
  const { syntheticHost } = load<typeof import("./syntheticEstate")>("./syntheticEstate");
  const policy = policies.find((candidate) => candidate.name === "docker-isolation-boundaries") as StackPolicy | undefined;
  if (!policy?.validateStack) throw new Error("the pack has no docker-isolation-boundaries stack policy to measure");
  const rows: ReachabilityResult["rows"] = [];
  for (const size of task.sizes) {
    const host = syntheticHost(size);
    // What the policy reads of each resource (ResourceView, its ignoreChanges among its options); the rest of the SDK's args is unused.
    const resources = host.resources.map((resource) => ({ ...resource, opts: { ignoreChanges: resource.ignoreChanges ?? [] } }));
    const args = { resources, getConfig: () => ({}) } as unknown as StackArgs;
    let violations = 0;
    const once = () => {
      violations = 0;
      void policy.validateStack(args, () => violations++);
    };
    once();
    // Five batches of about minMs/5 each; the median batch's time per run.
    const perRun: number[] = [];
    let runs = 0;
    for (let batch = 0; batch < 5; batch++) {
      let inBatch = 0;
      const start = performance.now();
      do {
        once();
        inBatch++;
      } while (performance.now() - start < task.minMs / 5);
      perRun.push((performance.now() - start) / inBatch);
      runs += inBatch;
    }
    rows.push({ containers: host.containers, memberships: host.memberships, msPerRun: median(perRun), runs, violations });
  }
  return { rows };
}

async function main(): Promise<unknown> {
  const task = JSON.parse(process.argv[2] ?? "") as BenchTask;
  switch (task.task) {
    case "preview":
      return preview(task);
    case "floor":
      return floor(task);
    case "up":
      return up(task);
    case "policies": {
      // The reachability first, while the heap is small: the rate's 10,000-resource estate would
      // leave garbage that the collector charges to whatever runs next.
      const reach = await reachability(task.reachability);
      const result: PoliciesResult = { rate: task.rate && (await policyRate(task.rate)), reachability: reach };
      return result;
    }
  }
}

main().then(
  (result) => {
    process.stdout.write(`\n${RESULT_MARK}${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
