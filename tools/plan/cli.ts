/**
 * Offline preview: `npm run plan -- <stack> [--config-file <path>] [--json <out.json>]`.
 * Runs the stack's program under Pulumi's mocks, prints the resource tree as
 * `pulumi preview` would, and optionally writes the recorded plan as JSON.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { runOfflinePreview } from "./offlinePreview";
import { renderTree } from "./tree";

const USAGE = "usage: npm run plan -- <stack> [--config-file <path>] [--json <out.json>]";

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { "config-file": { type: "string" }, json: { type: "string" } },
  });
  if (positionals.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  const [stack] = positionals;
  console.log(`Previewing stack "${stack}" offline: Pulumi mocks stand in for every provider, nothing is contacted.\n`);
  const plan = await runOfflinePreview({ stack, configFile: values["config-file"] });
  console.log(renderTree(plan.resources).join("\n"));
  const protectedCount = plan.resources.filter((resource) => resource.protect).length;
  console.log(`\nResources:\n    + ${plan.resources.length} to create (${protectedCount} protected)`);
  if (values.json) {
    writeFileSync(values.json, `${JSON.stringify(plan, null, 2)}\n`);
    console.log(`\nPlan written to ${values.json}`);
  }
  return 0;
}

/** Errors the user can act on are printed as their message alone, never as a stack trace. */
function report(error: unknown): number {
  if (error instanceof pulumi.RunError) console.error(`\nerror: ${error.message}`);
  else if (error instanceof Error) console.error(`\nerror: ${error.message}\n(an unexpected failure of the program; run with NODE_OPTIONS=--stack-trace-limit=50 and report it)`);
  else console.error(`\nerror: ${String(error)}`);
  return 1;
}

let failure: unknown;
// The SDK rejects several promises for one program error; report the first only.
process.on("unhandledRejection", (error) => (failure ??= error));
main(process.argv.slice(2))
  .then((code) => (failure ? report(failure) : code), report)
  .then((code) => process.exit(code));
