import { isRecord } from "../../policy/values";
import { computedShape, hasDeclaredSchema, type ComputedShape } from "./computedAttributes";
import { UNKNOWN_PLACEHOLDER } from "../../policy/contract/plan";

/**
 * What `pulumi preview` hands AnalyzeStack for a custom resource it creates: the provider's
 * planned state (pulumi/pulumi `CreateStep.Apply` with `Preview: true`). A bridged provider
 * returns the inputs with every attribute it computes, and the program did not set, unknown
 * (./computedAttributes). The Kubernetes provider returns the inputs, or the API server's dry
 * run of them, which adds defaults but computes nothing the program set. Provider resources
 * and stack references keep what the program gave them. (A provider whose own configuration
 * is unknown gets an empty state instead; offline every configuration is known.)
 */
export function plannedState(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
  return hasDeclaredSchema(type) ? withUnknowns(inputs, computedShape(type)) : inputs;
}

function withUnknowns(value: Record<string, unknown>, shape: ComputedShape): Record<string, unknown> {
  const state: Record<string, unknown> = { ...value };
  for (const key of shape.computed) if (state[key] === undefined) state[key] = UNKNOWN_PLACEHOLDER;
  for (const [key, nested] of shape.nested) {
    const inner = state[key];
    if (Array.isArray(inner)) state[key] = inner.map((item) => (isRecord(item) ? withUnknowns(item, nested()) : item));
    else if (isRecord(inner)) state[key] = withUnknowns(inner, nested());
  }
  return state;
}
