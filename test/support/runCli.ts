import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { format } from "node:util";
import { stringify } from "yaml";
import { inBatches } from "../../tools/bench/pool";
import { ROOT } from "./stackConfig";

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

const TSX = join(ROOT, "node_modules", ".bin", "tsx");

/**
 * How long a tool's process may take before it is killed: a guard against a hang, not a
 * speed check. Alone, a preview's process takes seconds; on a 2-core machine shared with
 * other work it has taken minutes.
 */
export const PROCESS_TIMEOUT_MS = 300_000;

/**
 * Runs a repository tool (`tools/plan/cli.ts`, ...) as a user would, in its own process,
 * without blocking the test's event loop; `input` is its stdin, `env` its environment.
 */
export function spawnTool(script: string, args: string[], options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [join(ROOT, script), ...args], { cwd: ROOT, env: options.env, stdio: "pipe", timeout: options.timeoutMs ?? PROCESS_TIMEOUT_MS });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(options.input);
  });
}

/** Runs the thunks at most as many at a time as the machine has cores (at least two). */
export function inPool<T>(thunks: (() => Promise<T>)[]): Promise<T[]> {
  return inBatches(thunks, Math.max(2, cpus().length));
}

/** A Node stack frame line: `    at fn (file:line:col)` or `    at file:line:col`. */
export const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

/** A tool reports an error as its message alone: no stack frame in what it printed. */
export function expectNoStackTrace(text: string): void {
  expect(text).not.toMatch(STACK_FRAME);
}

/**
 * Runs a tool's command function in this process (e.g. `planCommand`), capturing what it
 * prints: the tool without the process around it, for tests where the process boundary
 * is not what is tested (one test per tool runs it as a process).
 */
export async function runCommand(command: (argv: string[], output: Pick<Console, "log" | "error">) => Promise<number>, argv: string[]): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const output = { log: (...items: unknown[]) => stdout.push(`${format(...items)}\n`), error: (...items: unknown[]) => stderr.push(`${format(...items)}\n`) };
  const status = await command(argv, output);
  return { status, stdout: stdout.join(""), stderr: stderr.join("") };
}

/** Writes a stack settings file with the given `homeops:` keys. */
export function writeStackFile(dir: string, config: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  const file = join(dir, "Pulumi.test.yaml");
  const namespaced = Object.fromEntries(Object.entries(config).map(([key, value]) => [`homeops:${key}`, value]));
  writeFileSync(file, stringify({ config: { ...namespaced, ...extra } }));
  return file;
}
