/** Markdown and Mermaid building blocks for the generated documents. */

/** A Markdown table; `|` inside a cell is escaped so that it cannot split the cell. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], centered: readonly number[] = []): string[] {
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(" | ")} |`;
  const rule = header.map((_, index) => (centered.includes(index) ? ":-:" : "---"));
  return [line(header), `|${rule.join("|")}|`, ...rows.map(line)];
}

/** A Mermaid node id: names here are DNS labels, so mapping `-` (and anything else) to `_` keeps them distinct. */
export function mermaidId(kind: string, name: string): string {
  return `${kind}_${name.replace(/[^A-Za-z0-9]/g, "_")}`;
}

/** A quoted Mermaid label; `"` would end it, so it is written as Mermaid's entity. */
export function mermaidLabel(text: string): string {
  return `"${text.replace(/"/g, "#quot;")}"`;
}

export function mermaidBlock(lines: readonly string[]): string[] {
  return ["```mermaid", ...lines, "```"];
}

export function percentOf(part: number, whole: number): string {
  return `${Math.round((part / whole) * 100)} %`;
}
