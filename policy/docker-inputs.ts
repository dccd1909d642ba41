/**
 * Reads `docker:index/container:Container` and `docker:index/network:Network` inputs (as the
 * engine hands them to a policy) into plain data for the reachability model and the checks.
 */
import { HOST_ISOLATION_OPTION, LABELS, NETWORK_LABELS } from "./contract/labels";
import { parseNetworkMode, type NetworkMode, type PublishedPort } from "./contract/docker";
import type { ContainerNode } from "./reachability";
import { lenient } from "./preview";
import type { ResourceView } from "./resource-view";
import { commaList, isRecord, numberOf, records, stringOf, type Dict } from "./values";

export const CONTAINER_TYPE = "docker:index/container:Container";
export const NETWORK_TYPE = "docker:index/network:Network";

export interface DockerContainer {
  urn: string;
  host: string;
  labels: ReadonlyMap<string, string>;
  node: ContainerNode;
  /** The `memory` input as declared (MB), possibly missing or malformed. */
  memory: unknown;
  /** Host paths of bind mounts, from `volumes` and `mounts`. */
  hostPaths: string[];
  /**
   * The image reference it runs: its `image` input when that is a reference, else the
   * `homeops.image` label (homeops passes the pulled image's id, `sha256:...`, as `image`).
   */
  image?: string;
}

export interface DockerNetwork {
  urn: string;
  name: string;
  host: string;
  internal: boolean;
  /** The host has no address on it (gateway mode `isolated`), so host-network containers do not reach it. */
  isolatedFromHost: boolean;
  egressReason?: string;
}

/** `labels: [{label, value}]` -> map. */
function labelsOf(props: Dict): Map<string, string> {
  const labels = new Map<string, string>();
  for (const entry of records(props.labels)) {
    const label = stringOf(entry.label);
    if (label !== undefined) labels.set(label, stringOf(entry.value) ?? "");
  }
  return labels;
}

/** The Docker host a resource lives on: its `homeops.host` label, else its provider's name. */
function hostOf(resource: ResourceView, labels: ReadonlyMap<string, string>): string {
  return labels.get(LABELS.host) || resource.provider?.name || "(default Docker host)";
}

/** Bridge networks: those of `networksAdvanced`, else a custom `networkMode`, else Docker's default `bridge`. */
function networksOf(props: Dict, mode: NetworkMode): string[] {
  if (mode.kind !== "networks") return [];
  const named = records(props.networksAdvanced).flatMap((entry) => stringOf(entry.name) ?? []);
  if (named.length > 0) return named;
  const custom = stringOf(props.networkMode);
  return [custom && custom !== "bridge" && custom !== "default" ? custom : "bridge"];
}

/** Docker picks a free host port when `external` is unset, so a preview has it unknown: read as "a port Docker chooses". */
function portsOf(props: Dict): PublishedPort[] {
  return records(props.ports).map((port) => ({
    internal: numberOf(port.internal),
    external: numberOf(lenient(port, "external", undefined)),
    ip: stringOf(port.ip) || "0.0.0.0",
    protocol: (stringOf(port.protocol) || "tcp").toLowerCase(),
  }));
}

function imageOf(props: Dict, labels: ReadonlyMap<string, string>): string | undefined {
  const input = stringOf(props.image);
  return input && !input.startsWith("sha256:") ? input : labels.get(LABELS.image);
}

function hostPathsOf(props: Dict): string[] {
  const volumes = records(props.volumes).flatMap((volume) => stringOf(volume.hostPath) ?? []);
  const binds = records(props.mounts)
    .filter((mount) => (stringOf(mount.type) ?? "bind") === "bind")
    .flatMap((mount) => stringOf(mount.source) ?? []);
  return [...volumes, ...binds];
}

/** The container's name in Docker: its `name` input, else the resource name. */
export function containerNameOf(resource: ResourceView): string {
  return stringOf(resource.props.name) || resource.name;
}

export function readContainer(resource: ResourceView): DockerContainer {
  const { props } = resource;
  const labels = labelsOf(props);
  const networkMode = parseNetworkMode(stringOf(props.networkMode));
  return {
    urn: resource.urn,
    host: hostOf(resource, labels),
    labels,
    memory: props.memory,
    hostPaths: hostPathsOf(props),
    image: imageOf(props, labels),
    node: {
      id: resource.urn,
      name: containerNameOf(resource),
      zone: labels.get(LABELS.zone),
      networks: networksOf(props, networkMode),
      networkMode,
      ports: portsOf(props),
      reachableFrom: commaList(labels.get(LABELS.reachableFrom)),
      netnsSharedWith: commaList(labels.get(LABELS.netnsSharedWith)),
    },
  };
}

export function readNetwork(resource: ResourceView): DockerNetwork {
  const labels = labelsOf(resource.props);
  return {
    urn: resource.urn,
    name: stringOf(resource.props.name) || resource.name,
    host: hostOf(resource, labels),
    internal: resource.props.internal === true,
    isolatedFromHost: isIsolatedFromHost(lenient(resource.props, "options", {})),
    egressReason: labels.get(NETWORK_LABELS.egressReason)?.trim() || undefined,
  };
}

/**
 * Docker computes `options` when the program leaves it unset, so a preview has it unknown for
 * every network the program does not isolate: unknown reads as Docker's default gateway mode
 * (the host keeps an address there), which can only add reachability, never hide a path.
 */
function isIsolatedFromHost(options: unknown): boolean {
  return isRecord(options) && options[HOST_ISOLATION_OPTION] === "isolated";
}

/** Containers grouped by Docker host. */
export function containersByHost(resources: readonly ResourceView[]): Map<string, DockerContainer[]> {
  const hosts = new Map<string, DockerContainer[]>();
  for (const resource of resources) {
    if (resource.type !== CONTAINER_TYPE) continue;
    const container = readContainer(resource);
    const onHost = hosts.get(container.host);
    if (onHost) onHost.push(container);
    else hosts.set(container.host, [container]);
  }
  return hosts;
}

const DOCKER_SOCKETS = new Set(["/var/run/docker.sock", "/run/docker.sock"]);

/** `/var/run//docker.sock/` and friends name the Docker socket too. */
export function isDockerSocket(path: string): boolean {
  const normalized = path.replace(/\/+/g, "/").replace(/(.)\/$/, "$1");
  return DOCKER_SOCKETS.has(normalized);
}
