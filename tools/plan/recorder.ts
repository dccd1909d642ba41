import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import type { ReadResourceRequest, ReadResourceResponse, RegisterResourceOutputsRequest, RegisterResourceRequest, RegisterResourceResponse } from "@pulumi/pulumi/proto/resource_pb";
import { SECRET_PLACEHOLDER, UNKNOWN_PLACEHOLDER, plannedResource, type PlannedResource } from "../../policy/contract/plan";
import { plannedState } from "./plannedState";

const { specialSigKey, specialSecretSig, specialResourceSig, specialOutputValueSig, unknownValue } = pulumi.runtime;

type Callback = (error: unknown, response: RegisterResourceResponse) => void;

/** What the recorder saw: each registration as the engine would get it. */
export interface Recording {
  resources: PlannedResource[];
  /** The engine's URN for a URN the mock monitor handed out (parents, dependencies). */
  engineUrn(mockUrn: string): string;
}

/**
 * Installs Pulumi's mocks and records every resource registration. The SDK's MockMonitor
 * sees the whole RegisterResourceRequest but hands the mocks only type, name and inputs;
 * wrapping its registerResource records what the engine would see (parent, provider,
 * dependencies, options) before delegating, so the offline preview has the same graph a
 * policy pack gets under the CLI. `setMocks` also switches on the monitor features
 * (secrets, resource references) that a bare `setMockOptions` would leave off.
 */
export function installRecordingMocks(mocks: pulumi.runtime.Mocks, project: string, stack: string): Recording {
  pulumi.runtime.setMocks(mocks, project, stack, true);
  const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitor;
  const engineUrns = new Map<string, string>();
  const engineUrn = (mockUrn: string) => engineUrns.get(mockUrn) ?? mockUrn;
  const resources: PlannedResource[] = [];
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request: RegisterResourceRequest, callback: Callback) =>
    register(request, (error: unknown, response: RegisterResourceResponse) => {
      if (!error) {
        const parent = engineUrn(request.getParent());
        engineUrns.set(response.getUrn(), urnOf(stack, project, parent, request.getType(), request.getName()));
        resources.push(toPlannedResource(request, engineUrn(response.getUrn()), engineUrn));
      }
      callback(error, response);
    });
  // A read (a StackReference) is in the stack too, under the engine's URN, with what it read.
  const read = monitor.readResource.bind(monitor);
  monitor.readResource = (request: ReadResourceRequest, callback: (error: unknown, response: ReadResourceResponse) => void) =>
    read(request, (error: unknown, response: ReadResourceResponse) => {
      if (!error) {
        const urn = urnOf(stack, project, engineUrn(request.getParent()), request.getType(), request.getName());
        engineUrns.set(response.getUrn(), urn);
        resources.push(toReadResource(request, response, urn, engineUrn));
      }
      callback(error, response);
    });
  // A component's state is what it registers as outputs, after its children.
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (request: RegisterResourceOutputsRequest, callback: (error: unknown, response: unknown) => void) => {
    const urn = engineUrn(request.getUrn());
    const component = resources.find((resource) => resource.urn === urn);
    if (component) component.outputs = redact(request.getOutputs()?.toJavaScript() ?? {}, engineUrn) as Record<string, unknown>;
    registerOutputs(request, callback);
  };
  return { resources, engineUrn };
}

const STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * The URN the engine gives a resource: its type qualified by every ancestor's type but the
 * Stack's. (The SDK's mock monitor qualifies by the parent's type alone, the Stack's too.)
 */
export function urnOf(stack: string, project: string, parentUrn: string, type: string, name: string): string {
  const parentType = parentUrn ? parentUrn.split("::")[2] : "";
  const qualified = parentType && parentType !== STACK_TYPE ? `${parentType}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

function toPlannedResource(request: RegisterResourceRequest, urn: string, engineUrn: (mockUrn: string) => string): PlannedResource {
  const propertyDependencies: Record<string, string[]> = {};
  request.getPropertydependenciesMap().forEach((dependencies, property) => {
    propertyDependencies[property] = dependencies.getUrnsList().map(engineUrn).sort();
  });
  const provider = request.getProvider().split("::").slice(0, -1).join("::");
  const inputs = redact(request.getObject()?.toJavaScript() ?? {}, engineUrn) as Record<string, unknown>;
  return {
    urn,
    type: request.getType(),
    name: request.getName(),
    custom: request.getCustom(),
    parent: engineUrn(request.getParent()),
    // A provider reference is `<urn>::<id>`.
    provider: provider && engineUrn(provider),
    inputs,
    outputs: request.getCustom() ? plannedState(request.getType(), inputs) : {},
    dependencies: [...new Set(request.getDependenciesList().map(engineUrn))].sort(),
    propertyDependencies,
    protect: request.getProtect() ?? false,
    retainOnDelete: request.getRetainondelete() ?? false,
    deleteBeforeReplace: request.getDeletebeforereplace(),
    ignoreChanges: request.getIgnorechangesList(),
    replaceOnChanges: request.getReplaceonchangesList(),
  };
}

function toReadResource(request: ReadResourceRequest, response: ReadResourceResponse, urn: string, engineUrn: (mockUrn: string) => string): PlannedResource {
  const provider = request.getProvider().split("::").slice(0, -1).join("::");
  const inputs = redact(request.getProperties()?.toJavaScript() ?? {}, engineUrn) as Record<string, unknown>;
  return plannedResource(urn, request.getType(), request.getName(), inputs, {
    parent: engineUrn(request.getParent()),
    provider: provider && engineUrn(provider),
    outputs: redact(response.getProperties()?.toJavaScript() ?? {}, engineUrn) as Record<string, unknown>,
    dependencies: [...new Set(request.getDependenciesList().map(engineUrn))].sort(),
  });
}

/** Serialized inputs with secrets and unknowns replaced by placeholders, references by URN. */
export function redact(value: unknown, engineUrn: (mockUrn: string) => string): unknown {
  if (value === unknownValue) return UNKNOWN_PLACEHOLDER;
  if (Array.isArray(value)) return value.map((item) => redact(item, engineUrn));
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if (record[specialSigKey] === specialSecretSig) return SECRET_PLACEHOLDER;
  // An Output sent whole (a monitor supporting output values, for remote components).
  if (record[specialSigKey] === specialOutputValueSig) return record.secret ? SECRET_PLACEHOLDER : "value" in record ? redact(record.value, engineUrn) : UNKNOWN_PLACEHOLDER;
  if (record[specialSigKey] === specialResourceSig) return { urn: engineUrn(String(record.urn)) };
  return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, redact(inner, engineUrn)]));
}
