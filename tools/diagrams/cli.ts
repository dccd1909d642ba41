/**
 * `npm run diagrams [-- <stack>...] [--out <dir>]`: writes `<dir>/<stack>.md` (default
 * `docs/`) for the stacks named, or for every stack with a `Pulumi.<stack>.yaml`, each from a
 * fresh offline preview of that stack.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { REPOSITORY_ROOT, runOfflinePreview } from "../plan/offlinePreview";
import { readMachineCapacities } from "./capacities";
import { stackDocument } from "./stackDocument";

/** Every stack of the project: one `Pulumi.<stack>.yaml` each. */
function projectStacks(): string[] {
  return readdirSync(REPOSITORY_ROOT).flatMap((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1] ?? []).sort();
}

async function writeStackDocument(stack: string, outDir: string): Promise<void> {
  const plan = await runOfflinePreview({ stack });
  const file = join(outDir, `${stack}.md`);
  writeFileSync(file, stackDocument(plan, readMachineCapacities(join(REPOSITORY_ROOT, `Pulumi.${stack}.yaml`))));
  const shown = relative(process.cwd(), file);
  console.log(`wrote ${shown.startsWith("..") || isAbsolute(shown) ? file : shown}`);
}

/** The Pulumi runtime is global state, one preview per process: each stack gets a process of its own, with this one's Node and loader. */
function writeInChildProcess(stack: string, outDir: string): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, __filename, stack, "--out", outDir], { stdio: "inherit" });
  return new Promise((done) => child.on("close", (code) => done(code ?? 1)));
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: "string" } } });
  const outDir = resolve(values.out ?? join(REPOSITORY_ROOT, "docs"));
  const stacks = positionals.length > 0 ? positionals : projectStacks();
  mkdirSync(outDir, { recursive: true });
  if (stacks.length === 1) {
    await writeStackDocument(stacks[0], outDir);
    return 0;
  }
  const codes = await Promise.all(stacks.map((stack) => writeInChildProcess(stack, outDir)));
  return Math.max(0, ...codes);
}

let failure: unknown;
// The SDK rejects several promises for one program error (a bad stack config); report the first only.
process.on("unhandledRejection", (error) => (failure ??= error));
main(process.argv.slice(2))
  .then((code) => {
    if (failure !== undefined) throw failure;
    return code;
  })
  .catch((error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  })
  .then((code) => process.exit(code));
