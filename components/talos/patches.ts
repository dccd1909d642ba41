import { parseAllDocuments } from "yaml";
import {
  DOCUMENT_API_VERSION,
  V1ALPHA1_TOP_LEVEL_KEYS,
  V1_13_DOCUMENT_KINDS,
  describeDocument,
  identityOf,
  isSameDocument,
  type DocumentIdentity,
  type TalosDocument,
} from "./documents";
import { TalosConfigError } from "./errors";

/**
 * A Talos strategic-merge patch: YAML or JSON text (one or more `---` separated
 * documents), one document as an object, or a list of documents.
 *
 * A document without `kind` patches the v1alpha1 document; a document with `apiVersion`
 * and `kind` patches the document of that kind (and `name`), or is added when there is
 * none. `$patch: delete` on a mapping value removes that key; on a whole document, it
 * removes the document.
 */
export type ConfigPatch = string | TalosDocument | readonly TalosDocument[];

/**
 * A patch with where it was declared, which its errors name instead of its position
 * (`homeops:talos.roles.worker.patches[0]` rather than `patch 3`). No patch document has
 * exactly the keys `source` and `patch`, so the two forms cannot be confused.
 */
export interface SourcedPatch {
  source: string;
  patch: ConfigPatch;
}

const PATCH_DIRECTIVE = "$patch";

/** The fields a document-deleting patch may carry beside the directive. */
const IDENTITY_FIELDS: ReadonlySet<string> = new Set(["apiVersion", "kind", "name"]);

/** Paths in the v1alpha1 document that Talos replaces rather than merges (`merge:"replace"`). */
const REPLACED_PATHS: ReadonlySet<string> = new Set([
  "cluster.network.podSubnets",
  "cluster.network.serviceSubnets",
  "cluster.apiServer.auditPolicy",
]);

/** Lists in the v1alpha1 document whose items Talos merges by a key field instead of appending. */
const KEYED_LISTS: ReadonlyMap<string, string> = new Map([["cluster.apiServer.admissionControl", "name"]]);

/**
 * Fields a patch may not change: they follow from the generator's inputs, and the program
 * relies on them being what the inputs say (the installer image is how a node is upgraded,
 * the subnets are checked against the network, the secrets come from the PKI).
 */
const FIXED_FIELDS: ReadonlyMap<string, string> = new Map([
  ["version", "the v1alpha1 document's version is fixed by the config contract"],
  ["machine.type", "a node's role comes from its inputs (controlplane or worker), not from a patch"],
  ["machine.install.image", "the installer image follows from the Talos release and schematic, and upgrades go by it"],
  ["machine.kubelet.image", "the kubelet follows from the Kubernetes version"],
  ["cluster.clusterName", "the cluster's name is an input"],
  ["cluster.controlPlane.endpoint", "the endpoint is an input (the VIP)"],
  ["cluster.network.podSubnets", "the pod subnets are an input, checked against the network"],
  ["cluster.network.serviceSubnets", "the service subnets are an input, checked against the network"],
  ["cluster.network.cni", "the CNI is an input"],
]);

/** Fixed too, and secret: an error names the field, never its values. */
const FIXED_SECRET_FIELDS = ["machine.token", "machine.ca", "cluster.id", "cluster.secret", "cluster.token", "cluster.ca"];

/** Applies patches in order; the documents passed in are left untouched. */
export function applyPatches(documents: readonly TalosDocument[], patches: readonly (ConfigPatch | SourcedPatch)[]): TalosDocument[] {
  return patches.reduce<TalosDocument[]>((current, entry, index) => {
    const { source, patch } = isSourcedPatch(entry) ? entry : { source: `patch ${index + 1}`, patch: entry };
    return applyPatch(current, patch, source);
  }, [...documents]);
}

function isSourcedPatch(entry: ConfigPatch | SourcedPatch): entry is SourcedPatch {
  if (typeof entry !== "object" || Array.isArray(entry)) return false;
  const keys = Object.keys(entry);
  return keys.length === 2 && typeof (entry as Partial<SourcedPatch>).source === "string" && keys.includes("patch");
}

function applyPatch(documents: TalosDocument[], patch: ConfigPatch, label: string): TalosDocument[] {
  return patchDocuments(patch, label).reduce(
    (current, patchDocument) => applyPatchDocument(current, patchDocument, label),
    documents,
  );
}

