/** The example stack file of a Talos cluster this program builds on Proxmox VMs (the homelab's own cluster is Omni's). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { validateHomelabConfig, type HomelabConfig } from "../../config/stacks";
import type { TalosClusterSpec } from "../../config/talos";

export const TALOS_EXAMPLE_FILE = join(__dirname, "Pulumi.talos-on-proxmox.yaml");

/** Its `homeops:` keys as plain data, without the namespace. */
export function talosExampleData(): Record<string, any> {
  const settings = parse(readFileSync(TALOS_EXAMPLE_FILE, "utf8")) as { config: Record<string, unknown> };
  return Object.fromEntries(Object.entries(settings.config).map(([key, value]) => [key.replace(/^homeops:/, ""), value]));
}

/** The example validated, with its cluster the program's own (`manager: homeops`). */
export function talosExampleConfig(): HomelabConfig & { talos: TalosClusterSpec } {
  const result = validateHomelabConfig(talosExampleData());
  if ("issues" in result) throw new Error(`the example stack file ${TALOS_EXAMPLE_FILE} is invalid: ${JSON.stringify(result.issues)}`);
  const { config } = result;
  if (config.talos.manager !== "homeops") throw new Error(`the example stack file ${TALOS_EXAMPLE_FILE} declares no cluster of this program's`);
  return { ...config, talos: config.talos };
}
