/** Builds plans from literal resources and runs the whole pack on them through evaluatePlan. */
import type { Plan, PlannedResource } from "../../policy/contract/plan";
import type { PackConfig } from "../../policy/config";
import { evaluatePlan, violationDetail, type PolicyViolation } from "../../policy/evaluate";
import { viewOfPlanned, type ResourceView } from "../../policy/resource-view";
import { planned } from "../support/planned";

export { planned };

const STACK_URN = "urn:pulumi:test::homeops::pulumi:pulumi:Stack::homeops-test";

/** The resources in a stack of their own, those without a parent under its Stack resource. */
export function planOf(resources: readonly PlannedResource[]): Plan {
  const stack = planned("pulumi:pulumi:Stack", "homeops-test", {}, { urn: STACK_URN, custom: false });
  return { project: "homeops", stack: "test", resources: [stack, ...resources.map((resource) => (resource.parent ? resource : { ...resource, parent: STACK_URN }))] };
}

export async function violationsOf(resources: readonly PlannedResource[], config: PackConfig = {}): Promise<PolicyViolation[]> {
  return (await evaluatePlan(planOf(resources), config)).violations;
}

/** The findings (message without the policy description) of one policy. */
export function findingsOf(violations: readonly PolicyViolation[], policyName: string): string[] {
  return violations.filter((violation) => violation.policyName === policyName).map(violationDetail);
}

/** A plan resource as policies see it, for the pure modules. */
/** A resource as a policy sees it, without its provider (a check that needs the host has it from a label). */
export const viewOf = (resource: PlannedResource): ResourceView => viewOfPlanned(resource);

export { CONTAINER_TYPE as CONTAINER, NETWORK_TYPE as NETWORK } from "../../policy/docker-inputs";

export function labels(entries: Record<string, string>): { label: string; value: string }[] {
  return Object.entries(entries).map(([label, value]) => ({ label, value }));
}
