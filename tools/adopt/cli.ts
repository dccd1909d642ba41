/**
 * `npm run adopt -- <compose.yaml> --host <host> --stack <Komodo stack> [--root <repo>]`
 * prints the `homeops:dockerStacks` entry that declares the containers of that compose file;
 * `npm run adopt -- --komodo <stacks-<host>.toml> --root <repo>` does every stack of it;
 * `npm run adopt -- --check <stack> [--root <estate>]` compares `Pulumi.<stack>.yaml` with the
 * estate and lists the declared deviations (exit 1 on any undeclared difference).
 * `npm run adopt -- proxmox --endpoint <url> [--token-file <file>] [--insecure]` prints the
 * entries of the guests and storages a Proxmox node runs (the token from
 * $PROXMOX_VE_API_TOKEN or the file, never from the command line).
 * A compose field the program cannot express is listed with its file and path and makes the
 * exit code 1 unless `--allow-unmapped`.
 *
 * `adoptCommand` is the whole command, callable in-process (the tests run it so); the
 * process around it only passes argv and sets the exit code.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Document, isScalar, visit } from "yaml";
import { ComposeError, type Adopted } from "./compose";
import { adoptFile, adoptKomodoFile, EstateError } from "./estate";
import { checkStackFile, DEFAULT_ESTATE_ROOT, renderCheck } from "./check";
import { discoverProxmox, renderDiscovery } from "./proxmox";
import { proxmoxApi, ProxmoxApiError, readToken, TOKEN_VARIABLE } from "./proxmoxApi";
import type { Output } from "../plan/cli";

const USAGE = [
  "usage: npm run adopt -- <compose.yaml> --host <docker host> --stack <Komodo stack name> [--root <repo root>] [--allow-unmapped]",
  "       npm run adopt -- --komodo <stacks-<host>.toml> --root <repo root> [--allow-unmapped]",
  "       npm run adopt -- --check <stack> [--root <estate root>] [--config-file <Pulumi.<stack>.yaml>]",
  `       npm run adopt -- proxmox --endpoint <https://node:8006/> [--token-file <file>] [--insecure] [--allow-unmapped]   (token: $${TOKEN_VARIABLE} or the file)`,
].join("\n");

/** The repository root above a compose file: where Komodo's resources or .git are. */
function findRoot(from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "docker", "komodo-resources")) || existsSync(join(dir, ".git"))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

export function render(adopted: Adopted[]): string {
  const document = new Document(adopted.map((one) => one.stack));
  // Short lists of words and {configSecret: key} on one line, as the stack files write them.
  visit(document, {
    Seq: (_, node) => void (node.flow = node.items.length <= 8 && node.items.every((item) => isScalar(item) && String(item.value).length <= 40)),
    Map: (_, node) => void (node.flow = node.items.length === 1 && isScalar(node.items[0].key) && node.items[0].key.value === "configSecret"),
  });
  const networks = adopted.flatMap((one) => one.networks.map((network) => ({ ...network, host: one.stack.host, stack: one.stack.name })));
  if (networks.length > 0) {
    document.commentBefore = [
      " Networks the containers join, under homeops:dockerHosts.<host>.networks:",
      ...networks.map((network) => `   ${network.host}: ${network.dockerName}${network.created ? ` (created by ${network.stack}${network.internal ? ", internal" : ""})` : " (external)"}`),
    ].join("\n");
  }
  return document.toString({ lineWidth: 0 });
}

/** Reads the Proxmox API and prints the entries; exit 1 on an offline node or (unless allowed) an unmapped setting. */
async function adoptProxmox(
  values: { endpoint?: string; "token-file"?: string; insecure?: boolean; "allow-unmapped"?: boolean },
  console: Output,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  if (!values.endpoint) return usage(console);
  const api = proxmoxApi(values.endpoint, readToken(values["token-file"], env), { insecure: values.insecure });
  const discovery = await discoverProxmox(api);
  const { yaml, toFill } = renderDiscovery(discovery);
  // The rendered YAML ends in a newline, which `log` adds.
  console.log(yaml.replace(/\n$/, ""));
  for (const item of toFill) console.error(`to fill: ${item.path}: ${item.why}`);
  for (const item of discovery.unmapped) console.error(`unmapped: ${item.guest}: ${item.key}: ${item.reason}`);
  for (const { node, guests } of discovery.offline) {
    console.error(`error: node ${node} is offline: its storages and guests (${guests.join(", ") || "none listed"}) were not read; start it, or read it later`);
  }
  if (discovery.offline.length > 0) return 1;
  if (discovery.unmapped.length > 0 && !values["allow-unmapped"]) {
    console.error(`${discovery.unmapped.length} setting(s) not mapped: the entries above do not declare them (rerun with --allow-unmapped to accept that)`);
    return 1;
  }
  return 0;
}

async function main(argv: string[], console: Output, env: NodeJS.ProcessEnv): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      host: { type: "string" },
      stack: { type: "string" },
      root: { type: "string" },
      komodo: { type: "string" },
      check: { type: "string" },
      "config-file": { type: "string" },
      "allow-unmapped": { type: "boolean", default: false },
      endpoint: { type: "string" },
      "token-file": { type: "string" },
      insecure: { type: "boolean", default: false },
    },
  });
  if (positionals[0] === "proxmox") return positionals.length === 1 ? adoptProxmox(values, console, env) : usage(console);
  if (values.check) {
    const result = checkStackFile(values.check, { estateRoot: values.root ?? DEFAULT_ESTATE_ROOT, stackFile: values["config-file"] });
    console.log(renderCheck(result).join("\n"));
    return result.undeclared.length + result.stale.length > 0 ? 1 : 0;
  }
  let adopted: Adopted[];
  if (values.komodo) {
    if (positionals.length > 0 || !values.root) return usage(console);
    adopted = adoptKomodoFile(values.komodo, values.root);
  } else {
    if (positionals.length !== 1 || !values.host || !values.stack) return usage(console);
    const root = values.root ?? findRoot(dirname(positionals[0]));
    if (!root) throw new EstateError(`${positionals[0]}: no repository root above it (docker/komodo-resources or .git): pass --root`);
    adopted = [adoptFile({ composePath: positionals[0], root, host: values.host, stack: values.stack })];
  }
  // The rendered YAML ends in a newline, which `log` adds.
  console.log(render(adopted).replace(/\n$/, ""));
  const unmapped = adopted.flatMap((one) => one.unmapped);
  for (const item of unmapped) console.error(`unmapped: ${item.file}: ${item.path}: ${item.reason}`);
  if (unmapped.length > 0 && !values["allow-unmapped"]) {
    console.error(`${unmapped.length} field(s) not mapped: the entry above does not declare them (rerun with --allow-unmapped to accept that)`);
    return 1;
  }
  return 0;
}

function usage(console: Output): number {
  console.error(USAGE);
  return 2;
}

/** `npm run adopt -- <argv>`: prints to `output`, returns the exit code; `env` holds the Proxmox token variable. */
export async function adoptCommand(argv: string[], output: Output = console, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    return await main(argv, output, env);
  } catch (error) {
    // Bad input, a refused or unreachable API: the message alone, never a stack trace.
    if (error instanceof ComposeError || error instanceof EstateError || error instanceof ProxmoxApiError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      output.error(`error: ${(error as Error).message}`);
      return 1;
    }
    throw error;
  }
}

if (require.main === module) adoptCommand(process.argv.slice(2)).then((code) => (process.exitCode = code));
