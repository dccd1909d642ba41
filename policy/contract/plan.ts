/**
 * The offline preview's record of one registered resource: what the engine would see in
 * the RegisterResourceRequest. Written by `npm run plan -- <stack> --json`, read by the
 * policy checker and the diagram generator.
 */
export interface PlannedResource {
  urn: string;
  type: string;
  name: string;
  /** true for provider-managed (custom) resources, false for components and the Stack. */
  custom: boolean;
  /** URN of the parent resource ("" for the Stack itself). */
  parent: string;
  /** URN of the provider resource (custom resources only; "" when the default provider is used). */
  provider: string;
  /** Inputs as registered (what `Analyze` gets); secret values are the string "[secret]", unknowns "[unknown]". */
  inputs: Record<string, unknown>;
  /**
   * What `AnalyzeStack` gets in a `pulumi preview` that creates the resource: the provider's
   * planned state, attributes it computes "[unknown]" (tools/plan/plannedState.ts); for a
   * component, the outputs it registered. Absent (a Kubernetes manifest): the inputs.
   */
  outputs?: Record<string, unknown>;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  protect: boolean;
  retainOnDelete: boolean;
  deleteBeforeReplace: boolean;
  ignoreChanges: string[];
  replaceOnChanges: string[];
}

/**
 * A custom resource as the engine records one that sets no option: no parent, provider or
 * dependencies, nothing protected or ignored, unless `extra` gives them.
 */
export function plannedResource(urn: string, type: string, name: string, inputs: Record<string, unknown> = {}, extra: Partial<PlannedResource> = {}): PlannedResource {
  return {
    urn, type, name, custom: true, parent: "", provider: "", inputs,
    // Beside the inputs, where a recorded plan has them.
    ...(extra.outputs && { outputs: extra.outputs }),
    dependencies: [], propertyDependencies: {}, protect: false, retainOnDelete: false,
    deleteBeforeReplace: false, ignoreChanges: [], replaceOnChanges: [],
    ...extra,
  };
}

export interface Plan {
  project: string;
  stack: string;
  resources: PlannedResource[];
}

/** What a secret value is replaced by in a recorded plan. */
export const SECRET_PLACEHOLDER = "[secret]";
/** What a value unknown during preview is replaced by in a recorded plan. */
export const UNKNOWN_PLACEHOLDER = "[unknown]";
