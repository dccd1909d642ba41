import { createPrivateKey } from "node:crypto";

const ED25519_LABEL = "ED25519 PRIVATE KEY";

/**
 * Re-encodes a private key in the PEM form Talos writes and expects:
 * Ed25519 as PKCS#8 under the label `ED25519 PRIVATE KEY`, ECDSA as SEC1
 * (`EC PRIVATE KEY`), RSA as PKCS#1 (`RSA PRIVATE KEY`).
 *
 * Accepts what `@pulumi/tls` produces: its `privateKeyPem` is already SEC1/PKCS#1 for
 * ECDSA/RSA but plain PKCS#8 (`PRIVATE KEY`) for Ed25519, and `privateKeyPemPkcs8` is
 * PKCS#8 for all three. Input already in Talos form comes back unchanged.
 */
export function toTalosPrivateKeyPem(pem: string): string {
  if (pem.includes(`-----BEGIN ${ED25519_LABEL}-----`)) return pem;
  const key = createPrivateKey(pem);
  switch (key.asymmetricKeyType) {
    case "ed25519":
      return pemBlock(ED25519_LABEL, key.export({ format: "der", type: "pkcs8" }));
    case "ec":
      return key.export({ format: "pem", type: "sec1" }).toString();
    case "rsa":
      return key.export({ format: "pem", type: "pkcs1" }).toString();
    default:
      throw new Error(`Talos has no PEM form for ${key.asymmetricKeyType} keys`);
  }
}

/** PEM-encodes DER bytes under a label, 64 base64 characters a line (as Go and OpenSSL do). */
export function pemBlock(label: string, der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
