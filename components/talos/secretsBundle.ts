import { z } from "zod";
import { TalosConfigError } from "./errors";
import { toTalosPrivateKeyPem } from "./pem";

/** Talos tokens (bootstrap and trustd): six, a dot, sixteen lowercase alphanumerics. */
export const TOKEN_PATTERN = /^[a-z0-9]{6}\.[a-z0-9]{16}$/;

/** How many random characters make a token (the dot is inserted after the sixth). */
export const TOKEN_CHARACTERS = 22;

const encodedPem = z.string().min(1, "must be the base64 of a PEM block");
const encodedCertAndKey = z.object({ crt: encodedPem, key: encodedPem });
const token = z.string().regex(TOKEN_PATTERN, "must look like abcdef.0123456789abcdef");

/**
 * The Talos secrets bundle, as `talosctl gen secrets` writes it (see
 * test/references/talos/stability/secrets.yaml): every certificate and key is the base64
 * of its PEM block.
 */
export const talosSecretsBundleSchema = z.object({
  cluster: z.object({ id: z.string().min(1), secret: z.string().min(1) }),
  secrets: z.object({
    bootstraptoken: token,
    secretboxencryptionsecret: z.string().min(1),
  }),
  trustdinfo: z.object({ token }),
  certs: z.object({
    etcd: encodedCertAndKey,
    k8s: encodedCertAndKey,
    k8saggregator: encodedCertAndKey,
    k8sserviceaccount: z.object({ key: encodedPem }),
    os: encodedCertAndKey,
  }),
});

export type TalosSecretsBundle = z.infer<typeof talosSecretsBundleSchema>;

/** Checks a bundle's shape and token formats; the error names the offending field. */
export function parseSecretsBundle(bundle: unknown): TalosSecretsBundle {
  const result = talosSecretsBundleSchema.safeParse(bundle);
  if (!result.success) {
    throw new TalosConfigError(`Invalid Talos secrets bundle:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/** A CA as `@pulumi/tls` hands it over: PEM certificate and the key's `privateKeyPem`. */
export interface PemCertAndKey {
  certPem: string;
  keyPem: string;
}

/** The raw material the PKI component generates, in the providers' own formats. */
export interface PkiMaterial {
  /** 32 random bytes, standard base64 (`random.RandomBytes.base64`). */
  clusterIdBase64: string;
  clusterSecretBase64: string;
  secretboxKeyBase64: string;
  /** TOKEN_CHARACTERS random lowercase alphanumerics each (`random.RandomString.result`). */
  bootstrapTokenCharacters: string;
  trustdTokenCharacters: string;
  osCa: PemCertAndKey;
  kubernetesCa: PemCertAndKey;
  aggregatorCa: PemCertAndKey;
  etcdCa: PemCertAndKey;
  serviceAccountKeyPem: string;
}

/** Assembles the Talos secrets bundle from provider outputs, in the encodings Talos uses. */
export function buildSecretsBundle(material: PkiMaterial): TalosSecretsBundle {
  return parseSecretsBundle({
    cluster: {
      // Talos encodes the cluster id URL-safe (it shows up in discovery URLs), the rest standard.
      id: toBase64Url(material.clusterIdBase64),
      secret: material.clusterSecretBase64,
    },
    secrets: {
      bootstraptoken: formatToken(material.bootstrapTokenCharacters),
      secretboxencryptionsecret: material.secretboxKeyBase64,
    },
    trustdinfo: { token: formatToken(material.trustdTokenCharacters) },
    certs: {
      etcd: encodeCa(material.etcdCa),
      k8s: encodeCa(material.kubernetesCa),
      k8saggregator: encodeCa(material.aggregatorCa),
      k8sserviceaccount: { key: encodePem(toTalosPrivateKeyPem(material.serviceAccountKeyPem)) },
      os: encodeCa(material.osCa),
    },
  });
}

/** `abcdef0123456789abcdef` -> `abcdef.0123456789abcdef`. */
export function formatToken(characters: string): string {
  return `${characters.slice(0, 6)}.${characters.slice(6)}`;
}

/** The base64 of a PEM block, which is how Talos documents carry certificates and keys. */
export function encodePem(pem: string): string {
  return Buffer.from(pem, "utf8").toString("base64");
}

function encodeCa(ca: PemCertAndKey): { crt: string; key: string } {
  return { crt: encodePem(ca.certPem), key: encodePem(toTalosPrivateKeyPem(ca.keyPem)) };
}

function toBase64Url(base64: string): string {
  return base64.replace(/\+/g, "-").replace(/\//g, "_");
}