/** Merges into the document it addresses, adds it when there is none, or deletes it. */
function applyPatchDocument(documents: TalosDocument[], patchDocument: TalosDocument, label: string): TalosDocument[] {
  const identity = targetOf(patchDocument, label);
  const index = documents.findIndex((document) => isSameDocument(document, identity));
  if (PATCH_DIRECTIVE in patchDocument) {
    checkDeleteDirective(patchDocument, IDENTITY_FIELDS, `${label}, ${describeDocument(identity)}`);
    if (index < 0) throw new TalosConfigError(`${label} deletes ${describeDocument(identity)}, which does not exist`);
    return documents.filter((_, i) => i !== index);
  }
  if (index < 0) return [...documents, mergeDocument({}, patchDocument, identity, label)];
  const merged = mergeDocument(documents[index], patchDocument, identity, label);
  return documents.map((document, i) => (i === index ? merged : document));
}

/** Normalises a patch into its documents, each a mapping. */
function patchDocuments(patch: ConfigPatch, label: string): TalosDocument[] {
  const documents: unknown[] = typeof patch === "string" ? parseYamlDocuments(patch, label) : [patch].flat();
  return documents.map((document, index) => {
    if (!isMapping(document)) {
      throw new TalosConfigError(
        `${label}, document ${index + 1}: a patch document must be a mapping, got ${describeValue(document)}` +
          " (JSON 6902 operation lists are not supported; write a strategic merge patch)",
      );
    }
    return document;
  });
}

function parseYamlDocuments(text: string, label: string): unknown[] {
  return parseAllDocuments(text)
    .map((document, index) => {
      if (document.errors.length > 0) {
        throw new TalosConfigError(`${label}, document ${index + 1}: invalid YAML: ${document.errors[0].message}`);
      }
      return document.toJS() as unknown;
    })
    .filter((document) => document !== null && document !== undefined);
}

/** Works out which document a patch document addresses, rejecting what a v1.13 machine cannot take. */
function targetOf(patchDocument: TalosDocument, label: string): DocumentIdentity {
  const identity = identityOf(patchDocument);
  if (identity.kind === undefined) {
    const unknownKeys = Object.keys(patchDocument).filter((key) => !V1ALPHA1_TOP_LEVEL_KEYS.has(key));
    if (unknownKeys.length > 0) {
      throw new TalosConfigError(
        `${label}: unknown top-level field(s) ${unknownKeys.join(", ")} in a v1alpha1 patch ` +
          `(expected ${[...V1ALPHA1_TOP_LEVEL_KEYS].join(", ")}, or apiVersion and kind for another document)`,
      );
    }
    return identity;
  }
  if (!V1_13_DOCUMENT_KINDS.has(identity.kind)) {
    throw new TalosConfigError(
      `${label}: kind ${identity.kind} is not a document of the Talos v1.13 config contract; ` +
        "set the equivalent fields of the v1alpha1 document instead",
    );
  }
  if (patchDocument.apiVersion !== DOCUMENT_API_VERSION) {
    throw new TalosConfigError(
      `${label}: ${identity.kind} needs apiVersion ${DOCUMENT_API_VERSION}, got ${describeValue(patchDocument.apiVersion)}`,
    );
  }
  return identity;
}

interface MergeContext {
  /** Where the merge happens, for error messages: `patch 2, the v1alpha1 document`. */
  where: string;
  /** Whether the v1alpha1 merge rules (replaced paths, keyed lists) apply. */
  v1alpha1: boolean;
}

function mergeDocument(
  base: TalosDocument,
  patchDocument: TalosDocument,
  identity: DocumentIdentity,
  label: string,
): TalosDocument {
  const context = { where: `${label}, ${describeDocument(identity)}`, v1alpha1: identity.kind === undefined };
  const merged = mergeMapping(base, patchDocument, context, []);
  if (context.v1alpha1) checkFixedFields(base, merged, context);
  return merged;
}

function mergeValue(base: unknown, patch: unknown, context: MergeContext, path: string[]): unknown {
  // Talos decodes a null in a patch to the zero value, which its merge skips.
  if (patch === null) return base;
  if (isMapping(patch)) return mergeMapping(base, patch, context, path);
  if (Array.isArray(patch)) return mergeList(base, patch, context, path);
  if (isMapping(base) || Array.isArray(base) || (isScalar(base) && typeof base !== typeof patch)) {
    throw mismatch(context, path, base, patch);
  }
  return patch;
}

