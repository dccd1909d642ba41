/**
 * What every call to a node's Talos API needs: gRPC over mutual TLS on :50000 with an
 * os:admin client certificate signed by the Talos OS CA. Captured by the dynamic providers'
 * closure serialization like the clients that use it, so packages are `require`d inside.
 */
import type * as grpcJs from "@grpc/grpc-js";
import type * as protoLoader from "@grpc/proto-loader";

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

export interface NodeMetadata {
  metadata?: { hostname?: string; error?: string };
}
const METADATA = { type: "common.Metadata", id: 1 };

/**
 * The slice of Talos' api/machine/machine.proto and api/common/common.proto this program
 * calls, as a protobufjs JSON descriptor: same packages, names and field numbers (users do
 * not have the .proto files). Kept as JSON text: the dynamic providers' closure serializer
 * writes a captured object out node by node, a string in one piece.
 */
const MACHINE_API_CONTRACT = JSON.stringify({
  nested: {
    google: { nested: { protobuf: { nested: { Empty: { fields: {} } } } } },
    common: {
      nested: {
        Metadata: { fields: { hostname: { type: "string", id: 1 }, error: { type: "string", id: 2 } } },
      },
    },
    machine: {
      nested: {
        MachineService: {
          methods: {
            Bootstrap: {
              requestType: "BootstrapRequest",
              responseType: "BootstrapResponse",
              comment: "Makes a control plane node create a single-node etcd cluster.",
            },
            ApplyConfiguration: {
              requestType: "ApplyConfigurationRequest",
              responseType: "ApplyConfigurationResponse",
              comment: "Asserts a new configuration upon the node.",
            },
            Upgrade: { requestType: "UpgradeRequest", responseType: "UpgradeResponse", comment: "Installs another installer image and reboots into it." },
            Version: { requestType: "google.protobuf.Empty", responseType: "VersionResponse", comment: "The Talos release the node runs." },
          },
        },
        BootstrapRequest: {
          fields: { recover_etcd: { type: "bool", id: 1 }, recover_skip_hash_check: { type: "bool", id: 2 } },
        },
        Bootstrap: { fields: { metadata: METADATA } },
        BootstrapResponse: { fields: { messages: { rule: "repeated", type: "Bootstrap", id: 1 } } },
        ApplyConfigurationRequest: {
          fields: { data: { type: "bytes", id: 1 }, mode: { type: "Mode", id: 4 }, dry_run: { type: "bool", id: 5 } },
          nested: { Mode: { values: { REBOOT: 0, AUTO: 1, NO_REBOOT: 2, STAGED: 3, TRY: 4 } } },
        },
        ApplyConfiguration: {
          fields: {
            metadata: METADATA,
            warnings: { rule: "repeated", type: "string", id: 2 },
            mode: { type: "ApplyConfigurationRequest.Mode", id: 3 },
            mode_details: { type: "string", id: 4 },
          },
        },
        ApplyConfigurationResponse: { fields: { messages: { rule: "repeated", type: "ApplyConfiguration", id: 1 } } },
        UpgradeRequest: {
          fields: {
            image: { type: "string", id: 1 },
            preserve: { type: "bool", id: 2 },
            stage: { type: "bool", id: 3 },
            force: { type: "bool", id: 4 },
          },
        },
        Upgrade: { fields: { metadata: METADATA, ack: { type: "string", id: 2 } } },
        UpgradeResponse: { fields: { messages: { rule: "repeated", type: "Upgrade", id: 1 } } },
        VersionInfo: { fields: { tag: { type: "string", id: 1 } } },
        Version: { fields: { metadata: METADATA, version: { type: "VersionInfo", id: 2 } } },
        VersionResponse: { fields: { messages: { rule: "repeated", type: "Version", id: 1 } } },
      },
    },
  },
});

type MethodName = "Bootstrap" | "ApplyConfiguration" | "Upgrade" | "Version";

/** One unary call on a fresh channel; an error the node reports inside its reply fails it too. */
export function callMachineService<Response extends { messages?: NodeMetadata[] }>(
  target: string,
  credentials: grpcJs.ChannelCredentials,
  methodName: MethodName,
  request: object,
  deadline: number,
): Promise<Response> {
  const grpc: typeof grpcJs = require("@grpc/grpc-js");
  const loader: typeof protoLoader = require("@grpc/proto-loader");
  const definition = loader.fromJSON(JSON.parse(MACHINE_API_CONTRACT), { keepCase: true, defaults: true });
  const method = (definition["machine.MachineService"] as protoLoader.ServiceDefinition)[methodName] as unknown as protoLoader.MethodDefinition<object, Response>;
  const client = new grpc.Client(target, credentials);
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(method.path, method.requestSerialize, method.responseDeserialize, request, { deadline }, (error, response) => {
      client.close();
      const nodeError = response?.messages?.map((message) => message.metadata?.error).find(Boolean);
      if (error) reject(error);
      else if (nodeError) reject(new Error(`the node answered with an error: ${nodeError}`));
      else resolve(response as Response);
    });
  });
}
