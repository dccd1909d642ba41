/**
 * Validators built from the references in test/references (see its README): the CRD
 * schemas, the Kubernetes definitions and the charts' values schemas.
 */
import { readFileSync } from "node:fs";
import Ajv, { type ErrorObject } from "ajv";
import { referencePath } from "../support/references";

export function readConformanceJson(...parts: string[]): Record<string, unknown> {
  return JSON.parse(readFileSync(referencePath(...parts), "utf8")) as Record<string, unknown>;
}

/** Lists a value's violations of a schema, one line each (empty when it is valid). */
export type Validator = (value: unknown) => string[];

function describeErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => `${error.instancePath || "/"} ${error.message ?? ""}${error.params && "additionalProperty" in error.params ? ` (${String(error.params.additionalProperty)})` : ""}`);
}

/** Kubernetes' OpenAPI formats (int32, int64, byte, ...) are not JSON Schema's; types and structure are what is checked. */
const AJV_OPTIONS = { strict: false, allErrors: true, validateFormats: false } as const;

function validatorOf(ajv: Ajv, schema: object): Validator {
  const validate = ajv.compile(schema);
  return (value) => (validate(value) ? [] : describeErrors(validate.errors));
}

/** A custom resource's schema from the datree catalogue, e.g. ("cert-manager.io", "clusterissuer_v1"). */
export function crdValidator(group: string, kindVersion: string): Validator {
  return validatorOf(new Ajv(AJV_OPTIONS), readConformanceJson("kubernetes", "crds", group, `${kindVersion}.json`));
}

/** A core Kubernetes kind from the kubeconform definitions, e.g. "io.k8s.api.networking.v1.NetworkPolicy". */
export function kubernetesValidator(definition: string): Validator {
  const ajv = new Ajv(AJV_OPTIONS);
  ajv.addSchema({ ...readConformanceJson("kubernetes", "definitions.json"), $id: "k8s" });
  return validatorOf(ajv, { $ref: `k8s#/definitions/${definition}` });
}

/**
 * A chart's values schema. Helm validates it against the chart's defaults merged with the
 * user's values; here only the values this program sets are at hand, so `required`
 * (satisfied by the defaults) is dropped when `withoutRequired` is set.
 */
export function helmValuesValidator(chart: "cert-manager" | "metallb" | "cilium", options: { withoutRequired?: boolean } = {}): Validator {
  const schema = readConformanceJson("helm", `${chart}.values.schema.json`);
  const ajv = new Ajv({ ...AJV_OPTIONS, validateSchema: false });
  return validatorOf(ajv, options.withoutRequired ? (withoutKey(schema, "required") as object) : schema);
}

function withoutKey(value: unknown, key: string): unknown {
  if (Array.isArray(value)) return value.map((item) => withoutKey(item, key));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).filter(([name, inner]) => !(name === key && Array.isArray(inner))).map(([name, inner]) => [name, withoutKey(inner, key)]));
}

/**
 * Keys the chart's templates read although its values.yaml leaves them commented out, so its
 * generated schema lacks them: Cilium 1.19.3's templates/cilium-configmap.yaml writes
 * `bpf-lb-mode` and `bpf-lb-algorithm` from these when set.
 */
const TEMPLATE_ONLY_KEYS = { cilium: [".loadBalancer.mode", ".loadBalancer.algorithm"] } as const;

/**
 * The key paths of `values` that a chart's values schema does not declare. Cilium's schema
 * (generated from its values.yaml) allows any extra key, so a misspelt one would pass the
 * validator above; this is the strict half. A key the schema leaves open (an object without
 * `properties`, e.g. `resources: {}`) takes anything below it.
 */
export function undeclaredValuesKeys(chart: "cilium", values: unknown): string[] {
  const templateOnly: readonly string[] = TEMPLATE_ONLY_KEYS[chart];
  const walk = (schema: Record<string, any> | undefined, value: unknown, at: string): string[] => {
    if (value === null || typeof value !== "object" || Array.isArray(value) || !schema?.properties) return [];
    return Object.entries(value).flatMap(([key, inner]) =>
      key in schema.properties ? walk(schema.properties[key], inner, `${at}.${key}`) : templateOnly.includes(`${at}.${key}`) ? [] : [`${at}.${key}`],
    );
  };
  return walk(readConformanceJson("helm", `${chart}.values.schema.json`), values, "");
}
