/**
 * Who can reach whom on one Docker host, computed from the declared networks alone, and which
 * of those paths cross a trust boundary. Plain data in and out; no Pulumi.
 *
 * The model:
 * - containers attached to the same network reach each other;
 * - `network_mode: container:X` puts a container in X's network namespace: it shares X's
 *   networks, address and localhost, so it reaches and is reached as X is;
 * - `network_mode: host` containers share the host's stack: they reach each other, every
 *   port published on the host, loopback ones included, and every container on the host's
 *   bridge networks, internal ones included, through the host's address on each network;
 * - a port published on a non-loopback address is reachable from the internet, and from every
 *   container on the host through the host's address.
 *
 * Paths are grouped by "medium" (a network, a shared namespace, a set of published ports)
 * rather than enumerated pair by pair, so the boundary check stays linear in containers plus
 * network memberships however many containers share a network.
 */
import type { NetworkMode, PublishedPort } from "./contract/docker";
import { INTERNET_ZONES, PROTECTED_ZONES } from "./contract/labels";

export interface ContainerNode {
  /** The caller's handle (a resource URN), carried through to findings. */
  id: string;
  name: string;
  zone?: string;
  networks: readonly string[];
  networkMode: NetworkMode;
  ports: readonly PublishedPort[];
  /** Containers its `homeops.reachable-from` label allows in despite the zones. */
  reachableFrom: readonly string[];
  /** Containers its `homeops.netns-shared-with` label allows to join its namespace. */
  netnsSharedWith: readonly string[];
}

type SourceKind = "members" | "host-network" | "everyone";

/** Something across which containers reach each other. */
export interface Medium {
  /** How messages name it, e.g. "network traefik-public". */
  label: string;
  /** The Docker network: the one its members share, or the one the host's address is on. */
  network?: string;
  sourceKind: SourceKind;
  sources: readonly ContainerNode[];
  targets: readonly ContainerNode[];
  /** Ports published on a public address: the internet itself is a source. */
  fromInternet: boolean;
}

export interface HostReachability {
  host: string;
  containers: readonly ContainerNode[];
  media: readonly Medium[];
  targetMedia: ReadonlyMap<string, readonly Medium[]>;
  memberMedia: ReadonlyMap<string, ReadonlySet<Medium>>;
  hostNetwork: ReadonlySet<string>;
}

export function isLoopback(ip: string): boolean {
  return ip === "localhost" || ip === "::1" || ip.startsWith("127.");
}

export function formatPort(port: PublishedPort): string {
  const hostPort = port.external ?? `<random>->${port.internal ?? "?"}`;
  return `${port.ip}:${hostPort}/${port.protocol}`;
}

/**
 * Internet-facing: in a zone whose traffic comes from the internet (`edge`, and `tunnel`, whose
 * agents carry the internet's requests in through a tunnel they dial out), or publishing a port
 * on a non-loopback address.
 */
export function isInternetFacing(container: ContainerNode): boolean {
  return (INTERNET_ZONES as readonly string[]).includes(container.zone ?? "") || container.ports.some((port) => !isLoopback(port.ip));
}

export function isProtected(container: ContainerNode): boolean {
  return (PROTECTED_ZONES as readonly string[]).includes(container.zone ?? "");
}

