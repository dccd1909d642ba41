/**
 * Stand-ins for the Pulumi CLI's side of its gRPC conversations, speaking `@pulumi/pulumi`'s
 * own protos: the Engine service (logging, the root resource), which the CLI hands every plugin
 * and program as its engine address, and a resource monitor for a program's registrations.
 * They record what they are told.
 */
import * as grpc from "@grpc/grpc-js";
import type * as pulumi from "@pulumi/pulumi";
import { EngineService } from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineproto from "@pulumi/pulumi/proto/engine_pb";
import { ResourceMonitorService } from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { deserializeProperties, serializeProperties } from "@pulumi/pulumi/runtime/rpc";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { redact } from "../../tools/plan/recorder";

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

/** One registration as the stand-in monitor received it, in the offline plan's terms. */
export interface Registration {
  urn: string;
  type: string;
  name: string;
  parent: string;
  custom: boolean;
  inputs: Record<string, unknown>;
}

/** The monitor features pulumi/pulumi v3.248.0's resource monitor supports (`supportsFeatureID`). */
const ENGINE_FEATURES = new Set([
  "secrets", "resourceReferences", "outputValues", "aliasSpecs", "replacementTrigger", "deletedWith", "replaceWith",
  "transforms", "invokeTransforms", "parameterization", "resourceHooks", "errorHooks", "sendsOptionsToHooks",
]);

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * The URN the engine gives a resource (pulumi/pulumi `sdk/go/common/resource/urn.go`, NewURN):
 * its type qualified by its parent's qualified type, unless the parent is the root Stack.
 */
function engineUrnOf(stack: string, project: string, parentUrn: string, type: string, name: string): string {
  const parentQualifiedType = parentUrn ? parentUrn.split("::")[2] : "";
  const qualified = parentQualifiedType && parentQualifiedType !== ROOT_STACK_TYPE ? `${parentQualifiedType}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/**
 * A stand-in for the engine a program talks to in `pulumi preview`: one gRPC server with
 * `@pulumi/pulumi`'s Engine and ResourceMonitor services. Registrations get the engine's URNs
 * and the given mocks' states (the offline preview's provider stand-ins); each is recorded.
 */
export async function startStandInDeployment(options: { project: string; stack: string; mocks: pulumi.runtime.Mocks }) {
  const { project, stack, mocks } = options;
  const logs: EngineLog[] = [];
  const registrations: Registration[] = [];
  const outputs = new Map<string, Record<string, unknown>>();
  const same = (urn: string) => urn;
  const record = (urn: string, type: string, name: string, parent: string, custom: boolean, struct: Struct | undefined) =>
    registrations.push({ urn, type, name, parent, custom, inputs: redact(struct?.toJavaScript() ?? {}, same) as Record<string, unknown> });

  const newResource = async (type: string, name: string, struct: Struct | undefined, custom: boolean, id: string) => {
    const result = await mocks.newResource({ type, name, inputs: struct ? deserializeProperties(struct) : {}, provider: "", custom, id });
    return { id: result.id ?? "", state: Struct.fromJavaScript(await serializeProperties("", result.state)) };
  };
  const registerResource: Unary<resproto.RegisterResourceRequest, resproto.RegisterResourceResponse> = (call, callback) => {
    const request = call.request;
    const urn = engineUrnOf(stack, project, request.getParent(), request.getType(), request.getName());
    record(urn, request.getType(), request.getName(), request.getParent(), request.getCustom(), request.getObject());
    newResource(request.getType(), request.getName(), request.getObject(), request.getCustom(), request.getImportid()).then(
      ({ id, state }) => callback(null, new resproto.RegisterResourceResponse().setUrn(urn).setId(request.getCustom() ? id : "").setObject(state)),
      (error: Error) => callback({ code: grpc.status.UNKNOWN, details: error.message } as grpc.ServiceError),
    );
  };
  const readResource: Unary<resproto.ReadResourceRequest, resproto.ReadResourceResponse> = (call, callback) => {
    const request = call.request;
    const urn = engineUrnOf(stack, project, request.getParent(), request.getType(), request.getName());
    record(urn, request.getType(), request.getName(), request.getParent(), true, request.getProperties());
    newResource(request.getType(), request.getName(), request.getProperties(), true, request.getId()).then(
      ({ state }) => callback(null, new resproto.ReadResourceResponse().setUrn(urn).setProperties(state)),
      (error: Error) => callback({ code: grpc.status.UNKNOWN, details: error.message } as grpc.ServiceError),
    );
  };
  const monitor: grpc.UntypedServiceImplementation = {
    supportsFeature: ((call, callback) => callback(null, new resproto.SupportsFeatureResponse().setHassupport(ENGINE_FEATURES.has(call.request.getId())))) as Unary<resproto.SupportsFeatureRequest, resproto.SupportsFeatureResponse>,
    registerResource,
    readResource,
    registerResourceOutputs: ((call, callback) => {
      outputs.set(call.request.getUrn(), redact(call.request.getOutputs()?.toJavaScript() ?? {}, same) as Record<string, unknown>);
      callback(null, new Empty());
    }) as Unary<resproto.RegisterResourceOutputsRequest, Empty>,
    registerPackage: ((_, callback) => callback(null, new resproto.RegisterPackageResponse().setRef("stand-in"))) as Unary<resproto.RegisterPackageRequest, resproto.RegisterPackageResponse>,
    signalAndWaitForShutdown: ((_, callback) => callback(null, new Empty())) as Unary<Empty, Empty>,
    invoke: ((call, callback) => callback({ code: grpc.status.UNIMPLEMENTED, details: `no stand-in for the function ${call.request.getTok()}` } as grpc.ServiceError)) as Unary<resproto.ResourceInvokeRequest, unknown>,
  };
  const server = await serve((grpcServer) => {
    grpcServer.addService(EngineService, engineHandlers(logs));
    grpcServer.addService(ResourceMonitorService, monitor);
  });
  return { ...server, logs, registrations, outputs };
}
