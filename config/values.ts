import { z } from "zod";

/**
 * A value in the inventory that may be a secret. Plain strings are plain; secrets are
 * referenced, never written: `{generated: <name>}` names a secret the program generates
 * (see `homeops:generatedSecrets`), `{configSecret: <key>}` a Pulumi config secret
 * (`pulumi config set --secret <key> ...`).
 */
export const valueSchema = z.union([
  z.string(),
  z.number().transform(String),
  z.boolean().transform(String),
  z.object({ generated: z.string().min(1) }).strict(),
  z.object({ configSecret: z.string().min(1) }).strict(),
]);
export type Value = z.infer<typeof valueSchema>;
export type SecretRef = Exclude<Value, string>;

export function isSecretRef(value: Value): value is SecretRef {
  return typeof value !== "string";
}

/** Every `{configSecret: <key>}` anywhere in `value` (inventory data, before or after parsing). */
export function configSecretsReferencedIn(value: unknown): Set<string> {
  const found = new Set<string>();
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const record = node as Record<string, unknown>;
      if (typeof record.configSecret === "string") found.add(record.configSecret);
      Object.values(record).forEach(walk);
    }
  };
  walk(value);
  return found;
}

/** Env names that carry credentials: a plain string there is a plaintext secret. */
const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|_PASS$|TOKEN|PRIVATE|ENCRYPTION_KEY|API_KEY|ACCESS_KEY|BOUNCER_KEY|_KEY$)/i;

export function looksLikeSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

export const generatedSecretSchema = z
  .object({
    /** Length in characters. */
    length: z.number().int().min(16).max(256),
    /** Include punctuation; off by default because many apps choke on it in env files. */
    special: z.boolean().default(false),
  })
  .strict();
export type GeneratedSecretSpec = z.infer<typeof generatedSecretSchema>;

export const generatedSecretsSchema = z.record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "lowercase-kebab-case name"), generatedSecretSchema);