/** Each container's namespace root: itself, or the container whose namespace it joins (transitively). */
function namespaceRoots(byName: ReadonlyMap<string, ContainerNode>): Map<string, ContainerNode> {
  const roots = new Map<string, ContainerNode>();
  const rootOf = (container: ContainerNode, seen: Set<string>): ContainerNode => {
    const known = roots.get(container.name);
    if (known) return known;
    const mode = container.networkMode;
    const owner = mode.kind === "container" ? byName.get(mode.owner) : undefined;
    seen.add(container.name);
    const root = owner && !seen.has(owner.name) ? rootOf(owner, seen) : container;
    roots.set(container.name, root);
    return root;
  };
  for (const container of byName.values()) rootOf(container, new Set());
  return roots;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function groupByRoot(containers: readonly ContainerNode[], roots: ReadonlyMap<string, ContainerNode>) {
  const groups = new Map<ContainerNode, ContainerNode[]>();
  for (const container of containers) {
    const root = roots.get(container.name) ?? container;
    const group = groups.get(root) ?? [];
    if (root === container) group.unshift(container);
    else group.push(container);
    groups.set(root, group);
  }
  return groups;
}

function portMedia(host: string, root: ContainerNode, members: ContainerNode[], everyone: readonly ContainerNode[], hostNetwork: ContainerNode[]): Medium[] {
  const ports = members.flatMap((member) => member.ports);
  const loopback = ports.filter((port) => isLoopback(port.ip));
  const exposed = ports.filter((port) => !isLoopback(port.ip));
  const label = (list: PublishedPort[]) => `port${list.length > 1 ? "s" : ""} ${list.map(formatPort).join(", ")} published by ${root.name} on ${host}`;
  const media: Medium[] = [];
  if (loopback.length > 0 && hostNetwork.length > 0) {
    media.push({ label: label(loopback), sourceKind: "host-network", sources: hostNetwork, targets: members, fromInternet: false });
  }
  if (exposed.length > 0) {
    media.push({ label: label(exposed), sourceKind: "everyone", sources: everyone, targets: members, fromInternet: true });
  }
  return media;
}

/** Each network's containers (namespace joiners included), and the containers in the host's namespace. */
function attachments(groups: Map<ContainerNode, ContainerNode[]>) {
  const hostNetwork: ContainerNode[] = [];
  const byNetwork = new Map<string, ContainerNode[]>();
  for (const [root, members] of groups) {
    if (root.networkMode.kind === "host") hostNetwork.push(...members);
    if (root.networkMode.kind !== "networks") continue;
    for (const network of new Set(root.networks)) for (const member of members) pushTo(byNetwork, network, member);
  }
  return { hostNetwork, byNetwork };
}

/**
 * The host holds an address on every bridge network (its gateway) and routes to the subnet, so
 * a process in the host's namespace reaches each container there at its bridge IP, published
 * or not. Internal networks too: Docker 25.0.0 left their bridge without an address, and
 * moby/moby#47356 (fixing #47329, backported to 25.0 in #47481) restored it, "making the
 * internal network accessible from the host". Only the driver options gateway mode
 * `isolated` (moby/moby#49262, Docker 28; homeops sets it for `isolatedFromHost` networks,
 * passed here as `isolated`) and `inhibit_ipv4` leave the host without one. One medium per
 * network, so the sources are shared.
 */
function hostAddressMedia(byNetwork: Map<string, ContainerNode[]>, hostNetwork: ContainerNode[], isolated: ReadonlySet<string>): Medium[] {
  if (hostNetwork.length === 0) return [];
  return [...byNetwork].filter(([network]) => !isolated.has(network)).map(([network, attached]) => ({
    label: `the host's address on network ${network}`,
    network,
    sourceKind: "host-network",
    sources: hostNetwork,
    targets: attached,
    fromInternet: false,
  }));
}

function buildMedia(host: string, containers: readonly ContainerNode[], groups: Map<ContainerNode, ContainerNode[]>, isolated: ReadonlySet<string>) {
  const { hostNetwork, byNetwork } = attachments(groups);
  const members = (sources: ContainerNode[]) => ({ sourceKind: "members" as const, sources, targets: sources, fromInternet: false });
  const media: Medium[] = [...byNetwork].map(([network, attached]) => ({ label: `network ${network}`, network, ...members(attached) }));
  for (const [root, group] of groups) {
    if (group.length > 1 && root.networkMode.kind !== "host") {
      media.push({ label: `${root.name}'s network namespace (network_mode: container:${root.name})`, ...members(group) });
    }
  }
  if (hostNetwork.length > 0) media.push({ label: `the host network of ${host}`, ...members(hostNetwork) });
  media.push(...hostAddressMedia(byNetwork, hostNetwork, isolated));
  for (const [root, group] of groups) {
    if (root.networkMode.kind !== "host") media.push(...portMedia(host, root, group, containers, hostNetwork));
  }
  return { media, hostNetwork };
}

/** Indexes one host's containers by the media they reach each other through. */
/** `isolatedFromHost`: networks the host holds no address on, out of host-network containers' reach. */
export function analyzeHost(host: string, containers: readonly ContainerNode[], isolatedFromHost: ReadonlySet<string> = new Set()): HostReachability {
  const byName = new Map(containers.map((container) => [container.name, container]));
  const groups = groupByRoot(containers, namespaceRoots(byName));
  const { media, hostNetwork } = buildMedia(host, containers, groups, isolatedFromHost);
  const targetMedia = new Map<string, Medium[]>();
  const memberMedia = new Map<string, Set<Medium>>();
  for (const medium of media) {
    for (const target of medium.targets) pushTo(targetMedia, target.name, medium);
    if (medium.sourceKind !== "members") continue;
    for (const source of medium.sources) memberMedia.set(source.name, (memberMedia.get(source.name) ?? new Set()).add(medium));
  }
  return { host, containers, media, targetMedia, memberMedia, hostNetwork: new Set(hostNetwork.map((c) => c.name)) };
}

function isSource(reach: HostReachability, medium: Medium, name: string): boolean {
  switch (medium.sourceKind) {
    case "everyone":
      return true;
    case "host-network":
      return reach.hostNetwork.has(name);
    case "members":
      return reach.memberMedia.get(name)?.has(medium) ?? false;
  }
}

/** How `from` reaches `to` (medium labels), empty when it cannot. */
export function pathsBetween(reach: HostReachability, from: string, to: string): string[] {
  if (from === to) return [];
  return (reach.targetMedia.get(to) ?? []).filter((medium) => isSource(reach, medium, from)).map((medium) => medium.label);
}

/** Everything `from` reaches, with how. Output-sized (for diagrams); the boundary check does not use it. */
export function reachableTargets(reach: HostReachability, from: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const medium of reach.media) {
    if (!isSource(reach, medium, from)) continue;
    for (const target of medium.targets) {
      if (target.name !== from) pushTo(result, target.name, medium.label);
    }
  }
  return result;
}

