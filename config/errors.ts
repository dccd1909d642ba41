// The module alone, not the SDK's index (which loads its runtime): config is read by tools and tests too.
import { RunError } from "@pulumi/pulumi/errors";

/** One problem found in stack configuration, located by its config key path. */
export interface ConfigIssue {
  /** e.g. `homeops:dockerStacks[2].containers[0].memoryMb` */
  key: string;
  message: string;
}

/**
 * Thrown before any resource is registered when the stack configuration is invalid.
 * A RunError, so the Pulumi CLI prints the message without a stack trace.
 */
export class ConfigError extends RunError {
  constructor(readonly issues: ConfigIssue[]) {
    super(formatIssues(issues));
    this.name = "ConfigError";
  }
}

export function formatIssues(issues: ConfigIssue[]): string {
  const lines = issues.map((issue) => `  ${issue.key}: ${issue.message}`);
  return `Invalid stack configuration (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n${lines.join("\n")}`;
}

/** Renders a path like ["containers", 0, "memoryMb"] under a config key. */
export function keyPath(configKey: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, part) => (typeof part === "number" ? `${acc}[${part}]` : `${acc}.${String(part)}`),
    configKey,
  );
}
