import type { z } from "zod";

/**
 * Edit distance between two keys, case-insensitive (`memoryMB` is `memoryMb` misspelt), with
 * a swap of two neighbouring letters counting as one edit (optimal string alignment).
 */
export function keyDistance(a: string, b: string): number {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  const rows = Array.from({ length: x.length + 1 }, (_, i) => Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const substitution = x[i - 1] === y[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + substitution);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[x.length][y.length];
}

/**
 * The known key `key` most likely misspells: the nearest by edit distance, if within a
 * quarter of the key's length (at least one edit). Further away, a suggestion would be a
 * guess (`proxmoxVms` is not `proxmox`).
 */
export function nearestKey(key: string, known: Iterable<string>): string | undefined {
  const allowed = Math.max(1, Math.floor(key.length / 4));
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = keyDistance(key, candidate);
    if (distance <= allowed && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

/**
 * `unknown key; did you mean \`memoryMb\`?` for one key no schema knows; `otherwise` is
 * appended when no known key is close. `render` writes a key as the stack file does.
 */
export function unknownKeyMessage(key: string, known: Iterable<string>, options: { render?: (key: string) => string; otherwise?: string } = {}): string {
  const nearest = nearestKey(key, known);
  return nearest === undefined ? `unknown key${options.otherwise ?? ""}` : `unknown key; did you mean \`${(options.render ?? String)(nearest)}\`?`;
}

/**
 * Records, during one parse, the keys each refusing object (or enum-keyed record) knows.
 * zod reports an unrecognized key without the keys it expected; its error map is the one
 * place that sees the refusing schema, so this map notes them against the issue's `keys`
 * array (the finalized issue carries the same array) and defers the message to zod.
 */
export function knownKeysRecorder(): { errorMap: z.core.$ZodErrorMap; knownKeys(issue: { keys: readonly string[] }): readonly string[] } {
  const known = new WeakMap<readonly string[], readonly string[]>();
  return {
    errorMap: (issue) => {
      if (issue.code === "unrecognized_keys" && issue.inst) known.set(issue.keys, keysOf(issue.inst as z.core.$ZodType));
      return undefined;
    },
    knownKeys: (issue) => known.get(issue.keys) ?? [],
  };
}

function keysOf(schema: z.core.$ZodType): string[] {
  const def = schema._zod.def as { type: string; shape?: Record<string, unknown>; keyType?: z.core.$ZodType };
  if (def.type === "object" && def.shape) return Object.keys(def.shape);
  if (def.type === "record" && def.keyType?._zod.values) return [...def.keyType._zod.values].map(String);
  return [];
}