function mergeMapping(base: unknown, patch: TalosDocument, context: MergeContext, path: string[]): TalosDocument {
  const replaced = base === undefined || (context.v1alpha1 && REPLACED_PATHS.has(path.join(".")));
  const start = replaced ? {} : base;
  if (!isMapping(start)) throw mismatch(context, path, base, patch);
  const result: TalosDocument = { ...start };
  for (const [key, value] of Object.entries(patch)) {
    if (isMapping(value) && PATCH_DIRECTIVE in value) {
      checkDeleteDirective(value, new Set(), `${context.where}, ${[...path, key].join(".")}`);
      delete result[key];
      continue;
    }
    const merged = mergeValue(start[key], value, context, [...path, key]);
    if (merged !== undefined) result[key] = merged;
  }
  return result;
}

function mergeList(base: unknown, patch: readonly unknown[], context: MergeContext, path: string[]): unknown[] {
  const items = patch
    .map((item, index) => mergeValue(undefined, item, context, [...path, String(index)]))
    .filter((item) => item !== undefined);
  const dottedPath = path.join(".");
  if (base === undefined || (context.v1alpha1 && REPLACED_PATHS.has(dottedPath))) return items;
  if (!Array.isArray(base)) throw mismatch(context, path, base, patch);
  const itemKey = context.v1alpha1 ? KEYED_LISTS.get(dottedPath) : undefined;
  return itemKey === undefined ? [...base, ...items] : mergeKeyedList(base, items, itemKey, context, path);
}

/** Items with the same key merge into the existing item; the others are appended. */
function mergeKeyedList(
  base: readonly unknown[],
  items: readonly unknown[],
  itemKey: string,
  context: MergeContext,
  path: string[],
): unknown[] {
  return items.reduce<unknown[]>((result, item) => {
    const index = result.findIndex((existing) => isMapping(existing) && isMapping(item) && existing[itemKey] === item[itemKey]);
    if (index < 0) return [...result, item];
    return result.map((existing, i) => (i === index ? mergeValue(existing, item, context, [...path, String(i)]) : existing));
  }, [...base]);
}

/** `$patch: delete` is the one directive supported, and it carries nothing to merge. */
function checkDeleteDirective(value: TalosDocument, allowedFields: ReadonlySet<string>, where: string): void {
  const extraFields = Object.keys(value).filter((key) => key !== PATCH_DIRECTIVE && !allowedFields.has(key));
  if (value[PATCH_DIRECTIVE] !== "delete" || extraFields.length > 0) {
    throw new TalosConfigError(`${where}: the only supported directive is "$patch: delete", with nothing else to merge`);
  }
}

function checkFixedFields(before: TalosDocument, after: TalosDocument, context: MergeContext): void {
  // Merged mappings and lists are new objects even when equal: compare what they hold.
  const changed = (field: string) => JSON.stringify(valueAt(before, field)) !== JSON.stringify(valueAt(after, field));
  for (const [field, reason] of FIXED_FIELDS) {
    if (changed(field)) {
      throw new TalosConfigError(
        `${context.where}: changes ${field} from ${describeOwned(valueAt(before, field))} to ${describeOwned(valueAt(after, field))}; ${reason}`,
      );
    }
  }
  const secret = FIXED_SECRET_FIELDS.find(changed);
  if (secret) throw new TalosConfigError(`${context.where}: changes ${secret}; the cluster's secrets come from its PKI, not from a patch`);
}

/** An owned, non-secret field's value in full: which subnets or CNI is more telling than "a list". */
function describeOwned(value: unknown): string {
  return Array.isArray(value) || isMapping(value) ? JSON.stringify(value) : describeValue(value);
}

function valueAt(document: TalosDocument, dottedPath: string): unknown {
  return dottedPath.split(".").reduce<unknown>((value, key) => (isMapping(value) ? value[key] : undefined), document);
}

function mismatch(context: MergeContext, path: string[], base: unknown, patch: unknown): TalosConfigError {
  return new TalosConfigError(
    `${context.where}, ${path.join(".") || "(document)"}: cannot merge ${describeValue(patch)} into ${describeValue(base)}`,
  );
}

function isMapping(value: unknown): value is TalosDocument {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (isMapping(value)) return "a mapping";
  if (value === undefined) return "nothing";
  return `${typeof value} ${JSON.stringify(value)}`;
}
