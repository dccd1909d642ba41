import { allConfig } from "@pulumi/pulumi/runtime/config";
import { z } from "zod";
import { ConfigError, keyPath, type ConfigIssue } from "./errors";
import { knownKeysRecorder, unknownKeyMessage } from "./unknownKeys";
import { configSecretsReferencedIn } from "./values";

export const CONFIG_NAMESPACE = "homeops";

/**
 * Reads every `homeops:` key the engine passes (structured values arrive as JSON) and
 * validates it against `shape`. Throws a ConfigError listing every problem by config key;
 * nothing is registered before that. Keys of other namespaces (`aws:region`, ...) are not ours.
 */
export function loadStackConfig<Shape extends z.ZodRawShape>(
  shape: Shape,
  checks: (parsed: z.infer<z.ZodObject<Shape>>) => ConfigIssue[],
): z.infer<z.ZodObject<Shape>> {
  const prefix = `${CONFIG_NAMESPACE}:`;
  const raw = Object.fromEntries(
    Object.entries(allConfig())
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), parseConfigValue(value)]),
  );
  const result = validateStackConfig(shape, checks, raw);
  if ("issues" in result) throw new ConfigError(result.issues);
  return result.config;
}

/**
 * Schema first, then the cross-field `checks` on what parsed. `raw` is every key of the
 * namespace: those of `shape`, and the config secrets the inventory refers to as
 * `{configSecret: <key>}` (read by StackSecrets, never parsed here). Any other key, at
 * any depth, is refused with the nearest known key.
 */
export function validateStackConfig<Shape extends z.ZodRawShape>(
  shape: Shape,
  checks: (parsed: z.infer<z.ZodObject<Shape>>) => ConfigIssue[],
  raw: Record<string, unknown>,
): { config: z.infer<z.ZodObject<Shape>> } | { issues: ConfigIssue[] } {
  // From every value, a misspelt key's included, so a typo is reported once, not once per secret it refers to.
  const secretKeys = configSecretsReferencedIn(Object.values(raw));
  const inventory = Object.fromEntries(Object.entries(raw).filter(([key]) => Object.hasOwn(shape, key) || !secretKeys.has(key)));
  const recorder = knownKeysRecorder();
  const parsed = z.strictObject(shape).safeParse(inventory, { error: recorder.errorMap });
  if (!parsed.success) {
    return {
      issues: parsed.error.issues.flatMap((issue): ConfigIssue[] => {
        const [top, ...rest] = issue.path;
        if (issue.code !== "unrecognized_keys") return [{ key: keyPath(`${CONFIG_NAMESPACE}:${String(top ?? "")}`, rest), message: describe(issue) }];
        const known = recorder.knownKeys(issue);
        if (top === undefined) {
          const topLevel = [...known, ...secretKeys];
          return issue.keys.map((key) => ({
            key: `${CONFIG_NAMESPACE}:${key}`,
            message: unknownKeyMessage(key, topLevel, {
              render: (k) => `${CONFIG_NAMESPACE}:${k}`,
              otherwise: `: no setting of this stack has that name, and no {configSecret: ${key}} refers to it`,
            }),
          }));
        }
        return issue.keys.map((key) => ({ key: keyPath(`${CONFIG_NAMESPACE}:${String(top)}`, [...rest, key]), message: unknownKeyMessage(key, known) }));
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
