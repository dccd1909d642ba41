import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import type { RegisterResourceRequest, RegisterResourceResponse } from "@pulumi/pulumi/proto/resource_pb";
import { SECRET_PLACEHOLDER, UNKNOWN_PLACEHOLDER, type PlannedResource } from "./types";

const { specialSigKey, specialSecretSig, specialResourceSig, unknownValue } = pulumi.runtime;

type Callback = (error: unknown, response: RegisterResourceResponse) => void;

/**
 * Installs Pulumi's mocks and records every resource registration. The SDK's MockMonitor
 * sees the whole RegisterResourceRequest but hands the mocks only type, name and inputs;
 * wrapping its registerResource records what the engine would see (parent, provider,
 * dependencies, options) before delegating, so the offline preview has the same graph a
 * policy pack gets under the CLI. `setMocks` also switches on the monitor features
 * (secrets, resource references) that a bare `setMockOptions` would leave off.
 */
export function installRecordingMocks(mocks: pulumi.runtime.Mocks, project: string, stack: string): PlannedResource[] {
  pulumi.runtime.setMocks(mocks, project, stack, true);
  const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitor;
  const recorded: PlannedResource[] = [];
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request: RegisterResourceRequest, callback: Callback) =>
    register(request, (error: unknown, response: RegisterResourceResponse) => {
      if (!error) recorded.push(toPlannedResource(request, response.getUrn()));
      callback(error, response);
    });
  return recorded;
}

function toPlannedResource(request: RegisterResourceRequest, urn: string): PlannedResource {
  const propertyDependencies: Record<string, string[]> = {};
  request.getPropertydependenciesMap().forEach((dependencies, property) => {
    propertyDependencies[property] = [...dependencies.getUrnsList()].sort();
  });
  return {
    urn,
    type: request.getType(),
    name: request.getName(),
    custom: request.getCustom(),
    parent: request.getParent(),
    // A provider reference is `<urn>::<id>`.
    provider: request.getProvider().split("::").slice(0, -1).join("::"),
    inputs: redact(request.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
    dependencies: [...new Set(request.getDependenciesList())].sort(),
    propertyDependencies,
    protect: request.getProtect() ?? false,
    retainOnDelete: request.getRetainondelete() ?? false,
    deleteBeforeReplace: request.getDeletebeforereplace(),
    ignoreChanges: request.getIgnorechangesList(),
    replaceOnChanges: request.getReplaceonchangesList(),
  };
}

/** Serialized inputs with secrets and unknowns replaced by placeholders, references by URN. */
export function redact(value: unknown): unknown {
  if (value === unknownValue) return UNKNOWN_PLACEHOLDER;
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if (record[specialSigKey] === specialSecretSig) return SECRET_PLACEHOLDER;
  if (record[specialSigKey] === specialResourceSig) return { urn: record.urn };
  return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, redact(inner)]));
}
