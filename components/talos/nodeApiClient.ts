/**
 * The Talos API calls that bring a running node to its declared state:
 * `machine.MachineService/ApplyConfiguration` for a changed machine config, `Upgrade` for a
 * new installer image (deprecated in favour of LifecycleService, still served until Talos
 * v1.18), and `Version` to wait for the node to come back. gRPC over mutual TLS on :50000
 * with the os:admin client certificate.
 *
 * The TalosNodeConfiguration dynamic provider captures this module through Pulumi's closure
 * serialization, as TalosBootstrap does ./bootstrapClient: no run-time imports at module
 * level, packages are `require`d inside the functions; the protobuf contract is in
 * ./talosApiAccess.
 */
import type * as grpcJs from "@grpc/grpc-js";
import { callMachineService, mutualTlsCredentials, type NodeMetadata, type TalosApiAccess } from "./talosApiAccess";

/** Installing an upgrade and rebooting take minutes. */
export const DEFAULT_NODE_TIMEOUT_MS = 15 * 60 * 1000;
const DEFAULT_RETRY_INTERVAL_MS = 5000;
/** One Version probe never waits longer than this, so that a hung connection does not eat the budget. */
const PROBE_TIMEOUT_MS = 10_000;


export interface ReconcileRequest extends TalosApiAccess {
  /** The node's complete machine configuration (all documents). */
  machineConfig: string;
  /** Set when the node must move to another installer image (Talos release or schematic). */
  upgrade?: { image: string; talosVersion: string };
}

/** ApplyConfigurationRequest.Mode, by enum number. */
const APPLY_MODES = ["REBOOT", "AUTO", "NO_REBOOT", "STAGED", "TRY"] as const;
export type ApplyMode = (typeof APPLY_MODES)[number];

export interface ReconcileOutcome {
  /** How Talos applied the configuration; REBOOT means the node restarted to apply it. */
  appliedWith: ApplyMode;
  /** The release the node reports after an upgrade. */
  upgradedTo?: string;
}

/**
 * Applies the configuration in AUTO mode (Talos reboots only when a change needs it) and
 * waits for a rebooting node to come back; then, if asked, upgrades the node and waits until
 * it reports the new release. Returns only once the node serves its API again, so that
 * nodes reconciled one after the other never restart together.
 */
export async function reconcileTalosNode(request: ReconcileRequest): Promise<ReconcileOutcome> {
  const target = request.endpoint;
  const credentials = mutualTlsCredentials(request.endpoint, request);
  const deadline = Date.now() + (request.timeoutMs ?? DEFAULT_NODE_TIMEOUT_MS);
  const interval = request.retryIntervalMs ?? DEFAULT_RETRY_INTERVAL_MS;

  const applied = await callMachineService<ApplyResponse>(target, credentials, "ApplyConfiguration", {
    data: Buffer.from(request.machineConfig, "utf8"),
    mode: APPLY_MODES.indexOf("AUTO"),
    dry_run: false,
  }, deadline).catch((error: unknown) => {
    throw explainFailure(target, "applying the machine configuration", error);
  });
  const appliedWith = APPLY_MODES[applied.messages?.[0]?.mode ?? 1];
  if (appliedWith === "REBOOT") {
    let wentDown = false;
    await waitForVersion(target, credentials, deadline, interval, "to come back after the reboot that applies its configuration", (tag) => {
      if (tag === undefined) wentDown = true;
      return wentDown && tag !== undefined;
    });
  }
  if (request.upgrade === undefined) return { appliedWith };

  const { image, talosVersion } = request.upgrade;
  await callMachineService<UpgradeResponse>(target, credentials, "Upgrade", { image, preserve: true, stage: false, force: false }, deadline).catch((error: unknown) => {
    throw explainFailure(target, `upgrading to ${image}`, error);
  });
  await waitForVersion(target, credentials, deadline, interval, `to report Talos ${talosVersion} after the upgrade`, (tag) => tag === talosVersion);
  return { appliedWith, upgradedTo: talosVersion };
}

/** Lowercase hex SHA-256, how the provider remembers a configuration without keeping it in its outputs. */
export function sha256Hex(text: string): string {
  const crypto: typeof import("node:crypto") = require("node:crypto");
  return crypto.createHash("sha256").update(text, "utf8").digest("hex");
}

interface ApplyResponse {
  messages?: (NodeMetadata & { mode?: number; mode_details?: string; warnings?: string[] })[];
}
interface UpgradeResponse {
  messages?: (NodeMetadata & { ack?: string })[];
}
interface VersionResponse {
  messages?: (NodeMetadata & { version?: { tag?: string } })[];
}

/** Probes Version until `done` holds for the reported tag (undefined while the node does not answer). */
async function waitForVersion(
  target: string,
  credentials: grpcJs.ChannelCredentials,
  deadline: number,
  interval: number,
  waitingFor: string,
  done: (tag: string | undefined) => boolean,
): Promise<void> {
  let last = "no answer";
  for (;;) {
    const tag = await callMachineService<VersionResponse>(target, credentials, "Version", {}, Math.min(deadline, Date.now() + PROBE_TIMEOUT_MS)).then(
      (response) => response.messages?.[0]?.version?.tag,
      () => undefined,
    );
    if (tag !== undefined) last = `Talos ${tag}`;
    if (done(tag)) return;
    if (Date.now() + interval >= deadline) {
      throw new Error(`Talos node ${target}: timed out waiting for the node ${waitingFor} (last seen: ${last}). Check its console in Proxmox.`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}


function explainFailure(target: string, action: string, error: unknown): Error {
  const grpc: typeof grpcJs = require("@grpc/grpc-js");
  const { code, message } = error as Partial<grpcJs.ServiceError>;
  const reason = message?.replace(/\s*Resolution note:\s*$/, "") ?? String(error);
  const prefix = `Talos node ${target}: ${action} failed: ${reason}.`;
  switch (code) {
    case grpc.status.UNAVAILABLE:
    case grpc.status.DEADLINE_EXCEEDED:
      return new Error(`${prefix} Check that the node is up and ${target} is reachable from this machine.`, { cause: error });
    case grpc.status.INVALID_ARGUMENT:
      return new Error(`${prefix} The node refused the configuration; the message above says which field.`, { cause: error });
    case grpc.status.FAILED_PRECONDITION:
      return new Error(`${prefix} Talos refuses while the cluster is unhealthy (etcd members down?); fix that first, then run \`pulumi up\` again.`, { cause: error });
    case grpc.status.PERMISSION_DENIED:
    case grpc.status.UNAUTHENTICATED:
      return new Error(`${prefix} The client certificate must be an os:admin certificate of this cluster's OS CA.`, { cause: error });
    default:
      return new Error(prefix, { cause: error });
  }
}
