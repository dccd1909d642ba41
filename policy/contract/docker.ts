/**
 * How a Docker container's networking is written down, once for the program that declares it
 * and the pack that judges it: published ports in the Docker provider's own terms, and
 * `network_mode` with its `container:<name>` form.
 */

/** A port a container publishes, as `docker.Container`'s `ports` input holds it. */
export interface PublishedPort {
  /** The port inside the container; absent only in malformed inputs. */
  internal?: number;
  /** The port on the host; absent: Docker picks a random one. */
  external?: number;
  /** Host address the port is bound to; "0.0.0.0" when the declaration gives none. */
  ip: string;
  protocol: string;
}

/** A port as the inventory declares it: both ports given, TCP or UDP. */
export type DeclaredPort = Required<PublishedPort> & { protocol: "tcp" | "udp" };

/** The `network_mode` prefix that puts a container in another container's network namespace. */
export const NAMESPACE_MODE_PREFIX = "container:";

export type NetworkMode =
  /** Attached to bridge networks (`networksAdvanced`, or the one the mode names, or `bridge`). */
  | { kind: "networks" }
  | { kind: "host" }
  | { kind: "none" }
  | { kind: "container"; owner: string };

/** Reads Docker's `network_mode`: `host`, `none`, `container:<owner>`, or a network (anything else, absent included). */
export function parseNetworkMode(mode: string | undefined): NetworkMode {
  if (mode === "host" || mode === "none") return { kind: mode };
  if (mode?.startsWith(NAMESPACE_MODE_PREFIX)) return { kind: "container", owner: mode.slice(NAMESPACE_MODE_PREFIX.length) };
  return { kind: "networks" };
}

/** The container whose network namespace `mode` joins, if it joins one. */
export function namespaceOwner(mode: string | undefined): string | undefined {
  const parsed = parseNetworkMode(mode);
  return parsed.kind === "container" ? parsed.owner : undefined;
}

/** The `network_mode` that joins `owner`'s network namespace. */
export function joinNamespace(owner: string): string {
  return `${NAMESPACE_MODE_PREFIX}${owner}`;
}
