import { existsSync, readFileSync } from "node:fs";
import { RunError } from "@pulumi/pulumi";
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
    else values[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  for (const key of configSecretsReferencedIn(settings.config ?? {})) {
    const fullKey = `${namespace}:${key}`;
    if (!(fullKey in values)) setSecret(fullKey);
  }
  return { values, secretKeys: secretKeys.sort() };
}

function isSecure(value: unknown): boolean {
  return typeof value === "object" && value !== null && Object.keys(value).length === 1 && "secure" in value;
}
