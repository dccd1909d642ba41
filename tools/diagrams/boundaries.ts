/**
 * "Can a compromised X reach Y" on one Docker host (the seed's security boundaries table),
 * answered by the policy pack's reachability model: shared networks, `network_mode:
 * container:X` inheriting X's networks, the host network (which reaches every bridge network
 * through the host's address on it) and published ports.
 */
import { isProtected, pathsBetween } from "../../policy/reachability";
import { reachabilityOf, type DockerHost } from "./dockerHosts";
import { markdownTable } from "./markdown";

export type Verdict = "yes" | "no" | "-";

export interface BoundaryTable {
  /** The identity and management containers: what an attacker must not reach. */
  targets: string[];
  /** Every container of the host, with one verdict per target ("-" for itself). */
  rows: { source: string; verdicts: Verdict[] }[];
  /** How each "yes" is reached. */
  paths: { source: string; target: string; via: string[] }[];
}

export function boundaryTable(host: DockerHost): BoundaryTable {
  const reach = reachabilityOf(host);
  const targets = host.containers.filter((container) => isProtected(container.node)).map((container) => container.name);
  const paths: BoundaryTable["paths"] = [];
  const rows = host.containers.map(({ name: source }) => ({
    source,
    verdicts: targets.map((target): Verdict => {
      if (source === target) return "-";
      const via = pathsBetween(reach, source, target);
      if (via.length === 0) return "no";
      paths.push({ source, target, via });
      return "yes";
    }),
  }));
  return { targets, rows, paths };
}

export function renderBoundaryTable(table: BoundaryTable): string[] {
  if (table.targets.length === 0) return ["No identity or management container runs on this host."];
  return [
    ...markdownTable(
      ["a compromised ... can reach", ...table.targets],
      table.rows.map((row) => [row.source, ...row.verdicts]),
      table.targets.map((_, index) => index + 1),
    ),
    "",
    ...(table.paths.length === 0
      ? ["No container reaches an identity or management container."]
      : ["How:", "", ...table.paths.map((path) => `- ${path.source} → ${path.target}: ${path.via.join("; ")}`)]),
  ];
}
