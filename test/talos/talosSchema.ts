/**
 * Validation of generated documents against the Talos v1.13.9 JSON schema, one document at
 * a time against the definition for its kind (as test/references/README.md prescribes).
 */
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import type { TalosDocument } from "../../components/talos/documents";
import { readConformance } from "./conformance";

interface TalosSchema {
  $id: string;
  $defs: Record<string, { properties?: { kind?: { enum?: string[] } } }>;
  oneOf: { $ref: string }[];
}

const V1ALPHA1_DEFINITION = "v1alpha1.Config";

export function loadTalosSchema(): TalosSchema {
  return JSON.parse(readConformance("config.schema.v1.13.9.json")) as TalosSchema;
}

/** The document kinds the schema accepts at the top level (v1alpha1 aside). */
export function schemaDocumentKinds(schema: TalosSchema): string[] {
  return schema.oneOf
    .map(({ $ref }) => schema.$defs[$ref.split("/").pop() ?? ""].properties?.kind?.enum?.[0])
    .filter((kind) => kind !== undefined);
}

/** Returns a function listing a document's schema violations (empty when it is valid). */
export function talosSchemaValidator(): (document: TalosDocument) => string[] {
  const schema = loadTalosSchema();
  // The schema carries editor annotations (markdownDescription, x-intellij-...) that strict mode rejects.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addFormat("uri", (value: string) => URL.canParse(value));
  ajv.addSchema(schema);
  const definitionByKind = new Map(
    Object.entries(schema.$defs).flatMap(([definition, { properties }]) =>
      (properties?.kind?.enum ?? []).map((kind) => [kind, definition] as const),
    ),
  );
  const validators = new Map<string, ValidateFunction>();
  const validatorFor = (definition: string): ValidateFunction => {
    const cached = validators.get(definition) ?? ajv.getSchema(`${schema.$id}#/$defs/${definition}`);
    if (cached === undefined) throw new Error(`the Talos schema has no definition ${definition}`);
    validators.set(definition, cached);
    return cached;
  };

  return (document) => {
    const kind = document.kind;
    const definition = typeof kind === "string" ? definitionByKind.get(kind) : V1ALPHA1_DEFINITION;
    if (definition === undefined) return [`no schema definition for kind ${String(kind)}`];
    const validate = validatorFor(definition);
    if (validate(withoutUnschematisedFields(document))) return [];
    return (validate.errors ?? []).map((error) => `${definition}${error.instancePath}: ${error.message}`);
  };
}

/** The schema omits `persist` (deprecated) and `machine.install.extraKernelArgs`; Talos still reads both. */
function withoutUnschematisedFields(document: TalosDocument): TalosDocument {
  if (document.kind !== undefined) return document;
  const { persist: _persist, ...rest } = document;
  const machine = rest.machine as { install?: Record<string, unknown> } | undefined;
  if (machine?.install === undefined) return rest;
  const { extraKernelArgs: _extraKernelArgs, ...install } = machine.install;
  return { ...rest, machine: { ...machine, install } };
}
