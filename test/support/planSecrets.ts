/**
 * Secrets in an offline plan, for any stack: every value that must never appear in
 * plaintext (each output a resource declares secret, i.e. the program's generated
 * secrets, and each config secret's offline placeholder), and checks that none does and
 * that every input carrying one was sent to the engine as a secret.
 *
 * The offline preview records inputs already redacted; what was really sent is the mock
 * monitor's registrations, captured with the stack's shared preview (./previews.ts).
 */
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { readOfflineConfig } from "../../tools/plan/stackConfig";
import { SECRET_PLACEHOLDER, type Plan } from "../../policy/contract/plan";
import { stackPreview, type Registration } from "./previews";
import { ROOT } from "./stackConfig";

const { specialSigKey, specialSecretSig } = pulumi.runtime;

export interface SecretValue {
  /** Where it comes from, for messages: `random:...::name.result` or a config key. */
  source: string;
  value: string;
}

export interface PreviewCapture {
  plan: Plan;
  registrations: Registration[];
  secrets: SecretValue[];
}

function isSecretWrapper(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[specialSigKey] === specialSecretSig;
}

/** Every string in a value, with its path; `insideSecret` tells whether a secret wrapper encloses it. */
function strings(value: unknown, path = "", insideSecret = false): { path: string; text: string; insideSecret: boolean }[] {
  if (typeof value === "string") return [{ path, text: value, insideSecret }];
  if (isSecretWrapper(value)) return strings(value.value, path, true);
  if (Array.isArray(value)) return value.flatMap((item, index) => strings(item, `${path}[${index}]`, insideSecret));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, inner]) => strings(inner, path ? `${path}.${key}` : key, insideSecret));
}

/** Paths of the secret wrappers in a value. */
function secretPaths(value: unknown, path = ""): string[] {
  if (isSecretWrapper(value)) return [path];
  if (Array.isArray(value)) return value.flatMap((item, index) => secretPaths(item, `${path}[${index}]`));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, inner]) => secretPaths(inner, path ? `${path}.${key}` : key));
}

function at(value: unknown, path: string): unknown {
  const parts = path.match(/[^.[\]]+/g) ?? [];
  return parts.reduce<unknown>((current, part) => (current === null || typeof current !== "object" ? undefined : (current as Record<string, unknown>)[part]), value);
}

/** Secret values shorter than this are not searched for: they would match by accident. */
const MIN_SECRET_LENGTH = 8;

/** The secret values of a run: declared secret outputs of every registration, and the config secrets' placeholders. */
export function secretValuesOf(registrations: readonly Registration[], configSecrets: Record<string, string>): SecretValue[] {
  const values: SecretValue[] = [];
  for (const registration of registrations) {
    for (const output of registration.secretOutputs) {
      for (const { path, text } of strings(registration.state[output], output)) {
        if (text.length >= MIN_SECRET_LENGTH) values.push({ source: `${registration.type}::${registration.name}.${path}`, value: text });
      }
    }
  }
  for (const [key, value] of Object.entries(configSecrets)) values.push({ source: `config secret ${key}`, value });
  return values;
}

/** The stack's shared offline preview, with the secret values to look for. */
export async function previewCapturingSecrets(stack: string, configFile?: string): Promise<PreviewCapture> {
  const { plan, registrations } = await stackPreview(stack, configFile);
  const config = readOfflineConfig(configFile ?? join(ROOT, `Pulumi.${stack}.yaml`), plan.project);
  const configSecrets = Object.fromEntries(config.secretKeys.map((key) => [key, config.values[key]]));
  return { plan, registrations, secrets: secretValuesOf(registrations, configSecrets) };
}

/** Each secret value as it may appear: itself, and base64-encoded (as machine configs embed keys). */
function forms(secret: SecretValue): { value: string; how: string }[] {
  const base64 = Buffer.from(secret.value).toString("base64");
  return [
    { value: secret.value, how: "" },
    { value: base64.slice(0, Math.max(MIN_SECRET_LENGTH, base64.length - 4)), how: " (base64)" },
  ];
}

/**
 * Everything wrong with how a run handles its secrets, as messages (empty when right):
 * a secret value in the recorded plan, an input that carries a secret without being sent as
 * one, or a secret input the plan does not show as "[secret]".
 */
export function secretFindings(capture: PreviewCapture): string[] {
  const findings: string[] = [];
  // The monitor's URNs are the mock's, the plan's the engine's: type and name identify a resource.
  const identity = (type: string, name: string) => `${type}::${name}`;
  const recordedAs = new Map(capture.plan.resources.map((resource) => [identity(resource.type, resource.name), resource]));
  const searched = capture.secrets.flatMap((secret) => forms(secret).map((form) => ({ ...form, source: secret.source })));
  for (const resource of capture.plan.resources) {
    for (const { path, text } of strings(resource.inputs)) {
      for (const secret of searched) if (text.includes(secret.value)) findings.push(`the plan shows ${secret.source}${secret.how} in plaintext at ${resource.urn} input ${path}`);
    }
  }
  for (const registration of capture.registrations) {
    for (const { path, text, insideSecret } of strings(registration.inputs)) {
      if (insideSecret) continue;
      for (const secret of searched) if (text.includes(secret.value)) findings.push(`${registration.urn} input ${path} carries ${secret.source}${secret.how} but was not sent as a secret`);
    }
    const recorded = recordedAs.get(identity(registration.type, registration.name));
    for (const path of secretPaths(registration.inputs)) {
      const shown = at(recorded?.inputs, path);
      if (shown !== SECRET_PLACEHOLDER) findings.push(`${registration.urn} input ${path} was sent as a secret but the plan shows ${JSON.stringify(shown)?.slice(0, 60)}`);
    }
  }
  return findings;
}

/** How many inputs of the run were sent as secrets. */
export function secretInputCount(capture: PreviewCapture): number {
  return capture.registrations.reduce((sum, registration) => sum + secretPaths(registration.inputs).length, 0);
}