/** Containers attached to a network, directly or through the namespace they join. */
export function membersOf(reach: HostReachability, network: string): readonly ContainerNode[] {
  return reach.media.find((medium) => medium.network === network && medium.sourceKind === "members")?.targets ?? [];
}

/** A protected container that internet-facing containers (or the internet) reach without its allowance. */
export interface IsolationViolation {
  target: ContainerNode;
  medium: Medium;
  /** Up to three of the offending internet-facing containers. */
  sources: string[];
  /** How many internet-facing containers reach it without being allowed. */
  sourceCount: number;
}

interface Facing {
  list: ContainerNode[];
  names: Set<string>;
}

function violationFor(target: ContainerNode, medium: Medium, facing: Facing): IsolationViolation | undefined {
  const allowed = new Set(target.reachableFrom);
  allowed.add(target.name);
  let permitted = 0;
  for (const name of allowed) if (facing.names.has(name)) permitted++;
  const sourceCount = facing.list.length - permitted;
  if (sourceCount === 0 && !medium.fromInternet) return undefined;
  const sources: string[] = [];
  for (const source of facing.list) {
    if (sources.length === 3) break;
    if (!allowed.has(source.name)) sources.push(source.name);
  }
  return { target, medium, sources, sourceCount };
}

/**
 * Every path from an internet-facing container (or the internet) to an identity or management
 * container that the target's `homeops.reachable-from` does not allow, one per target and medium.
 */
export function isolationViolations(reach: HostReachability): IsolationViolation[] {
  const facingBySources = new Map<readonly ContainerNode[], Facing>();
  const facingOf = (sources: readonly ContainerNode[]): Facing => {
    const known = facingBySources.get(sources);
    if (known) return known;
    const list = sources.filter(isInternetFacing);
    const facing = { list, names: new Set(list.map((container) => container.name)) };
    facingBySources.set(sources, facing);
    return facing;
  };
  const violations: IsolationViolation[] = [];
  for (const medium of reach.media) {
    for (const target of medium.targets) {
      if (!isProtected(target)) continue;
      const violation = violationFor(target, medium, facingOf(medium.sources));
      if (violation) violations.push(violation);
    }
  }
  return violations;
}

/** A container that joins another's network namespace without that container's allowance. */
export interface NetnsViolation {
  joiner: ContainerNode;
  /** Absent when the namespace owner is not declared on the host. */
  owner?: ContainerNode;
  /** What joining gives access to: the owner's networks, or "host". */
  sharedNetworks: string[];
}

export function netnsViolations(containers: readonly ContainerNode[]): NetnsViolation[] {
  const byName = new Map(containers.map((container) => [container.name, container]));
  const roots = namespaceRoots(byName);
  const violations: NetnsViolation[] = [];
  for (const joiner of containers) {
    if (joiner.networkMode.kind !== "container") continue;
    const owner = byName.get(joiner.networkMode.owner);
    if (owner && owner.netnsSharedWith.includes(joiner.name)) continue;
    const root = owner ? roots.get(owner.name) ?? owner : undefined;
    const sharedNetworks = root?.networkMode.kind === "host" ? ["host"] : root?.networkMode.kind === "networks" ? [...root.networks] : [];
    violations.push({ joiner, owner, sharedNetworks });
  }
  return violations;
}
