/**
 * A Talos API server on loopback for the fake nodes: `machine.MachineService` loaded from
 * the REFERENCE protos in test/references/talos/api (so the program's own contract is checked
 * against them), over TLS that requires a client certificate signed by the test CA.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { conformancePath } from "../talos/conformance";
import type { CertifiedKey, TestPki } from "../talos-bootstrap/testPki";

/** common.proto imports google/rpc/status.proto, which neither the reference nor protobufjs ships. */
const GOOGLE_RPC_STATUS_PROTO = `syntax = "proto3";
package google.rpc;
import "google/protobuf/any.proto";
message Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; }
`;

/** Unary handlers by method name; each fake types its own requests and replies. */
export type UnaryHandlers = Record<string, grpc.handleUnaryCall<any, any>>;

/**
 * How the server's TLS differs from a configured node's (its certificate signed by the test CA,
 * client certificates of that CA required): `clientCa: null` asks for none, as a node in
 * maintenance mode; another CA stands for another cluster's node.
 */
export interface ApiServerTls {
  certificate?: CertifiedKey;
  clientCa?: string | null;
}

/** Starts a server with `handlers` for the methods it serves; resolves once it listens. */
export async function startTalosApiServer(pki: TestPki, handlers: UnaryHandlers, tls: ApiServerTls = {}): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server();
  const certificate = tls.certificate ?? pki.server;
  const clientCa = tls.clientCa === undefined ? pki.ca.certPem : tls.clientCa;
  const credentials = grpc.ServerCredentials.createSsl(
    clientCa === null ? null : Buffer.from(clientCa),
    [{ cert_chain: Buffer.from(certificate.certPem), private_key: Buffer.from(certificate.keyPem) }],
    clientCa !== null,
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", credentials, (error, boundPort) => (error ? reject(error) : resolve(boundPort))),
  );
  server.addService(loadMachineService(), handlers);
  return { server, port };
}

function loadMachineService(): grpc.ServiceDefinition {
  const protos = path.dirname(path.dirname(conformancePath("api", "machine", "machine.proto")));
  const stubDir = mkdtempSync(path.join(tmpdir(), "talos-protos-"));
  try {
    mkdirSync(path.join(stubDir, "google/rpc"), { recursive: true });
    writeFileSync(path.join(stubDir, "google/rpc/status.proto"), GOOGLE_RPC_STATUS_PROTO);
    const definition = protoLoader.loadSync("machine/machine.proto", { includeDirs: [protos, stubDir], keepCase: true, enums: String });
    return definition["machine.MachineService"] as grpc.ServiceDefinition;
  } finally {
    rmSync(stubDir, { recursive: true, force: true });
  }
}
