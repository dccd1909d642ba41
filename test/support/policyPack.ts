/**
 * Runs a policy pack the way the Pulumi CLI does (pulumi/pulumi v3.248.0: the Node.js language
 * host's RunPlugin for an analyzer): `node <@pulumi/pulumi/cmd/run-policy-pack as resolved from
 * the pack> <engine address> <pack directory>` with the pack directory as working directory
 * and the stack's identity and configuration in the environment; the first line on stdout is
 * the port of the pack's gRPC server. The client speaks `@pulumi/pulumi`'s own analyzer protos.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import type { AnalyzerCalls } from "../../policy/evaluate";

export interface PackStack {
  organization: string;
  project: string;
  stack: string;
  /** `<namespace>:<key>` to the value as the CLI passes it (structured values as JSON). */
  config: Record<string, string>;
  secretKeys: string[];
}

export interface RunningPack {
  client: AnalyzerClient;
  process: ChildProcess;
  stderr(): string;
  stop(): void;
}

/** The environment the language host gives an analyzer (`PULUMI_NODEJS_*` and `PULUMI_CONFIG`, for a preview). */
function packEnvironment(stack: PackStack): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PULUMI_NODEJS_ORGANIZATION: stack.organization,
    PULUMI_NODEJS_PROJECT: stack.project,
    PULUMI_NODEJS_STACK: stack.stack,
    PULUMI_NODEJS_DRY_RUN: "true",
    PULUMI_CONFIG: JSON.stringify(stack.config),
  };
}

export function startPolicyPack(packDir: string, engineAddress: string, stack: PackStack, timeoutMs = 120_000): Promise<RunningPack> {
  const runPath = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
  const child = spawn(process.execPath, [runPath, engineAddress, packDir], { cwd: packDir, env: packEnvironment(stack), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(`no port within ${timeoutMs} ms`), timeoutMs);
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill();
      reject(new Error(`the policy pack in ${packDir} did not start: ${why}\n${stderr}`));
    };
    child.on("exit", (code) => fail(`it exited with ${code}`));
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const port = /^(\d+)\s*\n/.exec(stdout)?.[1];
      if (!port) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { "grpc.max_receive_message_length": 400 * 1024 * 1024, "grpc.max_send_message_length": 400 * 1024 * 1024 });
      resolve({ client, process: child, stderr: () => stderr, stop: () => (client.close(), child.kill()) });
    });
  });
}

type Callback<Response> = (error: grpc.ServiceError | null, response: Response) => void;

/** One unary call as a promise: `unary<Info>((done) => client.getAnalyzerInfo(request, done))`. */
export function unary<Response>(call: (callback: Callback<Response>) => unknown): Promise<Response> {
  return new Promise((resolve, reject) => call((error, response) => (error ? reject(error) : resolve(response))));
}

/** The calls the engine makes before analysing: ConfigureStack, GetAnalyzerInfo, GetPluginInfo. */
export async function introduce(client: AnalyzerClient, stack: PackStack): Promise<{ info: analyzerproto.AnalyzerInfo; plugin: PluginInfo }> {
  const configureStack = new analyzerproto.AnalyzerStackConfigureRequest()
    .setOrganization(stack.organization)
    .setProject(stack.project)
    .setStack(stack.stack)
    .setDryRun(true)
    .setConfigSecretKeysList(stack.secretKeys);
  for (const [key, value] of Object.entries(stack.config)) configureStack.getConfigMap().set(key, value);
  await unary<analyzerproto.AnalyzerStackConfigureResponse>((done) => client.configureStack(configureStack, done));
  const info = await unary<analyzerproto.AnalyzerInfo>((done) => client.getAnalyzerInfo(new Empty(), done));
  const plugin = await unary<PluginInfo>((done) => client.getPluginInfo(new Empty(), done));
  return { info, plugin };
}

/** The pack's Analyze and AnalyzeStack over gRPC, for `analyzePlan`. */
export function grpcAnalyzer(client: AnalyzerClient, info: analyzerproto.AnalyzerInfo): AnalyzerCalls {
  return {
    packName: info.getName(),
    packVersion: info.getVersion(),
    analyze: async (request) => (await unary<analyzerproto.AnalyzeResponse>((done) => client.analyze(request, done))).getDiagnosticsList(),
    analyzeStack: async (request) => (await unary<analyzerproto.AnalyzeResponse>((done) => client.analyzeStack(request, done))).getDiagnosticsList(),
  };
}
