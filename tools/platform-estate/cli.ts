/**
 * `npm run platform-estate -- [--root <repository>] [--config-file <Pulumi.homelab.yaml>]`
 * compares the homelab's platform, as the offline preview plans it, with the Kubernetes
 * estate of the owner's repository (by default its copy in test/references/estate): prints
 * the declared differences with their reasons, then every undeclared one, and exits 1 if
 * there is any.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { platformSchema } from "../../config/platform";
import { failIfStalled, REPOSITORY_ROOT, runOfflinePreview, stackFileOf } from "../plan/offlinePreview";
import { readHomeopsSettings } from "../plan/stackConfig";
import { compareWithEstate } from "./compare";
import { readKubernetesEstate } from "./estate";
import { programPlatform } from "./program";

const CLUSTER_PATH = "kubernetes/clusters/minipcs";

async function main() {
  const { values } = parseArgs({ options: { root: { type: "string" }, "config-file": { type: "string" } } });
  const root = resolve(values.root ?? `${REPOSITORY_ROOT}/test/references/estate`);
  const options = { stack: "homelab", configFile: values["config-file"] };
  const estate = readKubernetesEstate(root, CLUSTER_PATH);
  const plan = await runOfflinePreview(options);
  // The preview validated the whole file; the deviations and Secret keys are the platform settings'.
  const platform = platformSchema.parse(readHomeopsSettings(stackFileOf(options)).platform);
  const comparison = compareWithEstate(estate, programPlatform(plan, platform));
  const show = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));
  console.log(`Estate: ${root} (${CLUSTER_PATH}); stack file: ${stackFileOf(options)}`);
  console.log(`\nDeclared differences (${comparison.declared.length}):`);
  for (const { id, field, reason } of comparison.declared) console.log(`  ${id}${field ? ` ${field}` : ""}: ${reason}`);
  console.log(`\nUndeclared differences (${comparison.undeclared.length}):`);
  for (const { id, field, estate: was, program } of comparison.undeclared) console.log(`  ${id}${field ? ` ${field}` : ""}: estate ${show(was)}, program ${show(program)}`);
  process.exitCode = comparison.undeclared.length > 0 ? 1 : 0;
}

failIfStalled(main()).catch((error: Error) => {
  console.error(`error: ${error.message}`);
  process.exitCode = 1;
});
