/**
 * A stand-in for a node's Talos API on loopback: `machine.MachineService/Bootstrap` from the
 * REFERENCE protos in ../shared/conformance (so the client's inline contract is checked
 * against them), over TLS that requires a client certificate signed by the test CA.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import type { TestPki } from "./testPki";

const TALOS_API_PROTOS = path.resolve(__dirname, "../../../shared/conformance/talos/api");

/** common.proto imports google/rpc/status.proto, which neither the reference nor protobufjs ships. */
const GOOGLE_RPC_STATUS_PROTO = `syntax = "proto3";
package google.rpc;
import "google/protobuf/any.proto";
message Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; }
`;

export type BootstrapAnswer =
  | { kind: "ok" }
  | { kind: "grpc-error"; code: grpc.status; details: string }
  /** An error reported inside the reply, the way apid's proxy reports an upstream failure. */
  | { kind: "reply-error"; error: string };

export class FakeTalosApi {
  bootstrapCalls = 0;
  /** The O= of each caller's client certificate, as the server saw it. */
  readonly callerOrganizations: string[] = [];
  private answers: BootstrapAnswer[] = [{ kind: "ok" }];

  private constructor(private readonly server: grpc.Server, readonly port: number) {}

  static async start(pki: TestPki): Promise<FakeTalosApi> {
    const server = new grpc.Server();
    const credentials = grpc.ServerCredentials.createSsl(
      Buffer.from(pki.ca.certPem),
      [{ cert_chain: Buffer.from(pki.server.certPem), private_key: Buffer.from(pki.server.keyPem) }],
      true,
    );
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", credentials, (error, boundPort) => (error ? reject(error) : resolve(boundPort))),
    );
    const api = new FakeTalosApi(server, port);
    server.addService(loadMachineService(), { Bootstrap: api.bootstrap.bind(api) });
    return api;
  }

  get endpoint(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Answers calls in this order; the last answer repeats. */
  answerWith(...answers: BootstrapAnswer[]): void {
    this.answers = answers;
  }

  reset(): void {
    this.bootstrapCalls = 0;
    this.callerOrganizations.length = 0;
    this.answers = [{ kind: "ok" }];
  }

  close(): void {
    this.server.forceShutdown();
  }

  private bootstrap(call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>): void {
    this.bootstrapCalls += 1;
    this.callerOrganizations.push(String(call.getAuthContext().sslPeerCertificate?.subject.O));
    const answer = this.answers.length > 1 ? this.answers.shift()! : this.answers[0];
    if (answer.kind === "grpc-error") callback({ code: answer.code, details: answer.details });
    else if (answer.kind === "reply-error") callback(null, { messages: [{ metadata: { hostname: "cp1", error: answer.error } }] });
    else callback(null, { messages: [{ metadata: { hostname: "cp1" } }] });
  }
}

function loadMachineService(): grpc.ServiceDefinition {
  if (!existsSync(path.join(TALOS_API_PROTOS, "machine/machine.proto"))) {
    throw new Error(`The Talos reference protos are missing: expected ${TALOS_API_PROTOS}/machine/machine.proto (../shared/conformance).`);
  }
  const stubDir = mkdtempSync(path.join(tmpdir(), "talos-protos-"));
  try {
    mkdirSync(path.join(stubDir, "google/rpc"), { recursive: true });
    writeFileSync(path.join(stubDir, "google/rpc/status.proto"), GOOGLE_RPC_STATUS_PROTO);
    const definition = protoLoader.loadSync("machine/machine.proto", { includeDirs: [TALOS_API_PROTOS, stubDir] });
    return definition["machine.MachineService"] as grpc.ServiceDefinition;
  } finally {
    rmSync(stubDir, { recursive: true, force: true });
  }
}
