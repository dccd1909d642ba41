import { existsSync, readFileSync } from "node:fs";
import { RunError } from "@pulumi/pulumi/errors";
import { parse } from "yaml";
import { configSecretsReferencedIn } from "../../config/values";

export interface OfflineConfig {
  /** Config as the engine passes it to a program: `namespace:key` to a string (JSON for structures). */
  values: Record<string, string>;
  /** Keys whose values are secrets (replaced by placeholders here). */
  secretKeys: string[];
}

/** What every secret config value reads as in the offline preview. */
export function secretPlaceholder(key: string): string {
  return `offline-placeholder-for-${key}`;
}

/**
 * Reads a stack settings file the way the engine would hand it to the program, except
 * that secrets are never decrypted: each `secure:` value, and each `{configSecret: key}`
 * the inventory refers to but the file does not set, becomes a marked placeholder.
 */
export function readOfflineConfig(stackFile: string, namespace: string): OfflineConfig {
  if (!existsSync(stackFile)) throw new RunError(`No stack settings file ${stackFile}: pass --config-file <path>, or create Pulumi.<stack>.yaml`);
  const settings = (parse(readFileSync(stackFile, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  const setSecret = (key: string) => {
    values[key] = secretPlaceholder(key);
    secretKeys.push(key);
  };
  for (const [key, value] of Object.entries(settings.config ?? {})) {
    if (isSecure(value)) setSecret(key);
    else values[key] = cliConfigValue(value);
  }
  for (const key of configSecretsReferencedIn(settings.config ?? {})) {
    const fullKey = `${namespace}:${key}`;
    if (!(fullKey in values)) setSecret(fullKey);
  }
  return { values, secretKeys: secretKeys.sort() };
}

/** Go's encoding/json: map keys sorted, arrays in order. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, inner]) => [key, sortedKeys(inner)]));
}

/** `JSON.stringify` as Go's `json.Marshal` writes it: `<`, `>`, `&` and the JavaScript line separators escaped. */
function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * A config value as the CLI hands it to a program: a string as it is, anything else as the JSON
 * the engine marshals it to, so structured maps arrive with their keys sorted (the program sees
 * hosts and networks in alphabetical order, not the stack file's).
 */
export function cliConfigValue(value: unknown): string {
  return typeof value === "string" ? value : goJson(sortedKeys(value));
}

/**
 * `PULUMI_CONFIG` and `PULUMI_CONFIG_SECRET_KEYS` as the Node.js language host sets them for a
 * program (pulumi/pulumi `sdk/nodejs/cmd/pulumi-language-nodejs`: `constructConfig` renames each
 * key `<namespace>:config:<name>`, the old form every SDK accepts; `json.Marshal` sorts them).
 */
export function cliConfigEnvironment(config: OfflineConfig): { PULUMI_CONFIG: string; PULUMI_CONFIG_SECRET_KEYS: string } {
  const legacy = Object.fromEntries(Object.entries(config.values).map(([key, value]) => {
    const separator = key.indexOf(":");
    return [`${key.slice(0, separator)}:config:${key.slice(separator + 1)}`, value];
  }));
  return { PULUMI_CONFIG: goJson(sortedKeys(legacy)), PULUMI_CONFIG_SECRET_KEYS: goJson(config.secretKeys) };
}

function isSecure(value: unknown): boolean {
  return typeof value === "object" && value !== null && Object.keys(value).length === 1 && "secure" in value;
}

/**
 * The `homeops:` keys of a stack settings file as written (YAML anchors resolved, keys
 * without the namespace), for tools that read the declarations rather than run the program.
 */
export function readHomeopsSettings(stackFile: string): Record<string, unknown> {
  if (!existsSync(stackFile)) throw new RunError(`No stack settings file ${stackFile}`);
  const settings = (parse(readFileSync(stackFile, "utf8"), { merge: true }) ?? {}) as { config?: Record<string, unknown> };
  return Object.fromEntries(
    Object.entries(settings.config ?? {})
      .filter(([key]) => key.startsWith("homeops:"))
      .map(([key, value]) => [key.slice("homeops:".length), value]),
  );
}
