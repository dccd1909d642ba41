import type { PlannedResource } from "../../policy/contract/plan";

/** Finders over a recorded plan. */
export function planIndex(resources: PlannedResource[]) {
  const childrenOf = (component: PlannedResource) => resources.filter((resource) => resource.parent === component.urn);
  // A remote component (a v4 Chart) registers no children here; the SDK depends on it as on a custom resource.
  const descendants = (component: PlannedResource): PlannedResource[] =>
    childrenOf(component).flatMap((child) => (child.custom || childrenOf(child).length === 0 ? [child] : descendants(child)));
  /** The URNs a dependency on `target` stands for: a component's custom descendants (the SDK expands it so), or the resource itself. */
  const urnsOf = (target: PlannedResource) => (target.custom ? [target.urn] : descendants(target).map((resource) => resource.urn));
  return {
    ofType: (type: string) => resources.filter((resource) => resource.type === type),
    named: (type: string, name: string) => {
      const found = resources.find((resource) => resource.type === type && resource.name === name);
      if (!found) throw new Error(`no ${type} named ${name} in the plan`);
      return found;
    },
    byUrn: (urn: string) => {
      const found = resources.find((resource) => resource.urn === urn);
      if (!found) throw new Error(`no resource ${urn} in the plan`);
      return found;
    },
    urnsOf,
    /** Whether `resource` waits for `target` (all of it, when it is a component). */
    waitsFor: (resource: PlannedResource, target: PlannedResource) => {
      const urns = urnsOf(target);
      return urns.length > 0 && urns.every((urn) => resource.dependencies.includes(urn));
    },
  };
}
export type PlanIndex = ReturnType<typeof planIndex>;
