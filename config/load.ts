import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ConfigError, keyPath, type ConfigIssue } from "./errors";

export const CONFIG_NAMESPACE = "homeops";

/**
 * Reads every key of `shape` from the stack's `homeops:` config (structured values arrive
 * as JSON) and validates it. Throws a ConfigError listing every problem by config key;
 * nothing is registered before that.
 */
export function loadStackConfig<Shape extends z.ZodRawShape>(
  shape: Shape,
  checks: (parsed: z.infer<z.ZodObject<Shape>>) => ConfigIssue[],
): z.infer<z.ZodObject<Shape>> {
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  const raw = Object.fromEntries(Object.keys(shape).map((key) => [key, parseConfigValue(config.get(key))]));
  const result = validateStackConfig(shape, checks, raw);
  if ("issues" in result) throw new ConfigError(result.issues);
  return result.config;
}

/** Schema first, then the cross-field `checks` on what parsed. */
export function validateStackConfig<Shape extends z.ZodRawShape>(
  shape: Shape,
  checks: (parsed: z.infer<z.ZodObject<Shape>>) => ConfigIssue[],
  raw: Record<string, unknown>,
): { config: z.infer<z.ZodObject<Shape>> } | { issues: ConfigIssue[] } {
  const parsed = z.object(shape).safeParse(raw);
  if (!parsed.success) {
    return {
      issues: parsed.error.issues.map((issue) => {
        const [top, ...rest] = issue.path;
        return { key: keyPath(`${CONFIG_NAMESPACE}:${String(top ?? "")}`, rest), message: describe(issue) };
      }),
    };
  }
  const issues = checks(parsed.data);
  return issues.length > 0 ? { issues } : { config: parsed.data };
}

/** A config value as the engine passes it: structured values arrive as JSON text. */
export function parseConfigValue(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type" && issue.message.includes("received undefined")) return "is required but not set";
  // A refused map key: zod wraps the rule that refused it.
  if (issue.code === "invalid_key") return issue.issues.map((inner) => inner.message).join("; ");
  return issue.message;
}

/**
 * Whether the stack stores `key` encrypted (`pulumi config set --secret`). The engine passes
 * that list to the program; the SDK's reader for it is not in its public typings.
 */
export function isStoredAsSecret(key: string): boolean {
  const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(fullKey: string): boolean };
  return isConfigSecret(`${CONFIG_NAMESPACE}:${key}`);
}
