/**
 * The standalone checker: `npm run policy -- check [--json] [--config <file>] <input>...`.
 * Inputs are plan JSON files written by the offline preview, or Kubernetes YAML manifests
 * (`-` reads stdin), so `helm template ... | npm run policy -- check -` checks a rendered chart.
 * Exit 1 on a mandatory violation, 2 on unusable input or configuration, 3 when a policy
 * itself fails, 0 otherwise.
 *
 * `policyCommand` is the whole command, callable in-process (the tests run it so); the
 * process around it only passes argv and stdin and sets the exit code.
 */
import { readFile } from "node:fs/promises";
import type { Plan, PlannedResource } from "./contract/plan";
import { evaluatePlan, parsePackConfig, PolicyConfigError, violationDetail, type PolicyViolation } from "./evaluate";
import { ManifestError, manifestResources, parseManifests } from "./manifests";
import type { PackConfig } from "./config";
import { isRecord, stringOf, type Dict } from "./values";

const USAGE = "usage: npm run policy -- check [--json] [--config <pack-config.json>] <plan.json | manifest.yaml | ->...";

class InputError extends Error {}

/** Where the command prints: the console, or a capture in tests. */
type Output = Pick<Console, "log" | "error">;

interface Options {
  json: boolean;
  configPath?: string;
  inputs: string[];
}

function parseArgs(argv: readonly string[]): Options {
  const [command, ...rest] = argv;
  if (command !== "check") throw new InputError(USAGE);
  const options: Options = { json: false, inputs: [] };
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === "--json") options.json = true;
    else if (rest[i] === "--config") options.configPath = rest[++i] ?? "";
    else options.inputs.push(rest[i]);
  }
  if (options.inputs.length === 0 || options.configPath === "") throw new InputError(USAGE);
  return options;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function readText(path: string, stdin: () => Promise<string>): Promise<string> {
  try {
    return path === "-" ? await stdin() : await readFile(path, "utf8");
  } catch (error) {
    throw new InputError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A plan written by the offline preview; optional fields default as the engine would leave them. */
function planOf(value: Dict, source: string): Plan {
  const resources = (value.resources as unknown[]).map((resource, index): PlannedResource => {
    const fields = isRecord(resource) ? resource : {};
    const [urn, type, name] = [stringOf(fields.urn), stringOf(fields.type), stringOf(fields.name)];
    if (!urn || !type || name === undefined || !isRecord(fields.inputs)) {
      throw new InputError(`${source}: resources[${index}] needs urn, type, name and inputs`);
    }
    return {
      urn, type, name, inputs: fields.inputs, outputs: isRecord(fields.outputs) ? fields.outputs : undefined,
      custom: fields.custom !== false, parent: stringOf(fields.parent) ?? "", provider: stringOf(fields.provider) ?? "",
      dependencies: (fields.dependencies as string[] | undefined) ?? [],
      propertyDependencies: (fields.propertyDependencies as Record<string, string[]> | undefined) ?? {},
      protect: fields.protect === true, retainOnDelete: fields.retainOnDelete === true, deleteBeforeReplace: fields.deleteBeforeReplace === true,
      ignoreChanges: (fields.ignoreChanges as string[] | undefined) ?? [], replaceOnChanges: (fields.replaceOnChanges as string[] | undefined) ?? [],
    };
  });
  return { project: stringOf(value.project) ?? "", stack: stringOf(value.stack) ?? "", resources };
}

function isPlan(value: unknown): value is Dict {
  return isRecord(value) && Array.isArray(value.resources) && typeof value.stack === "string";
}

interface Inputs {
  plans: { source: string; plan: Plan }[];
  manifests: PlannedResource[];
  skipped: number;
}

async function loadInputs(paths: readonly string[], stdin: () => Promise<string>): Promise<Inputs> {
  const inputs: Inputs = { plans: [], manifests: [], skipped: 0 };
  for (const path of paths) {
    const source = path === "-" ? "stdin" : path;
    const text = await readText(path, stdin);
    const json = parseJson(text);
    if (isPlan(json)) {
      inputs.plans.push({ source, plan: planOf(json, source) });
      continue;
    }
    const { resources, skipped } = manifestResources(parseManifests(text, source));
    inputs.manifests.push(...resources);
    inputs.skipped += skipped;
  }
  return inputs;
}

async function loadConfig(path: string | undefined, stdin: () => Promise<string>): Promise<PackConfig> {
  if (path === undefined) return {};
  const config = parseJson(await readText(path, stdin));
  if (config === undefined) throw new InputError(`${path} is not JSON`);
  try {
    return parsePackConfig(config);
  } catch (error) {
    if (!(error instanceof PolicyConfigError)) throw error;
    const { problems } = error;
    throw new InputError([`invalid pack configuration ${path} (${problems.length} problem${problems.length === 1 ? "" : "s"}):`, ...problems.map((problem) => `  ${problem}`)].join("\n"));
  }
}

/** Manifests from every input form one plan, so that namespaces and NetworkPolicies in one file apply to workloads in another. */
function plansToCheck(inputs: Inputs): { source: string; plan: Plan }[] {
  if (inputs.manifests.length === 0) return inputs.plans;
  return [...inputs.plans, { source: "manifests", plan: { project: "manifests", stack: "policy-check", resources: inputs.manifests } }];
}

function line(violation: PolicyViolation): string {
  const resource = violation.name ? `${violation.name} (${violation.type})` : "(stack)";
  return `[${violation.enforcementLevel}] ${violation.policyName}  ${resource}: ${violationDetail(violation).replace(/\n/g, " ")}`;
}

async function check(options: Options, console: Output, stdin: () => Promise<string>): Promise<number> {
  const config = await loadConfig(options.configPath, stdin);
  const inputs = await loadInputs(options.inputs, stdin);
  if (inputs.skipped > 0) console.error(`skipped ${inputs.skipped} document(s) without apiVersion and kind`);
  const checked = plansToCheck(inputs);
  const results = [];
  for (const { source, plan } of checked) results.push({ source, report: await evaluatePlan(plan, config) });
  const violations = results.flatMap(({ source, report }) => report.violations.map((violation) => ({ source, ...violation })));
  const mandatory = violations.filter((violation) => violation.enforcementLevel === "mandatory").length;
  const resources = results.reduce((sum, { report }) => sum + report.resourceCount, 0);
  const summary = { inputs: options.inputs.length, resources, violations: violations.length, mandatory, advisory: violations.length - mandatory };
  if (options.json) {
    console.log(JSON.stringify({ summary, violations }, null, 2));
  } else {
    for (const violation of violations) console.log(line(violation));
    console.log(`policy check: ${summary.violations} violation(s), ${mandatory} mandatory, in ${resources} resource(s) from ${summary.inputs} input(s)`);
  }
  return mandatory > 0 ? 1 : 0;
}

/** `npm run policy -- <argv>`: prints to `console`, reads `-` from `stdin`, resolves to the exit code. */
export async function policyCommand(argv: readonly string[], console: Output = globalThis.console, stdin: () => Promise<string> = readStdin): Promise<number> {
  try {
    return await check(parseArgs(argv), console, stdin);
  } catch (error) {
    if (error instanceof InputError || error instanceof ManifestError) {
      console.error(error.message);
      return 2;
    }
    console.error(error);
    return 3;
  }
}

if (require.main === module) {
  policyCommand(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
