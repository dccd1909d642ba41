import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const REPOSITORY_ROOT = join(__dirname, "..", "..", "..");

/**
 * What a StackReference reads offline: the outputs the referenced stack's program would
 * export that can be known from its settings file alone. Only `dockerHosts`
 * (`{<host>: {address, sshPort}}`, as stacks/vps.ts exports it) so far; the stack is named
 * `<organization>/<project>/<stack>` and its file is `Pulumi.<stack>.yaml` beside this one.
 */
export function stackReferenceOutputs(fullName: string): Record<string, unknown> {
  const stack = fullName.split("/").pop() ?? fullName;
  const file = join(REPOSITORY_ROOT, `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) throw new Error(`the offline preview reads StackReference ${fullName} from ${file}, which does not exist`);
  const settings = parse(readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
  const hosts = (settings.config?.["homeops:dockerHosts"] ?? {}) as Record<string, { address: string; sshPort?: number }>;
  return { dockerHosts: Object.fromEntries(Object.entries(hosts).map(([name, host]) => [name, { address: host.address, sshPort: host.sshPort ?? 22 }])) };
}
