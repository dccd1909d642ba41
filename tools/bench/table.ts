/** Tables as Markdown (readable in a terminal, pasted as is into a README). */

export type Cell = string | number;

export interface Column {
  header: string;
  /** Decimals for numbers; default 0. */
  digits?: number;
}

export function formatNumber(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return "n/a";
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function renderTable(columns: readonly Column[], rows: readonly Cell[][]): string[] {
  const text = rows.map((row) => row.map((cell, index) => (typeof cell === "number" ? formatNumber(cell, columns[index]?.digits) : cell)));
  const numeric = columns.map((_, index) => rows.length > 0 && rows.every((row) => typeof row[index] === "number"));
  const widths = columns.map((column, index) => Math.max(column.header.length, 3, ...text.map((row) => row[index]?.length ?? 0)));
  const line = (cells: string[]) => `| ${cells.map((cell, index) => (numeric[index] ? cell.padStart(widths[index]) : cell.padEnd(widths[index]))).join(" | ")} |`;
  const rule = `|${widths.map((width, index) => (numeric[index] ? `${"-".repeat(width + 1)}:` : "-".repeat(width + 2))).join("|")}|`;
  return [line(columns.map((column) => column.header)), rule, ...text.map(line)];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
