/**
 * The container-to-network matrix of one Docker host (the seed's L3 table): an X where a
 * container is attached, "via <owner>" where it shares another container's namespace.
 */
import { membersOf } from "../../policy/reachability";
import { reachabilityOf, type DockerHost, type HostContainer } from "./dockerHosts";
import { markdownTable } from "./markdown";

export const HOST_NETWORK = "host";

export interface NetworkMatrix {
  /** The host's networks, then `host` when a container uses the host's network stack. */
  columns: string[];
  rows: { container: string; cells: string[] }[];
}

function viaOwner(container: HostContainer): string {
  return container.node.networkMode.kind === "container" ? `via ${container.node.networkMode.owner}` : "X";
}

export function networkMatrix(host: DockerHost): NetworkMatrix {
  const reach = reachabilityOf(host);
  const networks = host.networks.map((network) => network.name);
  const columns = reach.hostNetwork.size > 0 ? [...networks, HOST_NETWORK] : networks;
  const members = new Map(networks.map((network) => [network, new Set(membersOf(reach, network).map((member) => member.name))]));
  const cell = (container: HostContainer, column: string): string => {
    if (column === HOST_NETWORK) return reach.hostNetwork.has(container.name) ? viaOwner(container) : "";
    if (container.node.networks.includes(column)) return "X";
    return members.get(column)?.has(container.name) ? viaOwner(container) : "";
  };
  return {
    columns,
    rows: host.containers.map((container) => ({ container: container.name, cells: columns.map((column) => cell(container, column)) })),
  };
}

export function renderNetworkMatrix(matrix: NetworkMatrix): string[] {
  return markdownTable(
    ["container", ...matrix.columns],
    matrix.rows.map((row) => [row.container, ...row.cells]),
    matrix.columns.map((_, index) => index + 1),
  );
}
