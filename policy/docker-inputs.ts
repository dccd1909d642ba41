/**
 * Reads `docker:index/container:Container` and `docker:index/network:Network` inputs (as the
 * engine hands them to a policy) into plain data for the reachability model and the checks.
 */
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import type { DockerDeclarations } from "./config";
import { HOST_ISOLATION_OPTION, LABELS, NETWORK_LABELS, TRUST_ZONES } from "./contract/labels";
import { parseNetworkMode, type NetworkMode, type PublishedPort } from "./contract/docker";
import type { ContainerNode } from "./reachability";
import { lenient } from "./preview";
import type { ResourceView } from "./resource-view";
import { commaList, isRecord, numberOf, records, stringOf, type Dict } from "./values";

export const CONTAINER_TYPE = "docker:index/container:Container";
export const NETWORK_TYPE = "docker:index/network:Network";
const names: PolicyConfigJSONSchema = { type: "array", items: { type: "string", minLength: 1 } };

/** Schema of the `declared` setting (DockerDeclarations): written by `npm run plan -- <stack> --policy-config`. */
export const DECLARED: { declared: PolicyConfigJSONSchema } = {
  declared: {
    type: "object",
    description: "What the inventory declares per Docker host (homeops.host), by Docker name: each container's zone, reachableFrom, netnsSharedWith, image, networkMode, networks, hostPaths and ports, each network's egressReason. Wins over labels and inputs: an adopted container shows its live labels, and nothing of what Docker's provider cannot read back.",
    additionalProperties: {
      type: "object",
      required: ["containers", "networks"],
      additionalProperties: false,
      properties: {
        containers: {
          type: "object",
          additionalProperties: {
            type: "object",
            required: ["zone"],
            additionalProperties: false,
            properties: {
              zone: { type: "string", enum: [...TRUST_ZONES] },
              reachableFrom: names,
              netnsSharedWith: names,
              image: { type: "string", minLength: 1 },
              networkMode: { type: "string", minLength: 1 },
              networks: names,
              hostPaths: names,
              ports: {
                type: "array",
                items: {
                  type: "object",
                  required: ["internal", "external", "ip", "protocol"],
                  additionalProperties: false,
                  properties: {
                    internal: { type: "integer", minimum: 1, maximum: 65535 },
                    external: { type: "integer", minimum: 1, maximum: 65535 },
                    ip: { type: "string", minLength: 1 },
                    protocol: { type: "string", enum: ["tcp", "udp"] },
                  },
                },
              },
            },
          },
        },
        networks: {
          type: "object",
          additionalProperties: { type: "object", additionalProperties: false, properties: { egressReason: { type: "string", minLength: 1 } } },
        },
      },
    },
  },
} as const;

/** The network Docker attaches a container to when it names none. */
const DEFAULT_BRIDGE = "bridge";

export interface DockerContainer {
  urn: string;
  host: string;
  /** Its host is named by a `homeops.host` label or by the pack configuration's declarations, not only guessed from its provider. */
  hostDeclared: boolean;
  labels: ReadonlyMap<string, string>;
  node: ContainerNode;
  /** The `memory` input as declared (MB), possibly missing or malformed. */
  memory: unknown;
  /** Host paths of bind mounts, from `volumes` and `mounts`. */
  hostPaths: string[];
  /**
   * The image reference it runs: its `image` input when that is a reference, else the
   * declared one (homeops passes the pulled image's id, `sha256:...`, as `image`).
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
  return [custom && custom !== DEFAULT_BRIDGE && custom !== "default" ? custom : DEFAULT_BRIDGE];
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

function containerHostPathsOf(props: Dict): string[] {
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

/**
 * A container as the policies see it. What `homeops.*` labels declare comes from the pack
 * configuration's declarations when they name the container (an adopted container shows the
 * engine its live labels), else from its labels; so do its network mode, networks, bind
 * mounts and ports where its `ignoreChanges` has the engine show them as they run.
 */
export function readContainer(resource: ResourceView, declarations: DockerDeclarations = {}): DockerContainer {
  const { props } = resource;
  const labels = labelsOf(props);
  const host = hostOf(resource, labels);
  const name = containerNameOf(resource);
  const declared = declarations[host]?.containers[name];
  // What the engine shows as it runs (an adopted container's ignoreChanges) is the network mode
  // as Docker holds it (`container:<id>`), and nothing for its networks, mounts and ports,
  // which the provider does not read back on import: the declarations give those.
  const asRunning = new Set(resource.ignoreChanges);
  const networkMode = parseNetworkMode(declared && asRunning.has("networkMode") ? declared.networkMode : stringOf(props.networkMode));
  const unread = (input: string) => asRunning.has(input) && records(props[input]).length === 0;
  const declaredNetworks = declared?.networks && unread("networksAdvanced") && (declared.networks.length > 0 ? declared.networks : [DEFAULT_BRIDGE]);
  const imageInput = stringOf(props.image);
  return {
    urn: resource.urn,
    host,
    hostDeclared: Boolean(labels.get(LABELS.host)) || declared !== undefined,
    labels,
    memory: props.memory,
    hostPaths: declared?.hostPaths && unread("volumes") ? declared.hostPaths : containerHostPathsOf(props),
    image: imageInput && !imageInput.startsWith("sha256:") ? imageInput : declared?.image ?? labels.get(LABELS.image),
    node: {
      id: resource.urn,
      name,
      zone: declared ? declared.zone : labels.get(LABELS.zone),
      networks: networkMode.kind === "networks" && declaredNetworks ? declaredNetworks : networksOf(props, networkMode),
      networkMode,
      ports: declared?.ports && unread("ports") ? declared.ports : portsOf(props),
      reachableFrom: declared ? declared.reachableFrom ?? [] : commaList(labels.get(LABELS.reachableFrom)),
      netnsSharedWith: declared ? declared.netnsSharedWith ?? [] : commaList(labels.get(LABELS.netnsSharedWith)),
    },
  };
}

/** A network as the policies see it; its egress reason declared as for containers (readContainer). */
export function readNetwork(resource: ResourceView, declarations: DockerDeclarations = {}): DockerNetwork {
  const labels = labelsOf(resource.props);
  const name = stringOf(resource.props.name) || resource.name;
  const host = hostOf(resource, labels);
  const declared = declarations[host]?.networks[name];
  return {
    urn: resource.urn,
    name,
    host,
    internal: resource.props.internal === true,
    isolatedFromHost: isIsolatedFromHost(lenient(resource.props, "options", {})),
    egressReason: (declared ? declared.egressReason : labels.get(NETWORK_LABELS.egressReason))?.trim() || undefined,
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
export function containersByHost(resources: readonly ResourceView[], declarations: DockerDeclarations = {}): Map<string, DockerContainer[]> {
  const hosts = new Map<string, DockerContainer[]>();
  for (const resource of resources) {
    if (resource.type !== CONTAINER_TYPE) continue;
    const container = readContainer(resource, declarations);
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
