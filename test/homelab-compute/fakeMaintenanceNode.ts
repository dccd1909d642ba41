/**
 * A machine booted from Talos media, in maintenance mode, on loopback: `ApplyConfiguration`
 * over TLS with a self-signed certificate (the foreign test CA's, which the client does not
 * trust) and no client certificate asked for. Applying a configuration "installs" it: the
 * machine's configured API (a FakeTalosNode with the cluster's mutual TLS) boots.
 */
import * as grpc from "@grpc/grpc-js";
import { startTalosApiServer } from "../support/talosApiServer";
import type { TestPki } from "../talos-bootstrap/testPki";
import type { FakeTalosNode } from "./fakeTalosNode";

export interface MaintenanceApply {
  data: string;
  mode: string;
  /** The subject of the client certificate the caller presented, if any. */
  clientCertificate: unknown;
}

export class FakeMaintenanceNode {
  readonly applied: MaintenanceApply[] = [];
  /** Accept (and install), or refuse as Talos's maintenance service does. */
  applyAnswer: "install" | "accept without installing" | { error: grpc.status; details: string } = "install";

  private constructor(private readonly server: grpc.Server, readonly port: number, private readonly configured: FakeTalosNode) {}

  static async start(pki: TestPki, configured: FakeTalosNode): Promise<FakeMaintenanceNode> {
    let node: FakeMaintenanceNode | undefined;
    const { server, port } = await startTalosApiServer(pki, { ApplyConfiguration: (call, callback) => node?.applyConfiguration(call, callback) }, { clientCa: null, certificate: pki.foreignCa });
    node = new FakeMaintenanceNode(server, port, configured);
    return node;
  }

  get endpoint(): string {
    return `127.0.0.1:${this.port}`;
  }

  reset(): void {
    this.applied.length = 0;
    this.applyAnswer = "install";
  }

  close(): void {
    this.server.forceShutdown();
  }

  private applyConfiguration(call: grpc.ServerUnaryCall<{ data: Buffer; mode: string }, unknown>, callback: grpc.sendUnaryData<unknown>): void {
    const answer = this.applyAnswer;
    if (typeof answer === "object") {
      callback({ code: answer.error, details: answer.details });
      return;
    }
    this.applied.push({ data: call.request.data.toString("utf8"), mode: call.request.mode, clientCertificate: call.getAuthContext().sslPeerCertificate?.subject });
    if (answer === "install") this.configured.bootConfigured();
    // Talos's maintenance service answers with the validation warnings only.
    callback(null, { messages: [{ warnings: [] }] });
  }
}
