/**
 * Reads the owner's repository as Komodo uses it: the stacks of a `stacks-<host>.toml`, each
 * compose file with the variables compose substitutes in it, and the env files beside it
 * (the `.sops.env` sources only for their variable names: their values stay encrypted).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, posix, relative, resolve, sep } from "node:path";
import { parse as parseToml } from "@iarna/toml";
import { parse as parseYaml } from "yaml";
import { adoptCompose, ComposeError, KOMODO_STACKS_DIR, type Adopted } from "./compose";
import type { Variable } from "./interpolate";
import { envFileSecretKey } from "./secretKeys";

/** A Komodo stack: its name is compose's project name. */
export interface KomodoStack {
  name: string;
  server: string;
  filePaths: string[];
  /** Komodo's `environment`: when set, compose substitutes from it alone. */
  environment: Record<string, string>;
}

export class EstateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EstateError";
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new EstateError(`${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

export function readKomodoStacks(tomlPath: string): KomodoStack[] {
  let document: Record<string, unknown>;
  try {
    document = parseToml(readText(tomlPath)) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof EstateError) throw error;
    throw new EstateError(`${tomlPath}: not valid TOML: ${(error as Error).message.split("\n")[0]}`);
  }
  const stacks = Array.isArray(document.stack) ? (document.stack as Record<string, unknown>[]) : [];
  return stacks.map((stack, index) => {
    const at = `${tomlPath}: stack[${index}]`;
    const config = (stack.config ?? {}) as Record<string, unknown>;
    if (typeof stack.name !== "string") throw new EstateError(`${at}.name: missing`);
    if (typeof config.server_id !== "string") throw new EstateError(`${at}.config.server_id: missing`);
    if (!Array.isArray(config.file_paths) || config.file_paths.length === 0) throw new EstateError(`${at}.config.file_paths: missing`);
    return {
      name: stack.name,
      server: config.server_id,
      filePaths: config.file_paths.map(String),
      environment: typeof config.environment === "string" ? parseDotenv(config.environment) : {},
    };
  });
}

/** `NAME=value` lines; comments, blank lines and SOPS's own metadata are left out. */
export function parseDotenv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (!match || match[1].startsWith("sops_")) continue;
    values[match[1]] = match[2].trim().replace(/^(["'])(.*)\1$/, "$2");
  }
  return values;
}

/** The encrypted source of a decrypted env file, as the estate's sops-decrypt.sh names them. */
function sopsSourceOf(path: string): string {
  return path.replace(/\.env$/, ".sops.env");
}

function envFile(root: string, repoPath: string): { names: string[]; encrypted: boolean; values?: Record<string, string> } | undefined {
  const encrypted = join(root, sopsSourceOf(repoPath));
  // The .sops.env wins: a decrypted .env left beside it must never have its values copied.
  if (existsSync(encrypted)) return { names: Object.keys(parseDotenv(readText(encrypted))), encrypted: true };
  const plain = join(root, repoPath);
  if (!existsSync(plain)) return undefined;
  const values = parseDotenv(readText(plain));
  return { names: Object.keys(values), encrypted: false, values };
}

export interface AdoptFileOptions {
  composePath: string;
  /** The repository's root: `./` mounts and env files are relative to it. */
  root: string;
  host: string;
  stack: string;
  environment?: Record<string, string>;
}

export function adoptFile(options: AdoptFileOptions): Adopted {
  const composePath = resolve(options.composePath);
  const root = resolve(options.root);
  const repoDir = relative(root, dirname(composePath)).split(sep).join("/");
  if (repoDir.startsWith("..")) throw new EstateError(`${options.composePath}: not inside the repository root ${options.root}`);
  let compose: unknown;
  try {
    compose = parseYaml(readText(composePath), { merge: true });
  } catch (error) {
    if (error instanceof EstateError) throw error;
    throw new EstateError(`${options.composePath}: not valid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
  const variables = new Map<string, Variable>();
  if (options.environment && Object.keys(options.environment).length > 0) {
    // Komodo passes --env-file <its own .env>: the compose folder's .env is not read then.
    for (const [name, value] of Object.entries(options.environment)) variables.set(name, { literal: value });
  } else {
    const dotenv = envFile(root, posix.join(repoDir, ".env"));
    for (const name of dotenv?.names ?? []) {
      const literal = dotenv?.values?.[name];
      variables.set(name, literal !== undefined ? { literal } : { secretKey: envFileSecretKey(posix.join(repoDir, ".env"), name) });
    }
  }
  return adoptCompose(compose, {
    file: options.composePath,
    host: options.host,
    stack: options.stack,
    repoDir,
    checkoutRoot: posix.join(KOMODO_STACKS_DIR, options.stack),
    variables,
    envFileNames: (repoPath) => envFile(root, repoPath),
  });
}

/** Every stack of a Komodo stacks file, adopted. */
export function adoptKomodoFile(tomlPath: string, root: string): Adopted[] {
  return readKomodoStacks(tomlPath).map((stack) => {
    if (stack.filePaths.length > 1) throw new EstateError(`${tomlPath}: stack ${stack.name}: several file_paths (a merged compose project) are not mapped`);
    return adoptFile({ composePath: join(root, stack.filePaths[0]), root, host: stack.server, stack: stack.name, environment: stack.environment });
  });
}

export { ComposeError };
