/**
 * The measurements the benchmark runs, each in a child process of its own
 * (tools/bench/child.ts), and how the parent starts one and reads its result.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";

export type BenchTask =
  /**
   * The offline preview of a stack, as `npm run plan` runs it; optionally the policy pack on
   * the result. `lean`: with the SDK's debug stack capture off while the program runs.
   */
  | { task: "preview"; stack: string; configFile?: string; planOut?: string; policies?: boolean; lean?: boolean }
  /** `count` bare custom resources registered under the same mocks and recorder, no program. */
  | { task: "floor"; count: number }
  /** The simulated `up`: every create waits `delayMs`. */
  | { task: "up"; stack: string; delayMs: number; planOut?: string }
  /**
   * The reachability (isolation) policy on one synthetic Docker host per size, then the whole
   * pack on `planFile` replicated to at least `target` resources (when given).
   */
  | { task: "policies"; rate?: { planFile: string; stack: string; stackFile: string; target: number; reps: number }; reachability: { sizes: number[]; minMs: number } };

export interface PreviewResult {
  loadMs: number;
  previewMs: number;
  resources: number;
  /** Longest chain of creates in the plan (tools/bench/criticalPath.ts, `takesTime`). */
  criticalPath?: number;
  policyMs?: number;
  violations?: number;
}

export interface UpResult {
  wallMs: number;
  created: number;
  timedCreates: number;
  criticalPath: number;
  chain: { name: string; type: string; via?: string; timed: boolean }[];
}

export interface PolicyRateResult {
  resources: number;
  copies: number;
  runsMs: number[];
  violations: number;
}

export interface ReachabilityResult {
  rows: { containers: number; memberships: number; msPerRun: number; runs: number; violations: number }[];
}

export interface PoliciesResult {
  rate?: PolicyRateResult;
  reachability: ReachabilityResult;
}

/** How a child marks its result line on stdout. */
export const RESULT_MARK = "@@bench ";

const ROOT = join(__dirname, "..", "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");
const CHILD = join(__dirname, "child.ts");

/** Runs one measurement in a fresh process (as `npm run plan` runs: tsx) and returns its result. */
export function runTask<Result>(task: BenchTask): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [CHILD, JSON.stringify(task)], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const line = stdout.split("\n").find((candidate) => candidate.startsWith(RESULT_MARK));
      if (code === 0 && line) resolve(JSON.parse(line.slice(RESULT_MARK.length)) as Result);
      else reject(new Error(`bench task ${task.task}${"stack" in task ? ` (${task.stack})` : ""} failed (exit ${code}): ${stderr.trim().split("\n").slice(-5).join(" | ") || "no output"}`));
    });
  });
}
