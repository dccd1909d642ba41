import type { Dict } from "./values";

/** What a policy sees of a resource, under the engine or offline: the fields checks use. */
export interface ResourceView {
  type: string;
  name: string;
  urn: string;
  props: Dict;
  provider?: { name: string; props: Dict };
}
