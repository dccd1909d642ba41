/**
 * A running Talos node's API on loopback, for the calls that reconcile it:
 * `ApplyConfiguration`, `Upgrade` and `Version` of `machine.MachineService`, from the
 * REFERENCE protos in ../shared/conformance (so the client's inline contract is checked
 * against them), over TLS that requires a client certificate signed by the test CA.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { conformancePath } from "../talos/conformance";
import type { TestPki } from "../talos-bootstrap/testPki";

/** common.proto imports google/rpc/status.proto, which neither the reference nor protobufjs ships. */
const GOOGLE_RPC_STATUS_PROTO = `syntax = "proto3";
package google.rpc;
import "google/protobuf/any.proto";
message Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; }
`;

export interface AppliedConfig {
  data: string;
  mode: string;
  callerOrganization: string;
}

export class FakeTalosNode {
  readonly applied: AppliedConfig[] = [];
  readonly upgrades: { image: string; preserve: boolean }[] = [];
  versionCalls = 0;
  /** The mode the node reports it applied a configuration with. */
  applyAnswer: { mode: "AUTO" | "REBOOT" | "NO_REBOOT" } | { error: grpc.status; details: string } = { mode: "NO_REBOOT" };
  /** How many Version probes go unanswered after a reboot (configuration or upgrade). */
  downProbes = 0;
  private tag: string;
  private unanswered = 0;

  private constructor(private readonly server: grpc.Server, readonly port: number, tag: string) {
    this.tag = tag;
  }

  static async start(pki: TestPki, tag: string): Promise<FakeTalosNode> {
    const server = new grpc.Server();
    const credentials = grpc.ServerCredentials.createSsl(
      Buffer.from(pki.ca.certPem),
      [{ cert_chain: Buffer.from(pki.server.certPem), private_key: Buffer.from(pki.server.keyPem) }],
      true,
    );
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", credentials, (error, boundPort) => (error ? reject(error) : resolve(boundPort))),
    );
    const node = new FakeTalosNode(server, port, tag);
    server.addService(loadMachineService(), {
      ApplyConfiguration: node.applyConfiguration.bind(node),
      Upgrade: node.upgrade.bind(node),
      Version: node.version.bind(node),
    });
    return node;
  }

  get endpoint(): string {
    return `127.0.0.1:${this.port}`;
  }

  reset(tag: string): void {
    this.applied.length = 0;
    this.upgrades.length = 0;
    this.versionCalls = 0;
    this.applyAnswer = { mode: "NO_REBOOT" };
    this.downProbes = 0;
    this.unanswered = 0;
    this.tag = tag;
  }

  close(): void {
    this.server.forceShutdown();
  }

  private applyConfiguration(call: grpc.ServerUnaryCall<{ data: Buffer; mode: string }, unknown>, callback: grpc.sendUnaryData<unknown>): void {
    const answer = this.applyAnswer;
    if ("error" in answer) {
      callback({ code: answer.error, details: answer.details });
      return;
    }
    this.applied.push({
      data: call.request.data.toString("utf8"),
      mode: call.request.mode,
      callerOrganization: String(call.getAuthContext().sslPeerCertificate?.subject.O),
    });
    if (answer.mode === "REBOOT") this.unanswered = this.downProbes;
    callback(null, { messages: [{ metadata: { hostname: "talos-cp-1" }, mode: answer.mode, mode_details: `applied with ${answer.mode}` }] });
  }

  private upgrade(call: grpc.ServerUnaryCall<{ image: string; preserve: boolean }, unknown>, callback: grpc.sendUnaryData<unknown>): void {
    this.upgrades.push({ image: call.request.image, preserve: call.request.preserve });
    this.tag = call.request.image.split(":").pop()!;
    this.unanswered = this.downProbes;
    callback(null, { messages: [{ metadata: { hostname: "talos-cp-1" }, ack: "Upgrade request received" }] });
  }

  private version(_call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>): void {
    this.versionCalls += 1;
    if (this.unanswered > 0) {
      this.unanswered -= 1;
      callback({ code: grpc.status.UNAVAILABLE, details: "rebooting" });
      return;
    }
    callback(null, { messages: [{ metadata: { hostname: "talos-cp-1" }, version: { tag: this.tag } }] });
  }
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
