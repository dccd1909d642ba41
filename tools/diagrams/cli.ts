/**
 * `npm run diagrams [-- <stack>...] [--out <dir>]`: writes `<dir>/<stack>.md` (default
 * `docs/`) for the stacks named, or for every stack with a `Pulumi.<stack>.yaml`, each from a
 * fresh offline preview of that stack.
 *
 * `diagramsCommand` is the whole command, callable in-process with the previews given (the
 * tests pass the run's shared ones); the process around it only passes argv and exits.
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Plan } from "../../policy/contract/plan";
import type { Output } from "../plan/cli";
import { commandOutcome, REPOSITORY_ROOT, runOfflinePreview } from "../plan/offlinePreview";
import { readMachineCapacities } from "./capacities";
import { stackDocument } from "./stackDocument";

/** Every stack of the project: one `Pulumi.<stack>.yaml` each. */
function projectStacks(): string[] {
  return readdirSync(REPOSITORY_ROOT).flatMap((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1] ?? []).sort();
}

/** A stack's offline plan: a fresh preview, unless the caller has one. */
export type PreviewOf = (stack: string) => Promise<Plan>;

async function writeStackDocument(stack: string, outDir: string, previewOf: PreviewOf, console: Output): Promise<void> {
  const plan = await previewOf(stack);
  const file = join(outDir, `${stack}.md`);
  writeFileSync(file, stackDocument(plan, readMachineCapacities(join(REPOSITORY_ROOT, `Pulumi.${stack}.yaml`))));
  const shown = relative(process.cwd(), file);
  console.log(`wrote ${shown.startsWith("..") || isAbsolute(shown) ? file : shown}`);
}

async function main(argv: string[], previewOf: PreviewOf, console: Output): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: "string" } } });
  const outDir = resolve(values.out ?? join(REPOSITORY_ROOT, "docs"));
  const stacks = positionals.length > 0 ? positionals : projectStacks();
  mkdirSync(outDir, { recursive: true });
  // One after another in this process, each preview in a Pulumi runtime of its own: cheaper
  // than a process per stack, which would load Node, the SDK and the program again.
  for (const stack of stacks) await writeStackDocument(stack, outDir, previewOf, console);
  return 0;
}

/** `npm run diagrams -- <argv>`: prints to `output`, resolves to the exit code. */
export async function diagramsCommand(argv: string[], output: Output = console, previewOf: PreviewOf = (stack) => runOfflinePreview({ stack })): Promise<number> {
  const outcome = await commandOutcome(() => main(argv, previewOf, output));
  if (!("failure" in outcome)) return outcome.code;
  const { failure } = outcome;
  output.error(`error: ${failure instanceof Error ? failure.message : String(failure)}`);
  return 1;
}

if (require.main === module) diagramsCommand(process.argv.slice(2)).then((code) => process.exit(code));
