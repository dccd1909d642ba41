/**
 * Offline preview: `npm run plan -- <stack> [--config-file <path>] [--json <out.json>]
 * [--policy-config <out.json>] [--talos-configs <dir>] [--import-file <out.json>] [--omni-template <out.yaml>]`. Runs the stack's program under
 * Pulumi's mocks, prints the resource tree as `pulumi preview` would, evaluates the policy
 * pack on it (exit 1 on a mandatory violation), and optionally writes the recorded plan,
 * the pack configuration for `pulumi preview --policy-pack-config`, each Talos node's
 * generated machine config as `<dir>/<node>.yaml`, the bulk import file for
 * `pulumi import --file` of everything the stack declares that already runs, and the cluster
 * template the stack hands Omni (for `omnictl cluster template diff -f <file>`).
 *
 * `planCommand` is the whole command, callable in-process (the tests run it so, some with
 * a preview they already have); the process around it only passes argv and exits with its code.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { evaluatePlan, hasMandatoryViolation } from "../../policy/evaluate";
import type { Plan } from "../../policy/contract/plan";
import { commandOutcome, offlineRun, STACK_TRACES_VARIABLE, stackFileOf, type OfflinePreviewOptions } from "./offlinePreview";
import { policyConfigForStack } from "./policyConfig";
import { renderViolations } from "./violations";
import { ID_PLACEHOLDER, importPlanFor, liveInventoryOf } from "./importFile";
import { readHomeopsSettings } from "./stackConfig";
import { offlineMachineConfigs, writeTalosConfigs } from "./talosConfigs";
import { renderTree } from "./tree";

const USAGE =
  "usage: npm run plan -- <stack> [--config-file <path>] [--json <out.json>] [--policy-config <out.json>] [--talos-configs <dir>] [--import-file <out.json>] [--omni-template <out.yaml>]";

/** The dynamic resource that syncs Omni's cluster template (components/omni/omniClusterTemplate.ts). */
const OMNI_TEMPLATE_TYPE = "pulumi-nodejs:dynamic/omni:ClusterTemplate";

/** Where a command prints: the console, or a capture in tests. */
export type Output = Pick<Console, "log" | "error">;

/** What the command reads of an offline preview: the plan, and each Talos node's machine config. */
export interface PreviewRun {
  plan: Plan;
  machineConfigs(): Record<string, string>;
}
export type PreviewRunner = (options: OfflinePreviewOptions) => Promise<PreviewRun>;

/** A fresh offline preview of the stack. */
const freshPreview: PreviewRunner = async (options) => {
  const { plan, monitor } = await offlineRun(options);
  return { plan, machineConfigs: () => offlineMachineConfigs(monitor) };
};

async function main(argv: string[], console: Output, preview: PreviewRunner): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { "config-file": { type: "string" }, json: { type: "string" }, "policy-config": { type: "string" }, "talos-configs": { type: "string" }, "import-file": { type: "string" }, "omni-template": { type: "string" } },
  });
  if (positionals.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  const [stack] = positionals;
  console.log(`Previewing stack "${stack}" offline: Pulumi mocks stand in for every provider, nothing is contacted.\n`);
  const options = { stack, configFile: values["config-file"] };
  const run = await preview(options);
  const { plan } = run;
  const policyConfig = policyConfigForStack(stack, stackFileOf(options));
  console.log(renderTree(plan.resources).join("\n"));
  const protectedCount = plan.resources.filter((resource) => resource.protect).length;
  console.log(`\nResources:\n    + ${plan.resources.length} to create (${protectedCount} protected)`);
  if (values.json) {
    writeFileSync(values.json, `${JSON.stringify(plan, null, 2)}\n`);
    console.log(`\nPlan written to ${values.json}`);
  }
  if (values["policy-config"]) {
    writeFileSync(values["policy-config"], `${JSON.stringify(policyConfig, null, 2)}\n`);
    console.log(`\nPolicy pack configuration written to ${values["policy-config"]}`);
  }
  if (values["talos-configs"]) {
    const files = writeTalosConfigs(values["talos-configs"], run.machineConfigs());
    if (files.length === 0) throw new pulumi.RunError(`stack "${stack}" declares no Talos cluster, so there are no machine configs to write`);
    console.log(`\nTalos machine configs (from the offline stand-in PKI, not a secret) written to:\n${files.map((file) => `    ${file}`).join("\n")}`);
  }
  if (values["omni-template"]) {
    const template = plan.resources.find((resource) => resource.type === OMNI_TEMPLATE_TYPE);
    if (!template) throw new pulumi.RunError(`stack "${stack}" declares no cluster under Omni (homeops:talos.manager: omni), so there is no cluster template to write`);
    writeFileSync(values["omni-template"], String(template.inputs.template));
    console.log(`\nOmni cluster template written to ${values["omni-template"]} (compare: omnictl cluster template diff --file ${values["omni-template"]})`);
  }
  if (values["import-file"]) {
    const { file, targets } = importPlanFor(plan, liveInventoryOf(readHomeopsSettings(stackFileOf(options))));
    writeFileSync(values["import-file"], `${JSON.stringify(file, null, 2)}\n`);
    const placeholders = file.resources.filter((resource) => resource.id === ID_PLACEHOLDER).length;
    console.log(`\nImport file written to ${values["import-file"]}: ${file.resources.length} resources, ${placeholders} ids to fill (npm run import-ids -- ${values["import-file"]} --stack ${stack}).`);
    console.log(`Before \`pulumi import --file\`, create the providers (and the components above them) it refers to:\n  pulumi up --stack ${stack} ${targets.map((urn) => `--target '${urn}'`).join(" ")}`);
  }
  const report = await evaluatePlan(plan, policyConfig);
  console.log(`\n${renderViolations(report).join("\n")}`);
  return hasMandatoryViolation(report) ? 1 : 0;
}

/** Errors the user can act on are printed as their message alone, never as a stack trace. */
function report(error: unknown, console: Output): number {
  if (error instanceof pulumi.RunError) console.error(`\nerror: ${error.message}`);
  else if (error instanceof Error) console.error(`\nerror: ${error.message}\n(an unexpected failure of the program; rerun with ${STACK_TRACES_VARIABLE}=1 for its stack trace, and report it)`);
  else console.error(`\nerror: ${String(error)}`);
  return 1;
}

/** `npm run plan -- <argv>`: prints to `output`, resolves to the exit code; `preview` runs the stack's offline preview. */
export async function planCommand(argv: string[], output: Output = console, preview: PreviewRunner = freshPreview): Promise<number> {
  const outcome = await commandOutcome(() => main(argv, output, preview));
  return "failure" in outcome ? report(outcome.failure, output) : outcome.code;
}

if (require.main === module) planCommand(process.argv.slice(2)).then((code) => process.exit(code));
