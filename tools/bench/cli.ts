/**
 * `npm run bench [-- --tiny] [--reps <n>] [--delay-ms <ms>] [--stacks a,b] [--factors 10,100] [--scale-as-is]`
 *
 * Measures the program's speed in ratios and rates against baselines of the same run, for
 * every stack with a Pulumi.<stack>.yaml:
 *   1. the offline preview's cost against a floor (as many bare resources, same mocks),
 *      as the preview runs ("lean": the SDK's per-promise stack capture off) and "as is"
 *      (with it, HOMEOPS_PLAN_STACK_TRACES=1), the cost the offline preview used to pay;
 *   2. the policy pack's rate on a >= 10,000-resource estate, and the reachability policy's
 *      growth as one Docker host grows 10 -> 100 -> 1,000 containers;
 *   3. a simulated `up` (every create waits --delay-ms): critical path and parallelism,
 *      and the VPS's graph against the original `deploy-vps-infra` procedure;
 *   4. a scale run on a generated inventory 10x and 100x the homelab's.
 * Every measurement runs in a process of its own. --tiny runs a small, fast version (the
 * test suite's smoke test); its figures mean nothing.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parse, stringify } from "yaml";
import { CONFIG_NAMESPACE } from "../../config/load";
import { stackConfigValidators } from "../../config/stacks";
import { readOfflineConfig } from "../plan/stackConfig";
import type { Plan } from "../../policy/contract/plan";
import { CONTAINER_TYPE } from "../../policy/docker-inputs";
import { compareWithProcedure, containerDependencies, declaredNeeds, ORIGINAL_VPS_PROCEDURE } from "./deployProcedure";
import { scaleDockerInventory, scaleHomelab, type ScaledInventory, type StackSettings } from "./scaleInventory";
import { median, renderTable, type Cell } from "./table";
import { runTask, type BenchTask, type PoliciesResult, type PreviewResult, type UpResult } from "./tasks";
import { inBatches } from "./pool";

const ROOT = join(__dirname, "..", "..");

interface Settings {
  tiny: boolean;
  reps: number;
  delayMs: number;
  stacks: string[];
  policyTarget: number;
  policyReps: number;
  reachSizes: number[];
  reachMinMs: number;
  factors: number[];
  scaleLean: boolean;
  /** Measurements run at once; 1 unless --tiny (timing needs the machine to itself). */
  concurrency: number;
}

