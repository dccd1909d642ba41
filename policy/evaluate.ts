/**
 * Evaluates the pack on a recorded plan without the Pulumi CLI, through @pulumi/policy's own
 * analyzer handlers (`makeAnalyzeRpcFun`, `makeAnalyzeStackRpcFun`): the requests the engine
 * would send are built here and the handlers called directly, so enforcement levels, type
 * filtering, unknown values and stack policies behave as under `pulumi preview --policy-pack`.
 * No gRPC server is started.
 */
import type { EnforcementLevel, Policies, Policy, ResourceValidation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import * as policyServer from "@pulumi/policy/server";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import { specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import Ajv, { type ValidateFunction } from "ajv";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { SECRET_PLACEHOLDER, UNKNOWN_PLACEHOLDER, type Plan, type PlannedResource } from "./contract/plan";
import type { PackConfig } from "./config";
import packageJson from "./package.json";
import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, policies } from "./policies";
import { isRecord } from "./values";

type Callback<Response> = (error: Error | null | undefined, response?: Response) => void;
type UnaryHandler<Request, Response> = (call: { request: Request }, callback: Callback<Response>) => Promise<void>;
type HandlerFactory<Request> = (
  packName: string,
  packVersion: string,
  packEnforcementLevel: EnforcementLevel,
  policies: Policies,
) => UnaryHandler<Request, analyzerproto.AnalyzeResponse>;

/** `@pulumi/policy/server.d.ts` declares nothing (the handlers are @internal), so their shape is stated here. */
const { makeAnalyzeRpcFun, makeAnalyzeStackRpcFun } = policyServer as unknown as {
  makeAnalyzeRpcFun: HandlerFactory<analyzerproto.AnalyzeRequest>;
  makeAnalyzeStackRpcFun: HandlerFactory<analyzerproto.AnalyzeStackRequest>;
};

export interface PolicyViolation {
  policyName: string;
  enforcementLevel: EnforcementLevel;
  /** The resource the violation is about; the Stack (or "") for stack-wide violations. */
  urn: string;
  name: string;
  type: string;
  /** As the SDK words it: the policy's description, a newline, then the finding and its fix. */
  message: string;
  description: string;
}

export interface PolicyReport {
  packName: string;
  packVersion: string;
  resourceCount: number;
  /** Ordered by policy, then resource URN, then message. */
  violations: PolicyViolation[];
}

/** An unusable pack configuration; `problems` holds every one found, one line each. */
export class PolicyConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
  }
}

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

interface ResolvedConfig {
  enforcementLevel: EnforcementLevel;
  properties: Record<string, unknown>;
}

function defaultsOf(policy: Policy): Record<string, unknown> {
  const properties = Object.entries(policy.configSchema?.properties ?? {});
  return Object.fromEntries(properties.flatMap(([key, schema]) => (typeof schema === "object" && "default" in schema ? [[key, schema.default]] : [])));
}

/** Every problem of a configuration, collected so that one run reports them all, as the engine does. */
type Problems = string[];

function levelOf(value: unknown, where: string, problems: Problems): EnforcementLevel | undefined {
  if (LEVELS.includes(value as EnforcementLevel)) return value as EnforcementLevel;
  problems.push(`${where}: ${JSON.stringify(value)} is not an enforcement level (${LEVELS.join(", ")})`);
  return undefined;
}

