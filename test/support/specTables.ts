import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./stackConfig";

/** The estate's requirements, as tables the tests hold the stacks to. */
const SPEC = join(ROOT, "docs", "requirements.md");

/** The rows of the Markdown table under `heading` in docs/requirements.md, as cell arrays. */
export function specTable(heading: string): string[][] {
  if (!existsSync(SPEC)) throw new Error(`the estate's requirements are missing: expected ${SPEC}`);
  const lines = readFileSync(SPEC, "utf8").split("\n");
  const start = lines.findIndex((line) => line.trim() === heading);
  if (start < 0) throw new Error(`no heading "${heading}" in ${SPEC}`);
  const table = lines.slice(start + 1).filter((line, index, all) => line.startsWith("|") && all.slice(0, index).every((before) => before.startsWith("|") || before.trim() === ""));
  return table.slice(2).map((row) => row.split("|").slice(1, -1).map((cell) => cell.trim()));
}
