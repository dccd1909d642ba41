/**
 * `npm run diagrams [-- <stack>...] [--out <dir>]`: writes `<dir>/<stack>.md` (default
 * `docs/`) for the stacks named, or for every stack with a `Pulumi.<stack>.yaml`, each from a
 * fresh offline preview of that stack.
 */
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

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: "string" } } });
  const outDir = resolve(values.out ?? join(REPOSITORY_ROOT, "docs"));
  const stacks = positionals.length > 0 ? positionals : projectStacks();
  mkdirSync(outDir, { recursive: true });
  // One after another in this process, each preview in a Pulumi runtime of its own: cheaper
  // than a process per stack, which would load Node, the SDK and the program again.
  for (const stack of stacks) await writeStackDocument(stack, outDir);
  return 0;
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