/** A policy's entry: an enforcement level alone, or `{enforcementLevel?, ...properties}`. */
function splitEntry(entry: unknown, where: string, problems: Problems): { level?: EnforcementLevel; properties: Record<string, unknown> } {
  if (typeof entry === "string") return { level: levelOf(entry, where, problems), properties: {} };
  if (!isRecord(entry)) {
    problems.push(`${where}: expected an enforcement level or an object`);
    return { properties: {} };
  }
  const { enforcementLevel, ...properties } = entry;
  return { level: enforcementLevel === undefined ? undefined : levelOf(enforcementLevel, `${where}.enforcementLevel`, problems), properties };
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new Map<string, ValidateFunction>();

/** The engine validates `{type: object, properties, required}`; unknown settings are refused here too. */
function validatorOf(policy: Policy): ValidateFunction {
  const known = validators.get(policy.name);
  if (known) return known;
  const schema = { type: "object", properties: policy.configSchema?.properties ?? {}, required: policy.configSchema?.required ?? [], additionalProperties: false };
  const validate = ajv.compile(schema);
  validators.set(policy.name, validate);
  return validate;
}

function validateProperties(policy: Policy, properties: Record<string, unknown>, problems: Problems): void {
  const validate = validatorOf(policy);
  if (validate(properties)) return;
  problems.push(...(validate.errors ?? []).map((error) => `${policy.name}: ${error.instancePath || "(root)"} ${error.message}`));
}

/**
 * The engine's reconciliation (pkg/resource/analyzer/config.go): schema defaults, then `all`,
 * then each policy's entry, validated against its schema. Every problem is reported at once,
 * one per line, as the engine reports its validation errors. Stricter than the engine on one
 * point: unknown policy names and properties are errors, so that a typo cannot go unnoticed.
 */
export function resolveConfig(config: unknown): Map<string, ResolvedConfig> {
  if (!isRecord(config)) throw new PolicyConfigError(["the pack configuration must be an object keyed by policy name"]);
  const problems: Problems = [];
  const names = new Set(policies.map((policy) => policy.name));
  const unknown = Object.keys(config).filter((key) => key !== "all" && !names.has(key));
  if (unknown.length > 0) problems.push(`unknown policies in the pack configuration: ${unknown.join(", ")}`);
  const all = config.all === undefined ? undefined : splitEntry(config.all, "all", problems).level;
  const resolved = new Map(policies.map((policy) => {
    const entry = config[policy.name] === undefined ? { properties: {} } : splitEntry(config[policy.name], policy.name, problems);
    const properties = { ...defaultsOf(policy), ...entry.properties };
    // Only what the configuration sets needs checking: the defaults satisfy their own schema
    // (test/policy/evaluate.test.ts), and compiling every policy's validator for each
    // evaluation was most of its cost.
    if (Object.keys(entry.properties).length > 0) validateProperties(policy, properties, problems);
    const enforcementLevel = entry.level ?? all ?? policy.enforcementLevel ?? PACK_ENFORCEMENT_LEVEL;
    return [policy.name, { enforcementLevel, properties }];
  }));
  if (problems.length > 0) throw new PolicyConfigError(problems);
  return resolved;
}

/** A pack configuration read from a file, checked as evaluatePlan would check it. */
export function parsePackConfig(value: unknown): PackConfig {
  resolveConfig(value);
  return value as PackConfig;
}

/**
 * The SDK keeps configuration in module state that only its (unexported) `configure` handler
 * sets, so each policy gets its resolved level and a `getConfig` returning its properties.
 */
function configure(policy: ResourceValidationPolicy | StackValidationPolicy, resolved: ResolvedConfig): ResourceValidationPolicy | StackValidationPolicy {
  const getConfig = <T extends object>() => resolved.properties as T;
  const configured = { ...policy, enforcementLevel: resolved.enforcementLevel };
  if ("validateStack" in policy) {
    const { validateStack } = policy;
    return { ...configured, validateStack: (args, report) => validateStack({ ...args, getConfig }, report) };
  }
  const wrap = (validate: ResourceValidation): ResourceValidation => (args, report) => validate({ ...args, getConfig }, report);
  const { validateResource } = policy;
  return { ...configured, validateResource: Array.isArray(validateResource) ? validateResource.map(wrap) : validateResource && wrap(validateResource) };
}

/** Plan values to the wire as the engine marshals them: unknowns as its sentinel, secrets wrapped as secrets. */
function toWire(value: unknown): unknown {
  if (value === UNKNOWN_PLACEHOLDER) return unknownValue;
  if (value === SECRET_PLACEHOLDER) return { [specialSigKey]: specialSecretSig, value };
  if (Array.isArray(value)) return value.map(toWire);
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).flatMap(([key, item]) => (item === undefined ? [] : [[key, toWire(item)]])));
}

