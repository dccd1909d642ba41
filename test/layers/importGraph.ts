/**
 * The repository's layers and what each may import, checked from the import statements alone
 * (TypeScript's pre-processor scans them; nothing is type-checked or run).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, posix } from "node:path";
import { preProcessFile } from "typescript";

/** Bottom to top; `test` may import anything and nothing imports it. */
export const LAYERS = ["policy/contract", "policy", "model", "config", "components", "stacks", "index.ts", "tools", "test"] as const;
export type Layer = (typeof LAYERS)[number];

/** What each layer may import besides itself. */
export const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  // The pack is published alone: it imports nothing outside policy/, and its contract nothing outside the contract.
  "policy/contract": [],
  policy: ["policy/contract"],
  model: ["policy/contract"],
  config: ["model", "policy/contract"],
  components: ["config", "model", "policy/contract"],
  stacks: ["components", "config", "model", "policy/contract"],
  "index.ts": ["stacks"],
  tools: ["stacks", "components", "config", "model", "policy", "policy/contract"],
  test: LAYERS,
};

/** Folders private to their layer: only it (and tests) may import them. */
export const PRIVATE_FOLDERS: readonly { folder: string; layer: Layer }[] = [{ folder: "config/checks", layer: "config" }];

/** One relative import: the importing file, the specifier as written, the file it resolves to. */
export interface Import {
  file: string;
  specifier: string;
  target: string;
}

/**
 * The folder imports are counted between for cycles: a capability under components/, a tool
 * under tools/, the pack's contract, else the top-level folder.
 */
export function unitOf(file: string): string {
  const parts = file.split("/");
  if (parts.length === 1) return file;
  if ((parts[0] === "components" || parts[0] === "tools") && parts.length > 2) return `${parts[0]}/${parts[1]}`;
  if (parts[0] === "policy" && parts[1] === "contract" && parts.length > 2) return "policy/contract";
  return parts[0];
}

export function layerOf(file: string): Layer | undefined {
  const unit = unitOf(file);
  const layer = unit.startsWith("components/") ? "components" : unit.startsWith("tools/") ? "tools" : unit;
  return (LAYERS as readonly string[]).includes(layer) ? (layer as Layer) : undefined;
}

/** Every import against the allowed direction, as a message naming the file and the import. */
export function directionViolations(imports: readonly Import[]): string[] {
  const messages: string[] = [];
  for (const { file, specifier, target } of imports) {
    const from = layerOf(file);
    const to = layerOf(target);
    if (!from || !to) {
      messages.push(`${file} imports "${specifier}" (${target}): ${!from ? file : target} is in no layer; add its folder to test/layers/importGraph.ts`);
      continue;
    }
    if (from !== to && !MAY_IMPORT[from].includes(to)) {
      const allowed = MAY_IMPORT[from].length > 0 ? MAY_IMPORT[from].join(", ") : `nothing outside ${from}/`;
      messages.push(`${file} imports "${specifier}" (${target}): ${from} may import only ${allowed}`);
    }
    for (const { folder, layer } of PRIVATE_FOLDERS) {
      if (target.startsWith(`${folder}/`) && from !== layer && from !== "test") {
        messages.push(`${file} imports "${specifier}" (${target}): ${folder}/ is internal to ${layer}/`);
      }
    }
  }
  return messages;
}

/** Every cycle between units, as the units around it and one import per step. */
export function folderCycles(imports: readonly Import[]): string[] {
  const edges = new Map<string, Map<string, Import>>();
  for (const edge of imports) {
    const [from, to] = [unitOf(edge.file), unitOf(edge.target)];
    if (from === to) continue;
    const out = edges.get(from) ?? new Map<string, Import>();
    if (!out.has(to)) out.set(to, edge);
    edges.set(from, out);
  }
  const cycles: string[] = [];
  const seen = new Set<string>();
  const state = new Map<string, "open" | "done">();
  const visit = (unit: string, trail: string[]) => {
    if (state.get(unit) === "done") return;
    if (state.get(unit) === "open") {
      const loop = [...trail.slice(trail.indexOf(unit)), unit];
      const key = [...loop.slice(0, -1)].sort().join(" ");
      if (seen.has(key)) return;
      seen.add(key);
      const steps = loop.slice(0, -1).map((step, index) => {
        const edge = edges.get(step)!.get(loop[index + 1])!;
        return `  ${step} -> ${loop[index + 1]}: ${edge.file} imports "${edge.specifier}"`;
      });
      cycles.push(`cycle ${loop.join(" -> ")}\n${steps.join("\n")}`);
      return;
    }
    state.set(unit, "open");
    for (const next of [...(edges.get(unit)?.keys() ?? [])].sort()) visit(next, [...trail, unit]);
    state.set(unit, "done");
  };
  for (const unit of [...edges.keys()].sort()) visit(unit, []);
  return cycles;
}

const SKIPPED = new Set(["node_modules", "dist", ".git", "coverage"]);

/** The repository's .ts files, as paths relative to the root with `/` separators. */
export function sourceFiles(root: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) return SKIPPED.has(entry.name) ? [] : walk(path);
      return entry.name.endsWith(".ts") ? [path] : [];
    });
  return walk("").sort();
}

/** The file a relative specifier names: itself, `.ts` added, or the folder's index.ts. */
function resolveRelative(root: string, file: string, specifier: string): string {
  const path = posix.normalize(posix.join(posix.dirname(file), specifier));
  const candidates = [`${path}.ts`, `${path}/index.ts`, path];
  return candidates.find((candidate) => existsSync(join(root, candidate))) ?? path;
}

/** The relative imports of `files` (import, export ... from, import(), require()). */
export function relativeImports(root: string, files: readonly string[]): Import[] {
  return files.flatMap((file) =>
    preProcessFile(readFileSync(join(root, file), "utf8"), true, true)
      .importedFiles.map((imported) => imported.fileName)
      .filter((specifier) => specifier.startsWith("."))
      .map((specifier) => ({ file, specifier, target: resolveRelative(root, file, specifier) })),
  );
}

/** The bare package specifiers `file` imports (`@scope/name/sub` -> `@scope/name`), node: builtins left out. */
export function packageImports(root: string, file: string): string[] {
  return preProcessFile(readFileSync(join(root, file), "utf8"), true, true)
    .importedFiles.map((imported) => imported.fileName)
    .filter((specifier) => !specifier.startsWith(".") && !specifier.startsWith("node:") && !builtinModules.includes(specifier))
    .map((specifier) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/"));
}
