/** Access to the Talos references in test/references/talos (see test/references/README.md). */
import { readFileSync } from "node:fs";
import { parse, parseAllDocuments } from "yaml";
import { parseSecretsBundle, type TalosSecretsBundle } from "../../components/talos/secretsBundle";
import { referencePath } from "../support/references";

export function conformancePath(...parts: string[]): string {
  return referencePath("talos", ...parts);
}

export function readConformance(...parts: string[]): string {
  return readFileSync(conformancePath(...parts), "utf8");
}

/** Every document of a multi-document YAML reference, as plain data. */
export function readConformanceDocuments(...parts: string[]): unknown[] {
  return parseAllDocuments(readConformance(...parts)).map((document) => document.toJS() as unknown);
}

/** The fixed secrets bundle the stability references were generated from. */
export function stabilitySecrets(): TalosSecretsBundle {
  return parseSecretsBundle(parse(readConformance("stability", "secrets.yaml")));
}
