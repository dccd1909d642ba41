import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument, type Document } from "yaml";
import type { ConfigIssue } from "../../config/errors";
import { stackConfigValidators } from "../../config/stacks";

export const ROOT = join(__dirname, "..", "..");

const stackFiles = new Map<string, Document.Parsed>();

/**
 * The `homeops:` keys of a stack settings file, as plain data without the namespace: a fresh
 * copy from the file parsed once per test file (parsing the homelab's 100 kB of YAML for each
 * call was a twentieth of the suite's CPU).
 */
export function stackConfigData(stack: string): Record<string, any> {
  let document = stackFiles.get(stack);
  if (!document) {
    document = parseDocument(readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8"));
    if (document.errors.length > 0) throw document.errors[0];
    stackFiles.set(stack, document);
  }
  const settings = document.toJS() as { config: Record<string, unknown> };
  return Object.fromEntries(Object.entries(settings.config).map(([key, value]) => [key.replace(/^homeops:/, ""), value]));
}

/** A deep copy to mutate in a test. */
export function copy<T>(value: T): T {
  return structuredClone(value);
}

/** The container named `name` in a config's dockerStacks. */
export function containerIn(config: Record<string, any>, name: string): Record<string, any> {
  for (const stack of config.dockerStacks) {
    const found = stack.containers.find((container: { name: string }) => container.name === name);
    if (found) return found;
  }
  throw new Error(`no container ${name} in the test config`);
}

/** Every problem the program's own validation finds in a stack's config data. */
export function configProblems(stack: string, data: Record<string, any>): ConfigIssue[] {
  const result = stackConfigValidators[stack](data);
  return "issues" in result ? result.issues : [];
}

/** The committed config of `stack`, changed by `mutate`, and what validation finds in it. */
export function brokenConfig(stack: string, mutate: (config: Record<string, any>) => void): ConfigIssue[] {
  const config = stackConfigData(stack);
  mutate(config);
  return configProblems(stack, config);
}