function struct(inputs: Record<string, unknown>): Struct {
  return Struct.fromJavaScript(toWire(inputs) as Parameters<typeof Struct.fromJavaScript>[0]);
}

function optionsOf(resource: PlannedResource): analyzerproto.AnalyzerResourceOptions {
  const options = new analyzerproto.AnalyzerResourceOptions();
  options.setProtect(resource.protect);
  options.setIgnorechangesList(resource.ignoreChanges);
  options.setDeletebeforereplace(resource.deleteBeforeReplace);
  options.setDeletebeforereplacedefined(resource.deleteBeforeReplace);
  if (resource.parent) options.setParent(resource.parent);
  return options;
}

/** A provider reference is `<urn>::<id>`; plans may record either form. */
function findProvider(reference: string, byUrn: ReadonlyMap<string, PlannedResource>): PlannedResource | undefined {
  return byUrn.get(reference) ?? byUrn.get(reference.slice(0, reference.lastIndexOf("::")));
}

function providerOf(resource: PlannedResource, byUrn: ReadonlyMap<string, PlannedResource>): analyzerproto.AnalyzerProviderResource | undefined {
  const provider = resource.provider ? findProvider(resource.provider, byUrn) : undefined;
  if (!provider) return undefined;
  const message = new analyzerproto.AnalyzerProviderResource();
  message.setType(provider.type);
  message.setName(provider.name);
  message.setUrn(provider.urn);
  message.setProperties(struct(provider.inputs));
  return message;
}

function analyzeRequest(resource: PlannedResource, byUrn: ReadonlyMap<string, PlannedResource>): analyzerproto.AnalyzeRequest {
  const request = new analyzerproto.AnalyzeRequest();
  request.setUrn(resource.urn);
  request.setType(resource.type);
  request.setName(resource.name);
  request.setProperties(struct(resource.inputs));
  request.setOptions(optionsOf(resource));
  request.setProvider(providerOf(resource, byUrn));
  return request;
}

/** AnalyzeStack gets each resource's planned state (its outputs), where Analyze gets its inputs. */
function stackResource(resource: PlannedResource, byUrn: ReadonlyMap<string, PlannedResource>): analyzerproto.AnalyzerResource {
  const message = new analyzerproto.AnalyzerResource();
  message.setUrn(resource.urn);
  message.setType(resource.type);
  message.setName(resource.name);
  message.setProperties(struct(resource.outputs ?? resource.inputs));
  message.setOptions(optionsOf(resource));
  message.setProvider(providerOf(resource, byUrn));
  message.setParent(resource.parent);
  message.setDependenciesList(resource.dependencies);
  const propertyDependencies = message.getPropertydependenciesMap();
  for (const [property, urns] of Object.entries(resource.propertyDependencies)) {
    propertyDependencies.set(property, new analyzerproto.AnalyzerPropertyDependencies().setUrnsList(urns));
  }
  return message;
}

function call<Request>(handler: UnaryHandler<Request, analyzerproto.AnalyzeResponse>, request: Request): Promise<analyzerproto.AnalyzeDiagnostic[]> {
  return new Promise((resolve, reject) => {
    void handler({ request }, (error, response) => (error ? reject(error) : resolve(response?.getDiagnosticsList() ?? [])));
  });
}

const LEVEL_OF_ENUM = new Map<analyzerproto.EnforcementLevel, EnforcementLevel>([
  [analyzerproto.EnforcementLevel.ADVISORY, "advisory"],
  [analyzerproto.EnforcementLevel.MANDATORY, "mandatory"],
  [analyzerproto.EnforcementLevel.REMEDIATE, "remediate"],
  [analyzerproto.EnforcementLevel.DISABLED, "disabled"],
]);