function stacksWithSettings(): string[] {
  return readdirSync(ROOT)
    .map((file) => /^Pulumi\.([^.]+)\.yaml$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
}

function settingsFrom(argv: string[]): Settings {
  const { values } = parseArgs({
    args: argv,
    options: {
      tiny: { type: "boolean", default: false },
      reps: { type: "string" },
      "delay-ms": { type: "string" },
      stacks: { type: "string" },
      factors: { type: "string" },
      "scale-as-is": { type: "boolean", default: false },
    },
  });
  const all = stacksWithSettings();
  const tiny = values.tiny ?? false;
  const list = (text: string | undefined) => text?.split(",").map((item) => item.trim()).filter(Boolean);
  const numbers = (text: string | undefined) => list(text)?.map(Number);
  const stacks = list(values.stacks) ?? (tiny ? all.filter((stack) => stack === "vps").slice(0, 1) : all);
  for (const stack of stacks) if (!all.includes(stack)) throw new Error(`no Pulumi.${stack}.yaml in ${ROOT}`);
  const settings: Settings = {
    tiny,
    reps: Number(values.reps ?? (tiny ? 1 : 3)),
    delayMs: Number(values["delay-ms"] ?? (tiny ? 5 : 500)),
    stacks: stacks.length > 0 ? stacks : all.slice(0, 1),
    policyTarget: tiny ? 300 : 10_000,
    policyReps: tiny ? 1 : 2,
    reachSizes: tiny ? [10, 20, 40] : [10, 100, 1_000],
    reachMinMs: tiny ? 10 : 1_000,
    factors: numbers(values.factors) ?? (tiny ? [2] : [1, 10, 100]),
    scaleLean: !(values["scale-as-is"] ?? false),
    concurrency: tiny ? 2 : 1,
  };
  if (![settings.reps, settings.delayMs, ...settings.factors].every((value) => Number.isInteger(value) && value >= 0) || settings.reps < 1) {
    throw new Error("--reps, --delay-ms and --factors take whole numbers (reps at least 1)");
  }
  return settings;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function print(...lines: string[]): void {
  for (const line of lines) console.log(line);
}

interface PreviewCost {
  row: Cell[];
  plan: Plan;
  note: string;
}

/** One stack's preview, lean preview and floor, `reps` times each, interleaved, each in its own process. */
async function measurePreview(stack: string, settings: Settings, work: string): Promise<PreviewCost> {
  const planFile = join(work, `${stack}.plan.json`);
  const leanFile = join(work, `${stack}.lean.plan.json`);
  const first = await runTask<PreviewResult>({ task: "preview", stack, planOut: planFile });
  const runs = { preview: [first], lean: [] as PreviewResult[], floor: [] as PreviewResult[] };
  const tasks: (() => Promise<void>)[] = [];
  for (let rep = 0; rep < settings.reps; rep++) {
    if (rep > 0) tasks.push(async () => void runs.preview.push(await runTask<PreviewResult>({ task: "preview", stack })));
    tasks.push(async () => void runs.lean.push(await runTask<PreviewResult>({ task: "preview", stack, lean: true, planOut: rep === 0 ? leanFile : undefined })));
    tasks.push(async () => void runs.floor.push(await runTask<PreviewResult>({ task: "floor", count: first.resources })));
  }
  await inBatches(tasks, settings.concurrency);
  const identical = readFileSync(planFile, "utf8") === readFileSync(leanFile, "utf8");
  const m = (list: PreviewResult[], pick: (run: PreviewResult) => number) => median(list.map(pick));
  const floorMs = m(runs.floor, (run) => run.previewMs);
  const previewMs = m(runs.preview, (run) => run.previewMs);
  const leanMs = m(runs.lean, (run) => run.previewMs);
  const startup = m(runs.preview, (run) => run.loadMs);
  const floorStartup = m(runs.floor, (run) => run.loadMs);
  return {
    row: [stack, first.resources, floorMs, previewMs, previewMs / floorMs, leanMs, leanMs / floorMs, startup, floorStartup, startup / floorStartup],
    plan: JSON.parse(readFileSync(planFile, "utf8")) as Plan,
    note: `${stack}: the lean preview's plan is ${identical ? "byte-identical to" : "DIFFERENT from"} the preview's.`,
  };
}

/** §1: preview against the floor, as is and lean. */
async function previewCost(settings: Settings, work: string): Promise<Map<string, Plan>> {
  const plans = new Map<string, Plan>();
  const rows: Cell[][] = [];
  const notes: string[] = [];
  for (const stack of settings.stacks) {
    try {
      const cost = await measurePreview(stack, settings, work);
      rows.push(cost.row);
      plans.set(stack, cost.plan);
      notes.push(cost.note);
    } catch (error) {
      notes.push(`${stack}: not measured: ${messageOf(error)}`);
    }
  }
  print(
    "## 1. Offline preview against a floor",
    "",
    "Floor: as many bare custom resources, registered under the same mocks and recorder, no program. Lean: the preview as",
    "`npm run plan` runs it (stack traces and source maps off while the program runs); preview: the same with",
    "HOMEOPS_PLAN_STACK_TRACES=1. Startup: process start until the modules are loaded.",
    "",
    ...renderTable(
      [
        { header: "stack" },
        { header: "resources" },
        { header: "floor ms", digits: 0 },
        { header: "preview ms", digits: 0 },
        { header: "preview/floor", digits: 2 },
        { header: "lean ms", digits: 0 },
        { header: "lean/floor", digits: 2 },
        { header: "startup ms", digits: 0 },
        { header: "floor startup ms", digits: 0 },
        { header: "startup/floor", digits: 2 },
      ],
      rows,
    ),
    "",
    ...notes,
    "",
  );
  return plans;
}

/** §2: the whole pack's rate on a replicated estate; the reachability policy's growth. */
async function policyRates(settings: Settings, plans: Map<string, Plan>, work: string): Promise<void> {
  // A Docker estate as the program registers it: the VPS's plan, else any plan with containers.
  const withContainers = [...plans].filter(([, plan]) => plan.resources.some((resource) => resource.type === CONTAINER_TYPE));
  const dockerStack = withContainers.find(([stack]) => stack === "vps") ?? withContainers[0];
  const rows: Cell[][] = [];
  const rate = dockerStack && {
    planFile: join(work, `${dockerStack[0]}.plan.json`),
    stack: dockerStack[0],
    stackFile: join(ROOT, `Pulumi.${dockerStack[0]}.yaml`),
    target: settings.policyTarget,
    reps: settings.policyReps,
  };
  const result = await runTask<PoliciesResult>({ task: "policies", rate, reachability: { sizes: settings.reachSizes, minMs: settings.reachMinMs } });
  if (dockerStack && result.rate) {
    const [stack, plan] = dockerStack;
    const ms = median(result.rate.runsMs);
    rows.push([`${stack} plan (${plan.resources.length} resources) x ${result.rate.copies}, each copy on its own hosts`, result.rate.resources, result.rate.runsMs.length, ms, (result.rate.resources / ms) * 1000, result.rate.violations]);
  }
  const reach = result.reachability;
  const growth: Cell[][] = reach.rows.map((row, index) => {
    const size = row.containers + row.memberships;
    const previous = reach.rows[index - 1];
    if (!previous) return [row.containers, row.memberships, size, row.msPerRun, row.runs, "-", "-", "-"];
    const sizeGrowth = size / (previous.containers + previous.memberships);
    const timeGrowth = row.msPerRun / previous.msPerRun;
    return [row.containers, row.memberships, size, row.msPerRun, row.runs, sizeGrowth, timeGrowth, timeGrowth / sizeGrowth];
  });
  print(
    "## 2. Policy evaluation",
    "",
    "The whole pack (`evaluatePlan`: every resource policy through the SDK's analyzer handlers, then the stack policies):",
    "",
    ...renderTable(
      [{ header: "estate" }, { header: "resources" }, { header: "runs" }, { header: "median ms", digits: 0 }, { header: "resources/s", digits: 0 }, { header: "violations" }],
      rows,
    ),
    "",
    "The reachability policy (`docker-isolation-boundaries`) on one synthetic Docker host; size = containers + network memberships:",
    "",
    ...renderTable(
      [
        { header: "containers" },
        { header: "memberships" },
        { header: "size" },
        { header: "ms per run", digits: 3 },
        { header: "runs" },
        { header: "size growth", digits: 1 },
        { header: "time growth", digits: 1 },
        { header: "time growth / size growth", digits: 2 },
      ],
      growth,
    ),
    "",
  );
}

/** The VPS inventory's declared needs, to judge each container dependency of its plan. */
function declaredNeedsOf(stack: string) {
  const { values } = readOfflineConfig(join(ROOT, `Pulumi.${stack}.yaml`), CONFIG_NAMESPACE);
  const raw = Object.fromEntries(
    Object.entries(values)
      .filter(([key]) => key.startsWith(`${CONFIG_NAMESPACE}:`))
      .map(([key, value]) => {
        try {
          return [key.slice(CONFIG_NAMESPACE.length + 1), JSON.parse(value)];
        } catch {
          return [key.slice(CONFIG_NAMESPACE.length + 1), value];
        }
      }),
  );
  const result = stackConfigValidators[stack]?.(raw);
  if (!result || "issues" in result) return undefined;
  return declaredNeeds(result.config.dockerStacks);
}

/** §3: the simulated `up`. */
async function simulatedUp(settings: Settings, plans: Map<string, Plan>): Promise<void> {
  const rows: Cell[][] = [];
  const chains: string[] = [];
  for (const stack of settings.stacks) {
    let run: UpResult;
    try {
      // One run: its time is the delays' (see the ratios), which do not vary from run to run.
      run = await runTask<UpResult>({ task: "up", stack, delayMs: settings.delayMs });
    } catch (error) {
      chains.push(`- ${stack}: not measured: ${messageOf(error)}`);
      continue;
    }
    rows.push([stack, run.timedCreates, run.criticalPath, run.wallMs, run.wallMs / (settings.delayMs * run.criticalPath), run.wallMs / (settings.delayMs * run.timedCreates)]);
    chains.push(`- ${stack} (${run.criticalPath}): ${run.chain.map((step) => `${step.via ? ` -[${step.via}]-> ` : ""}${step.name}${step.timed ? "" : " (free)"}`).join("")}`);
  }
  print(
    "## 3. Simulated `pulumi up`",
    "",
    `Every create of a custom resource or remote component waits ${settings.delayMs} ms before the mock monitor answers; providers, local`,
    "components and reads answer at once. Critical path: the longest chain of creates through the edges the SDK waits on",
    "(data and dependsOn dependencies, provider, parent). A ratio near 1 in wall/(delay x path) means the program serialises",
    "nothing beyond its dependencies (the rest is its own CPU time); wall/(delay x creates) is 1/parallelism.",
    "",
    ...renderTable(
      [
        { header: "stack" },
        { header: "timed creates" },
        { header: "critical path" },
        { header: "wall ms", digits: 0 },
        { header: "wall/(delay x path)", digits: 2 },
        { header: "wall/(delay x creates)", digits: 3 },
      ],
      rows,
    ),
    "",
    "Longest chains (edge kinds between steps):",
    ...chains,
    "",
  );

  const vps = plans.get("vps");
  if (!vps) return;
  const procedure = ORIGINAL_VPS_PROCEDURE;
  const stacks = procedure.flatMap((step) => step.stacks);
  const lines = [`The original procedure: ${procedure.length} ordered steps over ${stacks.length} stacks (${procedure.map((step) => `${step.number}. ${step.stacks.join(" + ")}`).join(", ")}).`];
  for (const comparison of compareWithProcedure(vps.resources, procedure)) {
    const step = `${comparison.from.number} -> ${comparison.to.number} (${comparison.from.stacks.join(" + ")} before ${comparison.to.stacks.join(" + ")})`;
    lines.push(comparison.kept.length === 0 ? `- ${step}: not ordered by the program (no container of the later step needs one of the earlier)` : `- ${step}: kept, ${comparison.kept.map((kept) => `${kept.container} needs ${kept.waitsOn}`).join("; ")}`);
  }
  const declared = declaredNeedsOf("vps");
  const dependencies = declared ? containerDependencies(vps.resources, declared) : [];
  lines.push("", "Container-to-container dependencies of the VPS plan, each with the inventory entry that declares it:");
  for (const dependency of dependencies) {
    lines.push(`- ${dependency.container} waits on ${dependency.waitsOn} (${dependency.kind}): ${dependency.declaredBy ?? "NOT DECLARED: not a real dependency"}`);
  }
  const undeclared = dependencies.filter((dependency) => dependency.declaredBy === undefined).length;
  lines.push(`Not real (undeclared): ${undeclared}.`);
  print("### The VPS graph against `deploy-vps-infra`", "", ...lines, "");
}

function scaledInventory(stack: string, factor: number): ScaledInventory & { stack: string } {
  const settings = (parse(readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: StackSettings }).config;
  if (stack === "homelab") return { ...scaleHomelab(settings, factor), stack };
  return { ...scaleDockerInventory(settings, factor, stack), stack };
}

/** §4: preview + policies on generated inventories, one process each. */
async function scaleRun(settings: Settings, work: string): Promise<void> {
  const base = settings.tiny || !settings.stacks.includes("homelab") ? settings.stacks[0] : "homelab";
  const notes: string[] = [];
  let source = base;
  const generate = (factor: number) => {
    try {
      return scaledInventory(source, factor);
    } catch (error) {
      if (source === "homelab" && settings.stacks.includes("vps")) {
        notes.push(`The homelab inventory could not be scaled (${messageOf(error)}); the VPS-style Docker inventory is scaled instead.`);
        source = "vps";
        return scaledInventory(source, factor);
      }
      throw error;
    }
  };
  const inventories = settings.factors.map((factor) => ({ factor, inventory: generate(factor) }));
  const rows: Cell[][] = [];
  const runs = await inBatches(
    inventories.map(({ factor, inventory }) => async () => {
      const configFile = join(work, `Pulumi.${inventory.stack}.x${factor}.yaml`);
      writeFileSync(configFile, stringify({ config: inventory.settings }));
      const task: BenchTask = { task: "preview", stack: inventory.stack, configFile, policies: true, lean: settings.scaleLean };
      try {
        return { factor, inventory, result: await runTask<PreviewResult>(task) };
      } catch (error) {
        return { factor, inventory, error: messageOf(error) };
      }
    }),
    settings.concurrency,
  );
  for (const run of runs) {
    if ("error" in run) {
      notes.push(`x${run.factor} failed: ${run.error}`);
      continue;
    }
    const { resources, previewMs, policyMs = Number.NaN, criticalPath = Number.NaN } = run.result;
    rows.push([run.inventory.description, resources, criticalPath, previewMs, policyMs, previewMs / resources, policyMs / resources, (previewMs + policyMs) / resources]);
  }
  print(
    "## 4. Scale run",
    "",
    `Generated inventories (one process each), offline preview${settings.scaleLean ? " (lean, as in section 1)" : ""} then the whole policy pack. Critical path:`,
    "the longest chain of creates in the plan (custom resources but providers, and remote components such as Helm charts).",
    "",
    ...renderTable(
      [
        { header: "inventory" },
        { header: "resources" },
        { header: "critical path" },
        { header: "preview ms", digits: 0 },
        { header: "policies ms", digits: 0 },
        { header: "preview ms/resource", digits: 2 },
        { header: "policies ms/resource", digits: 3 },
        { header: "total ms/resource", digits: 2 },
      ],
      rows,
    ),
    ...(notes.length > 0 ? ["", ...notes] : []),
    "",
  );
}

async function main(): Promise<void> {
  const started = Date.now();
  const settings = settingsFrom(process.argv.slice(2));
  const work = mkdtempSync(join(tmpdir(), "homeops-bench-"));
  try {
    const cpu = cpus();
    print(
      `# homeops bench${settings.tiny ? " (tiny: a smoke run, the figures mean nothing)" : ""}`,
      "",
      `Machine: ${cpu.length} cores (${cpu[0]?.model.trim() ?? "unknown CPU"}), Node ${process.version}, ${process.platform} ${process.arch}. ` +
        `Stacks: ${settings.stacks.join(", ")}. Repetitions: ${settings.reps} (medians). ${new Date().toISOString().slice(0, 10)}.`,
      "",
    );
    const plans = await previewCost(settings, work);
    await policyRates(settings, plans, work);
    await simulatedUp(settings, plans);
    await scaleRun(settings, work);
    print(`Bench time: ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`error: ${messageOf(error)}`);
  process.exit(1);
});
