import { createHash } from "node:crypto";

/** Deterministic bytes for a resource: the same plan on every run and machine. */
export function derivedBytes(seed: string, length: number): Buffer {
  const chunks: Buffer[] = [];
  for (let counter = 0; Buffer.concat(chunks).length < length; counter++) {
    chunks.push(createHash("sha256").update(`${seed}#${counter}`).digest());
  }
  return Buffer.concat(chunks).subarray(0, length);
}

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = LOWER.toUpperCase();
const DIGITS = "0123456789";
const SPECIAL = "!#$%&*()-_=+[]{}<>:?";

/** Output state of `@pulumi/random` resources, as the provider would compute it. */
export function randomMockState(type: string, seed: string, inputs: Record<string, any>): Record<string, unknown> | undefined {
  switch (type) {
    case "random:index/randomPassword:RandomPassword":
    case "random:index/randomString:RandomString": {
      const alphabet = [
        inputs.lower === false ? "" : LOWER,
        inputs.upper === false ? "" : UPPER,
        inputs.numeric === false ? "" : DIGITS,
        inputs.special === false ? "" : (inputs.overrideSpecial ?? SPECIAL),
      ].join("");
      const bytes = derivedBytes(seed, inputs.length);
      return { result: [...bytes].map((byte) => alphabet[byte % alphabet.length]).join("") };
    }
    case "random:index/randomBytes:RandomBytes": {
      const bytes = derivedBytes(seed, inputs.length);
      return { base64: bytes.toString("base64"), hex: bytes.toString("hex") };
    }
    case "random:index/randomId:RandomId": {
      const bytes = derivedBytes(seed, inputs.byteLength);
      return { hex: bytes.toString("hex"), b64Std: bytes.toString("base64"), b64Url: bytes.toString("base64url"), dec: BigInt(`0x${bytes.toString("hex")}`).toString() };
    }
    case "random:index/randomInteger:RandomInteger": {
      const span = inputs.max - inputs.min + 1;
      return { result: inputs.min + (derivedBytes(seed, 4).readUInt32BE() % span) };
    }
    default:
      return undefined;
  }
}
