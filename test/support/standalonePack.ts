/**
 * The policy pack as `pulumi policy publish` ships it: the files `npm pack` puts in the
 * tarball, in a directory of their own, with a node_modules that holds the pack's declared
 * dependencies and nothing else (links to this repository's installed copies, which a test
 * checks are the versions the pack pins).
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { ROOT } from "./stackConfig";
import { tempDir } from "./tempDirs";

export const POLICY_DIR = join(ROOT, "policy");

export interface PackManifest {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

export function packManifest(dir = POLICY_DIR): PackManifest {
  return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as PackManifest;
}

/** The files `npm pack` would put in the tarball (what `pulumi policy publish` uploads for a Node.js pack). */
export function packedFiles(): string[] {
  const listing = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: POLICY_DIR, encoding: "utf8" })) as { files: { path: string }[] }[];
  return listing[0].files.map((file) => file.path).sort();
}

/** A fresh directory holding the published pack (`files`, as packedFiles lists them) and only its declared dependencies. */
export function standalonePack(files = packedFiles()): string {
  const dir = tempDir("homeops-pack-");
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(POLICY_DIR, file), join(dir, file));
  }
  const manifest = packManifest(dir);
  for (const name of Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })) {
    mkdirSync(dirname(join(dir, "node_modules", name)), { recursive: true });
    symlinkSync(join(ROOT, "node_modules", name), join(dir, "node_modules", name), "dir");
  }
  return dir;
}
