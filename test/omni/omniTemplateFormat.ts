/**
 * Omni's cluster template format, as a JSON schema per document kind with the rules Omni's
 * loader and validators apply, written from siderolabs/omni's template models
 * (client/pkg/template/internal/models: list.go and cluster.go at 01bf6638, machineset.go at 033e0519,
 * controlplane.go and workers.go at dfcbaae7, machine.go at 049ab877, patch.go at 75a9f3ee;
 * Mozilla Public License 2.0) and the reference page docs.siderolabs.com/omni/reference/cluster-templates.
 * Only the facts are taken: the documents' kinds and fields, and which are required.
 */
import Ajv from "ajv";
import { parseAllDocuments } from "yaml";

const version = (pattern: string) => ({ type: "object", additionalProperties: false, required: ["version"], properties: { version: { type: "string", pattern } } });
const stringMap = { type: "object", additionalProperties: { type: "string" } };
const uuid = { type: "string", pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$" };
// A patch: `inline` or `file`, never both; an inline one needs `name` or `idOverride` (patch.go, Validate).
const patch = {
  type: "object",
  additionalProperties: false,
  properties: { name: { type: "string" }, idOverride: { type: "string" }, labels: stringMap, annotations: stringMap, file: { type: "string" }, inline: { type: "object" } },
  oneOf: [{ required: ["inline"], not: { required: ["file"] }, anyOf: [{ required: ["name"] }, { required: ["idOverride"] }] }, { required: ["file"], not: { required: ["inline"] } }],
};
const patches = { type: "array", items: patch };
const extensions = { type: "array", items: { type: "string" } };
const descriptors = { labels: stringMap, annotations: stringMap };
const machineSet = {
  type: "object",
  additionalProperties: false,
  properties: {
    kind: { enum: ["ControlPlane", "Workers"] },
    name: { type: "string" },
    ...descriptors,
    systemExtensions: extensions,
    machines: { type: "array", items: uuid },
    machineClass: { type: "object" },
    bootstrapSpec: { type: "object" },
    updateStrategy: { type: "object" },
    deleteStrategy: { type: "object" },
    upgradeStrategy: { type: "object" },
    patches,
  },
};

const SCHEMAS: Record<string, object> = {
  Cluster: {
    type: "object",
    additionalProperties: false,
    required: ["kind", "name", "kubernetes", "talos"],
    properties: {
      kind: { const: "Cluster" },
      name: { type: "string", minLength: 1 },
      ...descriptors,
      // Omni requires the v on Talos's version (RequireVPrefixOnTalosVersionCheck) and strips it from Kubernetes's.
      kubernetes: version("^v?\\d+\\.\\d+\\.\\d+$"),
      talos: version("^v\\d+\\.\\d+\\.\\d+$"),
      features: { type: "object" },
      patches,
      systemExtensions: extensions,
      kernelArgs: { type: "array", items: { type: "string" } },
    },
  },
  ControlPlane: machineSet,
  Workers: machineSet,
  Machine: {
    type: "object",
    additionalProperties: false,
    required: ["kind", "name"],
    properties: {
      kind: { const: "Machine" },
      name: uuid,
      ...descriptors,
      locked: { type: "boolean" },
      install: { type: "object", additionalProperties: false, required: ["disk"], properties: { disk: { type: "string" } } },
      patches,
      systemExtensions: extensions,
    },
  },
};

/** Every way `text` is not a cluster template Omni would load: schema errors by document, and the cross-document rules. */
export function omniTemplateProblems(text: string): string[] {
  const ajv = new Ajv({ allErrors: true });
  const documents = parseAllDocuments(text).map((document) => document.toJS() as Record<string, any>);
  const problems: string[] = [];
  documents.forEach((document, index) => {
    const schema = SCHEMAS[document?.kind];
    if (!schema) return void problems.push(`document ${index}: unknown kind ${JSON.stringify(document?.kind)}`);
    const { kind } = document;
    const validate = ajv.compile(schema);
    if (!validate(document)) problems.push(...(validate.errors ?? []).map((error) => `document ${index} (${kind}): ${error.instancePath || "/"} ${error.message}`));
  });
  const ofKind = (kind: string) => documents.filter((document) => document?.kind === kind);
  if (ofKind("Cluster").length !== 1) problems.push(`a template has one Cluster document, not ${ofKind("Cluster").length}`);
  if (ofKind("ControlPlane").length !== 1) problems.push(`a template has one ControlPlane document, not ${ofKind("ControlPlane").length}`);
  const inSets = [...ofKind("ControlPlane"), ...ofKind("Workers")].flatMap((set) => (set.machines ?? []) as string[]);
  const twice = inSets.filter((id, index) => inSets.indexOf(id) !== index);
  if (twice.length > 0) problems.push(`machines in two machine sets: ${twice.join(", ")}`);
  for (const machine of ofKind("Machine")) if (!inSets.includes(machine.name)) problems.push(`Machine ${machine.name} is in no machine set`);
  return problems;
}
