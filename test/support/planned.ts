import type { PlannedResource } from "../../policy/contract/plan";

/** A recorded resource for tests built from literals: every field the engine records, defaults unless given. */
export function planned(type: string, name: string, inputs: Record<string, unknown> = {}, extra: Partial<PlannedResource> = {}): PlannedResource {
  return {
    urn: `urn:pulumi:test::homeops::${type}::${name}`,
    type,
    name,
    custom: true,
    parent: "",
    provider: "",
    inputs,
    dependencies: [],
    propertyDependencies: {},
    protect: false,
    retainOnDelete: false,
    deleteBeforeReplace: false,
    ignoreChanges: [],
    replaceOnChanges: [],
    ...extra,
  };
}
