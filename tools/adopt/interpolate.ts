/**
 * Compose's variable substitution (`${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?message}`, `$VAR`, `$$` for a literal `$`), with one addition: a variable whose
 * value is encrypted (it comes from a decrypted `.sops.env`) is not substituted but reported,
 * so the caller can refer to it as a config secret instead of writing its value.
 */

/** Where a variable's value comes from when compose interpolates. */
export type Variable = { literal: string } | { secretKey: string };

export type Interpolated =
  | { kind: "literal"; value: string }
  /** Holds encrypted variables: `exactKey` when the whole text is one of them. */
  | { kind: "secret"; raw: string; exactKey?: string; variables: string[] };

const REFERENCE = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

export class InterpolationError extends Error {}

export function interpolate(text: string, variables: ReadonlyMap<string, Variable>): Interpolated {
  const secrets: { name: string; key: string }[] = [];
  const value = text.replace(REFERENCE, (match, braced: string | undefined, operator: string | undefined, argument: string | undefined, bare: string | undefined) => {
    if (match === "$$") return "$";
    const name = braced ?? bare!;
    const variable = variables.get(name);
    if (variable && "secretKey" in variable) {
      secrets.push({ name, key: variable.secretKey });
      return match;
    }
    const set = variable?.literal;
    if (operator === ":-") return set ? set : (argument ?? "");
    if (operator === "-") return set ?? argument ?? "";
    if (operator === ":?" && !set) throw new InterpolationError(`\${${name}} is required: ${argument || "not set"}`);
    if (operator === "?" && set === undefined) throw new InterpolationError(`\${${name}} is required: ${argument || "not set"}`);
    return set ?? "";
  });
  if (secrets.length === 0) return { kind: "literal", value };
  const exact = secrets.length === 1 && /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(text.trim()) ? secrets[0].key : undefined;
  return { kind: "secret", raw: text, exactKey: exact, variables: secrets.map((secret) => secret.name) };
}

/** Splits a command string into words as compose does (POSIX shell quoting, no expansion). */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let current = "";
  let started = false;
  let quote: "'" | '"' | undefined;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else current += char;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === "\\" && /["\\$`]/.test(text[index + 1] ?? "")) current += text[++index];
      else current += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      started = true;
    } else if (char === "\\" && index + 1 < text.length) {
      current += text[++index];
      started = true;
    } else if (/\s/.test(char)) {
      if (started) words.push(current);
      current = "";
      started = false;
    } else {
      current += char;
      started = true;
    }
  }
  if (quote) throw new InterpolationError(`unterminated ${quote} quote in "${text}"`);
  if (started) words.push(current);
  return words;
}
