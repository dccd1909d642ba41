/**
 * The external references the tests hold the program against (other projects' schemas,
 * `talosctl gen config` outputs, protos, policy fixtures), kept in test/references with
 * each file's upstream, version and licence in its README.
 */
import { existsSync } from "node:fs";
import path from "node:path";

const REFERENCES_DIR = path.resolve(__dirname, "..", "references");

/** The path of a reference file; a missing one is named, with the README that lists them. */
export function referencePath(...parts: string[]): string {
  const file = path.join(REFERENCES_DIR, ...parts);
  if (!existsSync(file)) throw new Error(`reference test/references/${parts.join("/")} is missing: test/references/README.md lists the files the tests read`);
  return file;
}