function toViolation(diagnostic: analyzerproto.AnalyzeDiagnostic, subject: PlannedResource | undefined): PolicyViolation {
  return {
    policyName: diagnostic.getPolicyname(),
    enforcementLevel: LEVEL_OF_ENUM.get(diagnostic.getEnforcementlevel()) ?? "advisory",
    urn: subject?.urn ?? diagnostic.getUrn(),
    name: subject?.name ?? "",
    type: subject?.type ?? "",
    message: diagnostic.getMessage(),
    description: diagnostic.getDescription(),
  };
}

function compareViolations(a: PolicyViolation, b: PolicyViolation): number {
  return a.policyName.localeCompare(b.policyName) || a.urn.localeCompare(b.urn) || a.message.localeCompare(b.message);
}

/** An analyzer's two calls: the SDK's handlers in this process, or a running pack over gRPC. */
export interface AnalyzerCalls {
  packName: string;
  packVersion: string;
  analyze(request: analyzerproto.AnalyzeRequest): Promise<analyzerproto.AnalyzeDiagnostic[]>;
  analyzeStack(request: analyzerproto.AnalyzeStackRequest): Promise<analyzerproto.AnalyzeDiagnostic[]>;
}

/**
 * Sends the plan as the engine does (Analyze per resource with its inputs, then AnalyzeStack with
 * every planned state) and reports the violations, a stack policy's without URN on the Stack.
 */
export async function analyzePlan(plan: Plan, analyzer: AnalyzerCalls): Promise<PolicyReport> {
  const byUrn = new Map(plan.resources.map((resource) => [resource.urn, resource]));
  const stack = plan.resources.find((resource) => resource.type === "pulumi:pulumi:Stack");
  const violations: PolicyViolation[] = [];
  for (const resource of plan.resources) {
    const diagnostics = await analyzer.analyze(analyzeRequest(resource, byUrn));
    violations.push(...diagnostics.map((diagnostic) => toViolation(diagnostic, resource)));
  }
  const stackRequest = new analyzerproto.AnalyzeStackRequest();
  stackRequest.setResourcesList(plan.resources.map((resource) => stackResource(resource, byUrn)));
  for (const diagnostic of await analyzer.analyzeStack(stackRequest)) {
    const urn = diagnostic.getUrn();
    violations.push(toViolation(diagnostic, urn ? byUrn.get(urn) : stack));
  }
  const { packName, packVersion } = analyzer;
  return { packName, packVersion, resourceCount: plan.resources.length, violations: violations.sort(compareViolations) };
}

/** Runs every policy of the pack on the plan's resources, then the stack policies on all of them. */
export async function evaluatePlan(plan: Plan, config: PackConfig = {}): Promise<PolicyReport> {
  const resolved = resolveConfig(config);
  const configured = policies.map((policy) => configure(policy, resolved.get(policy.name)!));
  const version = packageJson.version;
  const analyze = makeAnalyzeRpcFun(PACK_NAME, version, PACK_ENFORCEMENT_LEVEL, configured);
  const analyzeStack = makeAnalyzeStackRpcFun(PACK_NAME, version, PACK_ENFORCEMENT_LEVEL, configured);
  return analyzePlan(plan, {
    packName: PACK_NAME,
    packVersion: version,
    analyze: (request) => call(analyze, request),
    analyzeStack: (request) => call(analyzeStack, request),
  });
}

/** The violation's own text, without the policy description the SDK puts first. */
export function violationDetail(violation: PolicyViolation): string {
  const prefix = `${violation.description}\n`;
  return violation.message.startsWith(prefix) ? violation.message.slice(prefix.length) : violation.message;
}

export function hasMandatoryViolation(report: PolicyReport): boolean {
  return report.violations.some((violation) => violation.enforcementLevel === "mandatory");
}
