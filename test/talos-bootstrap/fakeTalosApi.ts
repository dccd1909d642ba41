/**
 * A stand-in for a node's Talos API on loopback serving `machine.MachineService/Bootstrap`
 * (test/support/talosApiServer.ts: the reference protos, TLS requiring a client certificate).
 */
import type * as grpc from "@grpc/grpc-js";
import { startTalosApiServer } from "../support/talosApiServer";
import type { TestPki } from "./testPki";

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
    let api: FakeTalosApi | undefined;
    const { server, port } = await startTalosApiServer(pki, { Bootstrap: (call, callback) => api?.bootstrap(call, callback) });
    api = new FakeTalosApi(server, port);
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
