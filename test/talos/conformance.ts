/**
 * Access to the Talos references in ../shared/conformance/talos (never copied into this
 * repository, see its README). A missing folder fails the test that needs it, loudly.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { parseSecretsBundle, type TalosSecretsBundle } from "../../components/talos/secretsBundle";

export const TALOS_CONFORMANCE_DIR = path.resolve(__dirname, "../../../shared/conformance/talos");

export function conformancePath(...parts: string[]): string {
  const file = path.join(TALOS_CONFORMANCE_DIR, ...parts);
  if (!existsSync(file)) {
    throw new Error(
      `Talos conformance reference ${file} is missing. These tests compare against the files in ` +
        "../shared/conformance/talos (see its README); check out the shared folder beside this repository.",
    );
  }
  return file;
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
