/**
 * A running Talos node's API on loopback, for the calls that reconcile it:
 * `ApplyConfiguration`, `Upgrade` and `Version` of `machine.MachineService`
 * (test/support/talosApiServer.ts: the reference protos, TLS requiring a client certificate).
 */
import * as grpc from "@grpc/grpc-js";
import { startTalosApiServer } from "../support/talosApiServer";
import type { TestPki } from "../talos-bootstrap/testPki";

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
  /** False for a machine still in maintenance mode: its configured API does not answer yet. */
  installed = true;
  private tag: string;
  private unanswered = 0;

  private constructor(private readonly server: grpc.Server, readonly port: number, tag: string) {
    this.tag = tag;
  }

  static async start(pki: TestPki, tag: string): Promise<FakeTalosNode> {
    let node: FakeTalosNode | undefined;
    const { server, port } = await startTalosApiServer(pki, {
      ApplyConfiguration: (call, callback) => node?.applyConfiguration(call, callback),
      Upgrade: (call, callback) => node?.upgrade(call, callback),
      Version: (call, callback) => node?.version(call, callback),
    });
    node = new FakeTalosNode(server, port, tag);
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
    this.installed = true;
    this.tag = tag;
  }

  /** The machine installed its configuration and reboots into it: down for `downProbes` probes, then up. */
  bootConfigured(): void {
    this.installed = true;
    this.unanswered = this.downProbes;
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
    if (!this.installed) {
      callback({ code: grpc.status.UNAVAILABLE, details: "no configured Talos API here yet" });
      return;
    }
    if (this.unanswered > 0) {
      this.unanswered -= 1;
      callback({ code: grpc.status.UNAVAILABLE, details: "rebooting" });
      return;
    }
    callback(null, { messages: [{ metadata: { hostname: "talos-cp-1" }, version: { tag: this.tag } }] });
  }
}
