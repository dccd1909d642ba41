/**
 * The one Talos API call this program makes itself: etcd bootstrap of the first control
 * plane, `machine.MachineService/Bootstrap`, gRPC over mutual TLS on port 50000.
 *
 * The TalosBootstrap dynamic provider captures this module through Pulumi's closure
 * serialization and runs it in the dynamic provider process. Hence no run-time imports at
 * module level (a captured module object would be serialized by value): packages are
 * `require`d inside the functions; the protobuf contract is in ./talosApiAccess.
 */
import type * as grpcJs from "@grpc/grpc-js";
import { callMachineService, mutualTlsCredentials, type NodeMetadata, type TalosApiAccess } from "./talosApiAccess";

export const TALOS_API_PORT = 50000;

/** A node that has just been created needs minutes to install and boot Talos. */
export const DEFAULT_BOOTSTRAP_TIMEOUT_MS = 10 * 60 * 1000;
const DEFAULT_RETRY_INTERVAL_MS = 5000;

export type TalosBootstrapOptions = TalosApiAccess;

/** "already-bootstrapped": etcd had data, so there was nothing to do. */
export type TalosBootstrapOutcome = "bootstrapped" | "already-bootstrapped";

interface BootstrapResponse {
  messages?: NodeMetadata[];
}

/**
 * Bootstraps etcd on the node at `endpoint`, retrying while the node is unreachable or not
 * ready (Talos answers FAILED_PRECONDITION while it boots or waits for time sync). A node
 * whose etcd already has data answers ALREADY_EXISTS, which counts as done.
 */
export async function bootstrapTalos(options: TalosBootstrapOptions): Promise<TalosBootstrapOutcome> {
  const grpc: typeof grpcJs = require("@grpc/grpc-js");
  const target = talosApiTarget(options.endpoint);
  const credentials = mutualTlsCredentials(target, options);
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_BOOTSTRAP_TIMEOUT_MS);
  const retryIntervalMs = options.retryIntervalMs ?? DEFAULT_RETRY_INTERVAL_MS;
  let previousError: unknown;
  for (;;) {
    try {
      await callBootstrap(target, credentials, deadline);
      return "bootstrapped";
    } catch (error) {
      const code = (error as Partial<grpcJs.ServiceError>).code;
      if (code === grpc.status.ALREADY_EXISTS) return "already-bootstrapped";
      const retryable = code === grpc.status.UNAVAILABLE || code === grpc.status.FAILED_PRECONDITION;
      if (!retryable || Date.now() + retryIntervalMs >= deadline) {
        // A last attempt cut short by the deadline says less than the attempts before it.
        const telling = code === grpc.status.DEADLINE_EXCEEDED && previousError ? previousError : error;
        throw explainFailure(target, telling);
      }
      previousError = error;
      await new Promise((resolve) => setTimeout(resolve, retryIntervalMs));
    }
  }
}

/** The gRPC target for an endpoint given with or without a port (`port` then). */
export function talosApiTarget(endpoint: string, port = TALOS_API_PORT): string {
  const net: typeof import("node:net") = require("node:net");
  const hasPort = !net.isIPv6(endpoint) && /:\d+$/.test(endpoint);
  return hasPort ? endpoint : talosApiEndpoint(endpoint, port);
}

/** "host:port", with an IPv6 literal in brackets. */
export function talosApiEndpoint(host: string, port: number): string {
  const net: typeof import("node:net") = require("node:net");
  return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/** One attempt on a fresh channel, so that grpc-js' reconnect backoff does not stretch the retries. */
async function callBootstrap(target: string, credentials: grpcJs.ChannelCredentials, deadline: number): Promise<void> {
  const request = { recover_etcd: false, recover_skip_hash_check: false };
  await callMachineService<BootstrapResponse>(target, credentials, "Bootstrap", request, deadline);
}

/** Names the node, what went wrong and what to check. */
function explainFailure(target: string, error: unknown): Error {
  const grpc: typeof grpcJs = require("@grpc/grpc-js");
  const { code, message } = error as Partial<grpcJs.ServiceError>;
  // grpc-js ends connection errors with an empty "Resolution note:".
  const reason = message?.replace(/\s*Resolution note:\s*$/, "");
  const prefix = `Talos bootstrap of ${target} failed: ${reason}.`;
  switch (code) {
    case grpc.status.UNAVAILABLE:
    case grpc.status.DEADLINE_EXCEEDED:
      return new Error(
        `${prefix} Check that the node is up and has booted its machine config, that ${target} is reachable ` +
          "from this machine, that the node's API certificate is signed by the given Talos OS CA, and that the " +
          "client certificate is an os:admin certificate signed by the same CA.",
        { cause: error },
      );
    case grpc.status.FAILED_PRECONDITION:
      return new Error(`${prefix} Check that this node is a control plane and that its clock is in sync.`, { cause: error });
    case grpc.status.PERMISSION_DENIED:
    case grpc.status.UNAUTHENTICATED:
      return new Error(`${prefix} The client certificate must carry the os:admin role (O=os:admin).`, { cause: error });
    default:
      return new Error(prefix, { cause: error });
  }
}
