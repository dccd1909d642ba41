/** A dynamic provider as Pulumi's dynamic provider host runs it, for tests of its serialized code. */
import { createRequire } from "node:module";
import path from "node:path";
import { compileFunction } from "node:vm";
import * as pulumi from "@pulumi/pulumi";

/**
 * Loads a registered `__provider` as the host does (require-from-string of the serialized
 * text, packages resolved from the project), outside jest's module registry.
 */
export function loadSerializedProvider(text: string): pulumi.dynamic.ResourceProvider {
  const module = { exports: {} as { handler: () => pulumi.dynamic.ResourceProvider } };
  const projectRequire = createRequire(path.resolve(__dirname, "../../package.json"));
  compileFunction(text, ["exports", "require", "module"])(module.exports, projectRequire, module);
  return module.exports.handler();
}

/** What the dynamic provider receives of registered inputs: secrets arrive unwrapped. */
export function plainInputs(registered: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(registered).map(([key, value]) => [key, pulumi.runtime.unwrapRpcSecret(value)]));
}

/** The inputs a dynamic resource was registered with under the mocks (`registrations`: what newResource received). */
export async function registeredInputs(resource: pulumi.Resource, registrations: readonly pulumi.runtime.MockResourceArgs[], type: string): Promise<Record<string, unknown>> {
  const urn = await new Promise<string>((resolve) => resource.urn.apply(resolve));
  const registration = registrations.find((args) => args.type === type && urn.endsWith(`::${args.name}`));
  if (!registration) throw new Error(`${urn} was not registered as a ${type}`);
  return registration.inputs;
}
