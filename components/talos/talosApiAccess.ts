/**
 * What every call to a node's Talos API needs: gRPC over mutual TLS on :50000 with an
 * os:admin client certificate signed by the Talos OS CA. Captured by the dynamic providers'
 * closure serialization like the clients that use it, so packages are `require`d inside.
 */
import type * as grpcJs from "@grpc/grpc-js";

export interface TalosApiAccess {
  /** The node's Talos API: "10.0.0.10:50000", "10.0.0.10" or a host name (port 50000 then). */
  endpoint: string;
  /** Talos OS CA certificate (PEM); the node's API certificate must be signed by it. */
  caPem: string;
  /** An os:admin client certificate (PEM) signed by the OS CA. */
  clientCertPem: string;
  /** Its private key (PEM); Talos' `ED25519 PRIVATE KEY` label is accepted. */
  clientKeyPem: string;
  /** How long to keep trying while the node is unreachable or not ready yet. */
  timeoutMs?: number;
  /** Pause between two attempts. */
  retryIntervalMs?: number;
}

/** Channel credentials for `access`, or an error naming `target` and what the PEM must be. */
export function mutualTlsCredentials(target: string, access: TalosApiAccess): grpcJs.ChannelCredentials {
  const grpc: typeof grpcJs = require("@grpc/grpc-js");
  // Talos labels Ed25519 keys `ED25519 PRIVATE KEY`; the DER is PKCS#8, which OpenSSL reads only as `PRIVATE KEY`.
  const keyPem = access.clientKeyPem.replace(/-----(BEGIN|END) ED25519 PRIVATE KEY-----/g, "-----$1 PRIVATE KEY-----");
  try {
    return grpc.credentials.createSsl(Buffer.from(access.caPem), Buffer.from(keyPem), Buffer.from(access.clientCertPem));
  } catch (error) {
    throw new Error(
      `Talos API of ${target}: the TLS credentials are unusable (${(error as Error).message}). ` +
        "Expected PEM: the Talos OS CA certificate, an os:admin client certificate signed by it, and that certificate's private key.",
      { cause: error },
    );
  }
}
