import type { PlannedResource } from "./contract/plan";
import type { Dict } from "./values";

/** What a policy sees of a resource, under the engine or offline: the fields checks use. */
export interface ResourceView {
  type: string;
  name: string;
  urn: string;
  props: Dict;
  provider?: { name: string; props: Dict };
  /**
   * The resource's `ignoreChanges`: for these inputs the engine shows what runs (or, where
   * the provider reads nothing back, nothing), not what the program declares.
   */
  ignoreChanges?: readonly string[];
}

/** A recorded plan's resource as a policy sees it: its inputs, its provider (found in `byUrn`) by name, its ignoreChanges. */
export function viewOfPlanned(resource: PlannedResource, byUrn: ReadonlyMap<string, PlannedResource> = new Map()): ResourceView {
  const provider = byUrn.get(resource.provider);
  return {
    type: resource.type,
    name: resource.name,
    urn: resource.urn,
    props: resource.inputs,
    provider: provider && { name: provider.name, props: provider.inputs },
    ignoreChanges: resource.ignoreChanges,
  };
}
