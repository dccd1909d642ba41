/**
 * `npm run import-ids -- <import.json> [--stack <stack>] [--config-file <Pulumi.<stack>.yaml>]`:
 * fills the ids of the Docker containers and networks in a bulk import file from the hosts
 * themselves, `docker inspect` over the same ssh the Docker provider runs (your `ssh`, the
 * host's sshUser, address, sshPort and sshOptions). Writes the file back; exit 1 if any
 * resource was not found on its host (it keeps the placeholder, and is listed).
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { fillIds, KINDS, type SshHost } from "./dockerIds";
import { ID_PLACEHOLDER, type ImportFile } from "./importFile";
import { readHomeopsSettings } from "./stackConfig";

function main(argv: string[]): number {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { stack: { type: "string" }, "config-file": { type: "string" } } });
  if (positionals.length !== 1 || (!values.stack && !values["config-file"])) {
    console.error("usage: npm run import-ids -- <import.json> --stack <stack> [--config-file <Pulumi.<stack>.yaml>]");
    return 2;
  }
  const stackFile = values["config-file"] ?? `Pulumi.${values.stack}.yaml`;
  const hosts = (readHomeopsSettings(stackFile).dockerHosts ?? {}) as Record<string, SshHost>;
  const file = JSON.parse(readFileSync(positionals[0], "utf8")) as ImportFile;
  const missing = fillIds(file, hosts, (args) => {
    const result = spawnSync("ssh", args, { encoding: "utf8" });
    if (result.error) throw new Error(`ssh ${args.join(" ")}: ${result.error.message}`);
    // docker inspect exits 1 when one name is missing but still prints the others.
    if (result.status !== 0 && !result.stdout) throw new Error(`ssh ${args.join(" ")} failed (exit ${result.status}): ${result.stderr.trim()}`);
    return result.stdout;
  });
  writeFileSync(positionals[0], `${JSON.stringify(file, null, 2)}\n`);
  const filled = file.resources.filter((resource) => KINDS[resource.type] && resource.id !== ID_PLACEHOLDER).length;
  console.log(`${positionals[0]}: ${filled} container and network ids filled from the hosts.`);
  for (const line of missing) console.error(`not found: ${line}`);
  return missing.length > 0 ? 1 : 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  process.exitCode = 1;
}
