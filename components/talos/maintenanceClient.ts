/**
 * The first configuration of a machine outside Proxmox, as `talosctl apply-config --insecure`
 * sends it: a machine booted from Talos media waits in maintenance mode, serving
 * `machine.MachineService/ApplyConfiguration` over TLS with a self-signed certificate and no
 * client certificate (Talos docs, "The insecure flag"; siderolabs/talos
 * internal/app/maintenance/server.go: AUTO, REBOOT and TRY are accepted, a configuration that
 * does not validate is INVALID_ARGUMENT). The machine then installs Talos and reboots into the
 * configuration, after which it serves its API with the cluster's mutual TLS only.
 *
 * Captured by the TalosNodeConfiguration dynamic provider like ./nodeApiClient: packages are
 * `require`d inside the functions.
 */
import type * as grpcJs from "@grpc/grpc-js";
import { talosApiTarget } from "./bootstrapClient";
import { callMachineService, mutualTlsCredentials, type NodeMetadata, type TalosApiAccess } from "./talosApiAccess";

/** Installing Talos to disk and rebooting into it take minutes on real hardware. */
export const DEFAULT_MAINTENANCE_TIMEOUT_MS = 20 * 60 * 1000;
const DEFAULT_RETRY_INTERVAL_MS = 5000;
const PROBE_TIMEOUT_MS = 10_000;
/** ApplyConfigurationRequest.Mode.AUTO, `talosctl apply-config`'s default. */
const AUTO_MODE = 1;

export interface MaintenanceApplyRequest extends TalosApiAccess {
  /** Where the machine answers in maintenance mode, e.g. its DHCP lease; `endpoint` is where it answers once configured. */
  maintenanceEndpoint: string;
  /** The machine's complete configuration (all documents). */
  machineConfig: string;
}

/**
 * How the configuration got there: "maintenance" (applied insecurely, the machine installed
 * and came back with the cluster's PKI), or "already-configured" (the machine already answered
 * with the cluster's PKI, so the configuration went through the authenticated API instead).
 */
export type MaintenanceApplyOutcome = "maintenance" | "already-configured";

interface ApplyResponse {
  messages?: (NodeMetadata & { warnings?: string[] })[];
}
interface VersionResponse {
  messages?: (NodeMetadata & { version?: { tag?: string } })[];
}

/**
 * Applies `machineConfig` to a machine in maintenance mode, retrying while nothing answers
 * (it may still be booting), then waits until it answers at `endpoint` with the cluster's
 * mutual TLS. A machine that already answers with the cluster's PKI (an earlier run applied the
 * configuration but did not record it) gets it through the authenticated API. A machine that
 * refuses the configuration, or that asks for a client certificate of another cluster, fails
 * at once: neither improves by waiting.
 */
export async function applyInMaintenanceMode(request: MaintenanceApplyRequest): Promise<MaintenanceApplyOutcome> {
  const grpc: typeof grpcJs = require("@grpc/grpc-js");
  const maintenance = talosApiTarget(request.maintenanceEndpoint);
  const configured = talosApiTarget(request.endpoint);
  const deadline = Date.now() + (request.timeoutMs ?? DEFAULT_MAINTENANCE_TIMEOUT_MS);
  const interval = request.retryIntervalMs ?? DEFAULT_RETRY_INTERVAL_MS;
  const clusterCredentials = mutualTlsCredentials(configured, request);
  // The maintenance API's certificate is self-signed and the machine has no client to verify.
  const insecure = grpc.credentials.createSsl(null, null, null, { rejectUnauthorized: false, checkServerIdentity: () => undefined });
  const applyRequest = { data: Buffer.from(request.machineConfig, "utf8"), mode: AUTO_MODE, dry_run: false };

  let lastFailure = "no answer";
  for (;;) {
    try {
      await callMachineService<ApplyResponse>(maintenance, insecure, "ApplyConfiguration", applyRequest, Math.min(deadline, Date.now() + PROBE_TIMEOUT_MS));
      break;
    } catch (error) {
      const { code, message } = error as Partial<grpcJs.ServiceError>;
      if (code !== grpc.status.UNAVAILABLE && code !== grpc.status.DEADLINE_EXCEEDED) throw refused(maintenance, error);
      if (await answersWithClusterPki(configured, clusterCredentials)) {
        await callMachineService<ApplyResponse>(configured, clusterCredentials, "ApplyConfiguration", applyRequest, deadline).catch((applyError: unknown) => {
          throw refused(configured, applyError);
        });
        return "already-configured";
      }
      if (/certificate/i.test(message ?? "")) throw notInMaintenanceMode(maintenance, error);
      lastFailure = cleanMessage(message);
      if (Date.now() + interval >= deadline) {
        throw new Error(
          `Talos machine ${maintenance}: nothing answered in maintenance mode in time (last: ${lastFailure}). ` +
            "Boot it from Talos media (ISO, PXE or USB from the image factory's metal image) and check that this machine reaches that address on :50000.",
          { cause: error },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  }

  // The machine installs Talos and reboots; it is done once it answers with the cluster's PKI.
  for (;;) {
    if (await answersWithClusterPki(configured, clusterCredentials)) return "maintenance";
    if (Date.now() + interval >= deadline) {
      throw new Error(
        `Talos machine ${maintenance}: accepted its configuration but did not come up at ${configured} with the cluster's certificates in time. ` +
          "Check its console: the install disk, the NIC its address is on (bareMetal.macAddress), and that it booted from disk after installing.",
      );
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

async function answersWithClusterPki(target: string, credentials: grpcJs.ChannelCredentials): Promise<boolean> {
  return callMachineService<VersionResponse>(target, credentials, "Version", {}, Date.now() + PROBE_TIMEOUT_MS).then(
    () => true,
    () => false,
  );
}

function cleanMessage(message: string | undefined): string {
  // grpc-js ends connection errors with an empty "Resolution note:".
  return (message ?? "no message").replace(/\s*Resolution note:\s*$/, "");
}

function refused(target: string, error: unknown): Error {
  const grpc: typeof grpcJs = require("@grpc/grpc-js");
  const { code, message } = error as Partial<grpcJs.ServiceError>;
  const prefix = `Talos machine ${target}: applying its configuration failed: ${cleanMessage(message)}.`;
  if (code === grpc.status.INVALID_ARGUMENT) return new Error(`${prefix} The machine refused the configuration; the message above says which field.`, { cause: error });
  if (code === grpc.status.UNIMPLEMENTED) return new Error(`${prefix} The machine does not take a configuration this way (an agent-mode or too old Talos?).`, { cause: error });
  return new Error(prefix, { cause: error });
}

function notInMaintenanceMode(target: string, error: unknown): Error {
  return new Error(
    `Talos machine ${target} is not in maintenance mode: it asks for a client certificate, so it already runs a configuration, ` +
      `and not one of this cluster's PKI (${cleanMessage((error as Error).message)}). ` +
      "Wipe it so that it boots into maintenance mode (`talosctl reset` with its old talosconfig, or boot Talos media and wipe its install disk), then run `pulumi up` again.",
    { cause: error },
  );
}
