/**
 * The VPS's deploy order in the original estate (the Komodo procedure `deploy-vps-infra`)
 * against the order the program's dependency graph imposes, and the container-to-container
 * dependencies of a Docker estate checked against what the inventory declares (`dependsOn`,
 * `networkMode: container:<x>`).
 */
import { namespaceOwner } from "../../policy/contract/docker";
import type { PlannedResource } from "../../policy/contract/plan";
import { CONTAINER_TYPE } from "../../policy/docker-inputs";
import { waitEdges, type EdgeKind } from "./criticalPath";

export interface ProcedureStep {
  number: number;
  /** Stacks deployed in this step (several: in parallel). */
  stacks: string[];
}

const STACK_COMPONENT = "homeops:docker:Stack";

/**
 * `deploy-vps-infra` as the original estate's architecture document lists it ("DEPLOYMENT
 * PROCEDURES"): ordered as a dependency chain, the last step's two stacks in parallel.
 */
export const ORIGINAL_VPS_PROCEDURE: readonly ProcedureStep[] = [
  { number: 1, stacks: ["aegis-gateway"] },
  { number: 2, stacks: ["aegis-pangolin"] },
  { number: 3, stacks: ["aegis-newt"] },
  { number: 4, stacks: ["aegis-periphery"] },
  { number: 5, stacks: ["aegis-pangolin-client"] },
  { number: 6, stacks: ["aegis-identity", "racknerd-aegis-alloy"] },
];

/** The Docker stack (component name) each container of the plan belongs to. */
function stackOf(resources: readonly PlannedResource[]): Map<string, string> {
  const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
  const stacks = new Map<string, string>();
  for (const resource of resources) {
    if (resource.type !== CONTAINER_TYPE) continue;
    const parent = byUrn.get(resource.parent);
    if (parent?.type === STACK_COMPONENT) stacks.set(resource.urn, parent.name);
  }
  return stacks;
}

/** Every container a container waits on, directly or through other resources. */
function containerWaits(resources: readonly PlannedResource[]): Map<string, Set<string>> {
  const edges = new Map<string, string[]>();
  for (const edge of waitEdges(resources)) {
    if (edge.kind === "data" || edge.kind === "explicit") edges.set(edge.from, [...(edges.get(edge.from) ?? []), edge.to]);
  }
  const containers = new Set(resources.filter((resource) => resource.type === CONTAINER_TYPE).map((resource) => resource.urn));
  const waits = new Map<string, Set<string>>();
  for (const start of containers) {
    const seen = new Set<string>();
    const stack = [...(edges.get(start) ?? [])];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...(edges.get(next) ?? []));
    }
    waits.set(start, new Set([...seen].filter((urn) => containers.has(urn))));
  }
  return waits;
}

export interface StepComparison {
  from: ProcedureStep;
  to: ProcedureStep;
  /** Containers of the later step that wait on containers of the earlier one in the program. */
  kept: { container: string; waitsOn: string }[];
}

/** For each pair of consecutive steps of the procedure: does the program still order them? */
export function compareWithProcedure(resources: readonly PlannedResource[], steps: readonly ProcedureStep[]): StepComparison[] {
  const stacks = stackOf(resources);
  const waits = containerWaits(resources);
  const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
  const name = (urn: string) => String(byUrn.get(urn)?.inputs.name ?? byUrn.get(urn)?.name);
  const comparisons: StepComparison[] = [];
  for (let index = 1; index < steps.length; index++) {
    const [from, to] = [steps[index - 1], steps[index]];
    const kept: StepComparison["kept"] = [];
    for (const [container, waitedOn] of waits) {
      if (!to.stacks.includes(stacks.get(container) ?? "")) continue;
      for (const other of waitedOn) if (from.stacks.includes(stacks.get(other) ?? "")) kept.push({ container: name(container), waitsOn: name(other) });
    }
    comparisons.push({ from, to, kept });
  }
  return comparisons;
}

export interface ContainerDependency {
  host: string;
  container: string;
  waitsOn: string;
  kind: EdgeKind;
  /** The inventory entry that asks for it, or undefined when none does: not a real dependency. */
  declaredBy?: string;
}

/** What the inventory says a container needs: `dependsOn` entries and the namespace it joins. */
export interface DeclaredNeeds {
  /** `<host>/<container>` -> names of containers it needs, with the inventory key that says so. */
  needs: Map<string, Map<string, string>>;
}

/**
 * Every direct container-to-container dependency of the plan, each with the inventory
 * entry that declares it. A dependency no entry declares is serialisation the inventory
 * never asked for.
 */
export function containerDependencies(resources: readonly PlannedResource[], declared: DeclaredNeeds): ContainerDependency[] {
  const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
  const hostOf = (resource: PlannedResource) => byUrn.get(resource.provider)?.name ?? "";
  const dependencies: ContainerDependency[] = [];
  for (const edge of waitEdges(resources)) {
    const from = byUrn.get(edge.from)!;
    const to = byUrn.get(edge.to)!;
    if (from.type !== CONTAINER_TYPE || to.type !== CONTAINER_TYPE) continue;
    const host = hostOf(from);
    const container = String(from.inputs.name ?? from.name);
    const waitsOn = String(to.inputs.name ?? to.name);
    dependencies.push({ host, container, waitsOn, kind: edge.kind, declaredBy: declared.needs.get(`${host}/${container}`)?.get(waitsOn) });
  }
  return dependencies.sort((a, b) => `${a.host}/${a.container}/${a.waitsOn}`.localeCompare(`${b.host}/${b.container}/${b.waitsOn}`));
}

/** The needs an inventory declares, from its validated `dockerStacks`. */
export function declaredNeeds(stacks: readonly { host: string; containers: readonly { name: string; dependsOn: Record<string, string>; networkMode?: string }[] }[]): DeclaredNeeds {
  const needs = new Map<string, Map<string, string>>();
  stacks.forEach((stack, stackIndex) =>
    stack.containers.forEach((container, containerIndex) => {
      const key = `homeops:dockerStacks[${stackIndex}].containers[${containerIndex}]`;
      const entry = new Map<string, string>();
      for (const [needed, condition] of Object.entries(container.dependsOn)) entry.set(needed, `${key}.dependsOn.${needed}: ${condition}`);
      const owner = namespaceOwner(container.networkMode);
      if (owner) entry.set(owner, `${key}.networkMode: ${container.networkMode}`);
      needs.set(`${stack.host}/${container.name}`, entry);
    }),
  );
  return { needs };
}
