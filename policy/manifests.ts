/**
 * Kubernetes YAML (multi-document, `kind: List` expanded) as plan resources, each typed the
 * way Pulumi types it (`kubernetes:apps/v1:Deployment`), so that rendered charts and plain
 * manifests are checked by the same policies as the program's own resources.
 */
import { parseAllDocuments } from "yaml";
import { plannedResource, type PlannedResource } from "./contract/plan";
import { kubernetesTypeToken } from "./kubernetes-workloads";
import { at, isRecord, stringOf, type Dict } from "./values";

export class ManifestError extends Error {}

const URN_PREFIX = "urn:pulumi:manifests::policy-check::";

/** Every object of every document; `List` items are expanded, nulls and scalars dropped. */
export function parseManifests(text: string, source: string): unknown[] {
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) return [];
  return documents.flatMap((document) => {
    const [error] = document.errors;
    if (error) throw new ManifestError(`${source}: ${error.message}`);
    const value: unknown = document.toJS();
    return isRecord(value) && value.kind === "List" && Array.isArray(value.items) ? value.items : [value];
  });
}

function resourceNameOf(object: Dict, index: number): string {
  const name = stringOf(at(object, "metadata", "name")) || `${String(object.kind).toLowerCase()}-${index}`;
  const namespace = stringOf(at(object, "metadata", "namespace"));
  return namespace ? `${namespace}/${name}` : name;
}

/** Objects with an apiVersion and a kind become resources; the rest are counted as skipped. */
export function manifestResources(objects: readonly unknown[]): { resources: PlannedResource[]; skipped: number } {
  const resources: PlannedResource[] = [];
  const seen = new Map<string, number>();
  let skipped = 0;
  objects.forEach((object, index) => {
    const apiVersion = stringOf(at(object, "apiVersion"));
    const kind = stringOf(at(object, "kind"));
    if (!isRecord(object) || !apiVersion || !kind) {
      skipped++;
      return;
    }
    const type = kubernetesTypeToken(apiVersion, kind);
    const name = resourceNameOf(object, index);
    const count = (seen.get(`${type}::${name}`) ?? 0) + 1;
    seen.set(`${type}::${name}`, count);
    const unique = count === 1 ? name : `${name}#${count}`;
    resources.push(plannedResource(`${URN_PREFIX}${type}::${unique}`, type, unique, object));
  });
  return { resources, skipped };
}
