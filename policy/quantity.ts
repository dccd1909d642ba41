/**
 * Kubernetes resource quantities, read as apimachinery's `ParseQuantity` reads them: a signed
 * decimal number followed by a binary SI suffix (Ki..Ei), a decimal SI suffix (n, u, m, none,
 * k, M, G, T, P, E) or a decimal exponent (e3, E-2). Note `1E` is exa but `1E3` is an exponent,
 * and `K` alone is not a suffix.
 */
const BINARY_SI: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL_SI: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
/** The scanner's shape: sign, digits, optional fraction, then suffix letters and an optional signed exponent. */
const QUANTITY = /^([+-]?)(\d*)(?:\.(\d*))?([eEinumkKMGTP]*[+-]?\d*)$/;
const EXPONENT = /^[eE][+-]?\d+$/;

export type Quantity = { ok: true; value: number } | { ok: false; reason: string };

function multiplierOf(suffix: string): number | undefined {
  if (suffix in BINARY_SI) return BINARY_SI[suffix];
  if (suffix in DECIMAL_SI) return DECIMAL_SI[suffix];
  return EXPONENT.test(suffix) ? 10 ** Number(suffix.slice(1)) : undefined;
}

/** The quantity's value in base units (bytes, for memory). */
export function parseQuantity(input: string | number): Quantity {
  if (typeof input === "number") {
    return Number.isFinite(input) ? { ok: true, value: input } : { ok: false, reason: `${input} is not a finite number` };
  }
  if (input === "") return { ok: false, reason: "the quantity is empty" };
  const match = QUANTITY.exec(input);
  const multiplier = match ? multiplierOf(match[4]) : undefined;
  if (!match || multiplier === undefined) {
    return { ok: false, reason: `${JSON.stringify(input)} is not a Kubernetes quantity (expected e.g. 512Mi, 1Gi, 1e9)` };
  }
  const [, sign, whole, fraction] = match;
  const magnitude = Number(`${whole || "0"}.${fraction || "0"}`) * multiplier;
  return { ok: true, value: sign === "-" ? -magnitude : magnitude };
}
