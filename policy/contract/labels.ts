/**
 * Docker labels that carry homeops' declarations on every container, so that the policy
 * pack (under the real engine as well as offline) can reason about trust zones and hosts
 * from the resource inputs alone.
 */
export const LABELS = {
  /** The Docker host (inventory name) the container runs on, e.g. `racknerd-aegis`. */
  host: "homeops.host",
  /** The homeops Docker stack the container belongs to, e.g. `aegis-identity`. */
  stack: "homeops.stack",
  /** The container's trust zone (see TRUST_ZONES). */
  zone: "homeops.zone",
  /**
   * Comma-separated container names that the estate explicitly allows to reach this
   * container even though their zones would forbid it (the seed's boundary table).
   */
  reachableFrom: "homeops.reachable-from",
  /**
   * Comma-separated container names allowed to join this container's network namespace
   * (`network_mode: container:<this>`), e.g. pangolin-traefik on gerbil.
   */
  netnsSharedWith: "homeops.netns-shared-with",
  /**
   * The image reference the container runs, as the inventory writes it (with its digest when
   * pinned): the `image` input is the pulled image's id, which names neither.
   */
  image: "homeops.image",
} as const;

/** Bridge driver option that leaves the host without an address on the network (Docker 28+). */
export const HOST_ISOLATION_OPTION = "com.docker.network.bridge.gateway_mode_ipv4";

/** Labels on Docker networks. */
export const NETWORK_LABELS = {
  host: "homeops.host",
  /** Why a network that holds identity/management containers is not `internal`. */
  egressReason: "homeops.egress-reason",
} as const;

/**
 * Trust zones. `edge` containers face the internet; `identity` and `management` are
 * what an attacker on the edge must never reach unless explicitly allowed.
 */
export const TRUST_ZONES = ["edge", "tunnel", "identity", "management", "observability", "app", "data"] as const;
export type TrustZone = (typeof TRUST_ZONES)[number];
/** Zones whose containers carry the internet's traffic: `edge` listens for it, `tunnel` dials out and receives it. */
export const INTERNET_ZONES: readonly TrustZone[] = ["edge", "tunnel"];
/** Zones that internet-facing containers must not reach without an explicit allowance. */
export const PROTECTED_ZONES: readonly TrustZone[] = ["identity", "management"];
