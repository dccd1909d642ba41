/**
 * A stand-in for the Pulumi CLI's engine endpoint: a gRPC server speaking `@pulumi/pulumi`'s
 * own Engine service (logging, the root resource), which the CLI hands every plugin and program
 * as its engine address. It records what it is told; nothing is decided here.
 */
import * as grpc from "@grpc/grpc-js";
import { EngineService } from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineproto from "@pulumi/pulumi/proto/engine_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";

export interface GrpcServer {
  address: string;
  stop(): Promise<void>;
}

/** Binds services on a free loopback port. */
export function serve(add: (server: grpc.Server) => void): Promise<GrpcServer> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  add(server);
  return new Promise((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
      if (error) return reject(error);
      resolve({ address: `127.0.0.1:${port}`, stop: () => new Promise((done) => server.tryShutdown(() => done())) });
    });
  });
}

export interface EngineLog {
  severity: engineproto.LogSeverity;
  message: string;
  urn: string;
}

type Unary<Request, Response> = grpc.handleUnaryCall<Request, Response>;

/** The Engine service's handlers, recording logs into `logs`. */
export function engineHandlers(logs: EngineLog[]): grpc.UntypedServiceImplementation {
  let root = "";
  const log: Unary<engineproto.LogRequest, Empty> = (call, callback) => {
    logs.push({ severity: call.request.getSeverity(), message: call.request.getMessage(), urn: call.request.getUrn() });
    callback(null, new Empty());
  };
  const getRootResource: Unary<engineproto.GetRootResourceRequest, engineproto.GetRootResourceResponse> = (_, callback) =>
    callback(null, new engineproto.GetRootResourceResponse().setUrn(root));
  const setRootResource: Unary<engineproto.SetRootResourceRequest, engineproto.SetRootResourceResponse> = (call, callback) => {
    root = call.request.getUrn();
    callback(null, new engineproto.SetRootResourceResponse());
  };
  const requirePulumiVersion: Unary<engineproto.RequirePulumiVersionRequest, engineproto.RequirePulumiVersionResponse> = (_, callback) =>
    callback(null, new engineproto.RequirePulumiVersionResponse());
  return { log, getRootResource, setRootResource, requirePulumiVersion };
}

/** A running stand-in engine and what it was told. */
export async function startStandInEngine(): Promise<GrpcServer & { logs: EngineLog[] }> {
  const logs: EngineLog[] = [];
  const server = await serve((grpcServer) => grpcServer.addService(EngineService, engineHandlers(logs)));
  return { ...server, logs };
}
