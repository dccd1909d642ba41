/**
 * `npm run up-sim -- <stack> [--fail <resource>] [--continue-on-error] [--delay-ms <ms>] [--config-file <path>]`
 *
 * A simulated `pulumi up` under the offline preview's mocks (nothing is contacted): every
 * create takes --delay-ms. With --fail, that resource's create fails as its provider would
 * fail it (an unreachable Docker host, a refused Proxmox API call), and the tool prints what
 * a user needs: the resource, its type, the host or node behind it, what is already done
 * and what to do next; exit code 1. The resource is its logical name as the preview tree
 * shows it (`aegis-periphery/periphery`), or `<type>::<name>` or a tail of it
 * (`VmLegacy::homeops/talos-cp-1`) when several resources share the name.
 */
import { parseArgs } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { failIfStalled } from "../plan/offlinePreview";
import { failureReport } from "./failureReport";
import { simulateUp } from "./simulate";

const USAGE = "usage: npm run up-sim -- <stack> [--fail <resource>] [--continue-on-error] [--delay-ms <ms>] [--config-file <path>]";

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      fail: { type: "string" },
      "continue-on-error": { type: "boolean", default: false },
      "delay-ms": { type: "string", default: "20" },
      "config-file": { type: "string" },
    },
  });
  const delayMs = Number(values["delay-ms"]);
  if (positionals.length !== 1 || !Number.isFinite(delayMs) || delayMs < 0) {
    console.error(USAGE);
    return 2;
  }
  const [stack] = positionals;
  const continueOnError = values["continue-on-error"] ?? false;
  const result = await simulateUp({ stack, configFile: values["config-file"], delayMs, fail: values.fail, continueOnError });
  // Created resources: custom ones (components and the Stack are bookkeeping).
  const created = result.plan.resources.filter((resource) => resource.custom).length;

  if (result.failure) {
    console.error(failureReport({ stack, failure: result.failure, created, notStarted: result.notStarted.length, continueOnError }).join("\n"));
    if (result.alsoMatched.length > 0) console.error(`\nnote: --fail ${values.fail} also names ${result.alsoMatched.join(", ")}; only the first was failed.`);
    return 1;
  }
  const [programError] = result.programErrors;
  if (programError !== undefined) {
    // Bad configuration and other errors the user can act on: the message alone.
    if (programError instanceof pulumi.RunError) console.error(`error: ${programError.message}`);
    else console.error(`error: ${messageOf(programError)}\n(an unexpected failure of the program; run with NODE_OPTIONS=--stack-trace-limit=50 and report it)`);
    return 1;
  }
  if (values.fail !== undefined) {
    const close = result.plan.resources.filter((resource) => resource.custom && resource.name.includes(values.fail!)).map((resource) => `${resource.type}::${resource.name}`);
    console.error(`error: no resource created by stack "${stack}" is named ${values.fail}${close.length > 0 ? `; did you mean one of: ${close.join(", ")}` : ""}`);
    return 2;
  }
  console.log(`Simulated \`pulumi up\` of stack "${stack}" (every create ${delayMs} ms, nothing contacted): ${created} resources created (${result.timed.size} of them timed creates), ${Math.round(result.wallMs)} ms.`);
  return 0;
}

failIfStalled(main(process.argv.slice(2))).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`error: ${messageOf(error)}`);
    process.exit(1);
  },
);
