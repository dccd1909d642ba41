import { plannedResource, type PlannedResource } from "../../policy/contract/plan";

/** A recorded resource for tests built from literals: in stack `test` unless `extra` gives its URN. */
export function planned(type: string, name: string, inputs: Record<string, unknown> = {}, extra: Partial<PlannedResource> = {}): PlannedResource {
  return plannedResource(`urn:pulumi:test::homeops::${type}::${name}`, type, name, inputs, extra);
}
