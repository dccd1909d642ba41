/**
 * Safe readers for resource inputs. Policies see whatever a program or a manifest declared,
 * including malformed values, and must report them rather than throw.
 */

export type Dict = Record<string, unknown>;

export function isRecord(value: unknown): value is Dict {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The record elements of a list; anything that is not a list yields none. */
export function records(value: unknown): Dict[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

export function stringOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function numberOf(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** A field reached through nested records, or undefined as soon as one step is not a record. */
export function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** `"a, b,,c"` -> `["a", "b", "c"]`. */
export function commaList(value: string | undefined): string[] {
  return (value ?? "").split(",").map((item) => item.trim()).filter((item) => item !== "");
}

/** How a value reads in a message: "missing", "a list", "null", "the string \"1asdf\"". */
export function describe(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  if (typeof value === "object") return "a map";
  return `${typeof value} ${String(value)}`;
}

/** `["a", "b", "c", "d"]` -> `"a, b, c (+1 more)"`. */
export function listSome(names: readonly string[], total: number = names.length, shown = 3): string {
  const head = names.slice(0, shown).join(", ");
  return total > shown ? `${head} (+${total - shown} more)` : head;
}
