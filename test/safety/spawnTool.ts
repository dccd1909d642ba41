import { spawn } from "node:child_process";
import { cpus } from "node:os";
import { join } from "node:path";
import { PROCESS_TIMEOUT_MS, type CliRun } from "../support/runCli";
import { ROOT } from "../support/stackConfig";
import { inBatches } from "../../tools/bench/pool";

const TSX = join(ROOT, "node_modules", ".bin", "tsx");

/** Runs a repository tool (`tools/plan/cli.ts`, ...) as a user would, in its own process, without blocking. */
export function spawnTool(script: string, args: string[], timeoutMs = PROCESS_TIMEOUT_MS): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [join(ROOT, script), ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** Runs the thunks at most as many at a time as the machine has cores (at least two). */
export function inPool<T>(thunks: (() => Promise<T>)[]): Promise<T[]> {
  return inBatches(thunks, Math.max(2, cpus().length));
}

/** A Node stack frame line: `    at fn (file:line:col)` or `    at file:line:col`. */
export const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;
