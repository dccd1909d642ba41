/**
 * Stand-in outputs for `@pulumi/tls` resources in the offline preview, shaped like the
 * real provider's state so that everything downstream (the Talos secrets bundle, machine
 * configs, talosconfig, kubeconfig) is believable and parses.
 *
 * Reproducible by design: keys derive from the resource name (RSA: one fixed key from
 * a test-data file), certificates carry fixed dates and serials, and every signature is
 * deterministic (ECDSA with RFC 6979 nonces from @noble/curves; Ed25519 and RSA PKCS#1
 * v1.5 are so already). Two runs write byte-identical plans. None of this is secret:
 * anyone can recompute it from the names.
 *
 * Certificates and requests are built by @peculiar/x509 and signed through a small crypto
 * provider over Node's crypto (see CRYPTO below).
 */
import "reflect-metadata"; // @peculiar/x509 resolves its parts with tsyringe, which needs the Reflect metadata API
import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { p256, p384 } from "@noble/curves/nist";
import { bytesToNumberBE, numberToBytesBE } from "@noble/curves/utils";
import * as x509 from "@peculiar/x509";

type Inputs = Record<string, any>;
type State = Record<string, unknown>;

/** The provider state of a tls resource, or undefined when `type` is not one of them. */
export async function tlsMockState(type: string, name: string, inputs: Inputs): Promise<State | undefined> {
  switch (type) {
    case "tls:index/privateKey:PrivateKey":
      return { ...inputs, ...privateKeyState(name, inputs) };
    case "tls:index/selfSignedCert:SelfSignedCert":
      return { ...CERT_DEFAULTS, setAuthorityKeyId: false, ...inputs, ...(await selfSignedCertState(name, inputs)) };
    case "tls:index/locallySignedCert:LocallySignedCert":
      return { ...CERT_DEFAULTS, ...inputs, ...(await locallySignedCertState(name, inputs)) };
    case "tls:index/certRequest:CertRequest":
      return { ...inputs, ...(await certRequestState(inputs)) };
    default:
      return undefined;
  }
}

/** Every certificate's validity starts here, so that plans do not change with the clock. */
export const MOCK_VALIDITY_START = new Date("2025-01-01T00:00:00Z");

/** What the provider computes for certificates when the inputs leave it out. */
const CERT_DEFAULTS = { earlyRenewalHours: 0, isCaCertificate: false, setSubjectKeyId: false, maxPathLength: 0, readyForRenewal: false };

const RSA_KEY_FILE = path.join(__dirname, "offline-preview-rsa-4096.NOT-A-SECRET.pem");

// ---------------------------------------------------------------- resources

function privateKeyState(name: string, inputs: Inputs): State {
  const algorithm = String(inputs.algorithm);
  const ecdsaCurve = String(inputs.ecdsaCurve ?? "P224");
  const rsaBits = Number(inputs.rsaBits ?? 2048);
  const key = mockPrivateKey(name, algorithm, ecdsaCurve, rsaBits);
  const sshBlob = sshPublicBlob(key);
  return {
    algorithm,
    ecdsaCurve,
    rsaBits,
    privateKeyPem: providerPrivateKeyPem(key),
    privateKeyPemPkcs8: key.export({ format: "pem", type: "pkcs8" }).toString(),
    privateKeyOpenssh: opensshPrivateKey(key, name),
    publicKeyPem: createPublicKey(key).export({ format: "pem", type: "spki" }).toString(),
    publicKeyOpenssh: `${sshKeyType(key)} ${sshBlob.toString("base64")}\n`,
    publicKeyFingerprintMd5: (createHash("md5").update(sshBlob).digest("hex").match(/../g) ?? []).join(":"),
    publicKeyFingerprintSha256: `SHA256:${createHash("sha256").update(sshBlob).digest("base64").replace(/=+$/, "")}`,
  };
}

async function selfSignedCertState(name: string, inputs: Inputs): Promise<State> {
  const key = createPrivateKey(String(inputs.privateKeyPem));
  const signer = standInKeys(key);
  const subject = subjectName(inputs.subject);
  const keyId = await x509.SubjectKeyIdentifierExtension.create(signer.publicKey, false, CRYPTO);
  const certificate = await x509.X509CertificateGenerator.create(
    {
      ...certificateBasics(name, inputs.validityPeriodHours, signer),
      issuer: subject,
      subject,
      publicKey: signer.publicKey,
      extensions: certificateExtensions(
        inputs,
        inputs.setSubjectKeyId ? keyId : undefined,
        inputs.setAuthorityKeyId ? new x509.AuthorityKeyIdentifierExtension(keyId.keyId) : undefined,
        subjectAltName(inputs, subject),
      ),
    },
    CRYPTO,
  );
  return { certPem: pem(certificate), keyAlgorithm: keyAlgorithm(key), ...validityTimes(inputs.validityPeriodHours) };
}

async function locallySignedCertState(name: string, inputs: Inputs): Promise<State> {
  const caKey = createPrivateKey(String(inputs.caPrivateKeyPem));
  const ca = new x509.X509Certificate(String(inputs.caCertPem));
  const request = new x509.Pkcs10CertificateRequest(String(inputs.certRequestPem));
  const caKeyId = ca.getExtension<x509.SubjectKeyIdentifierExtension>(SUBJECT_KEY_ID)?.keyId;
  const certificate = await x509.X509CertificateGenerator.create(
    {
      ...certificateBasics(name, inputs.validityPeriodHours, standInKeys(caKey)),
      issuer: ca.subjectName,
      subject: request.subjectName,
      publicKey: request.publicKey,
      extensions: certificateExtensions(
        inputs,
        inputs.setSubjectKeyId ? await x509.SubjectKeyIdentifierExtension.create(request.publicKey, false, CRYPTO) : undefined,
        caKeyId ? new x509.AuthorityKeyIdentifierExtension(caKeyId) : undefined,
        request.getExtension(SUBJECT_ALT_NAME) ?? undefined,
      ),
    },
    CRYPTO,
  );
  return { certPem: pem(certificate), caKeyAlgorithm: keyAlgorithm(caKey), ...validityTimes(inputs.validityPeriodHours) };
}

async function certRequestState(inputs: Inputs): Promise<State> {
  const key = createPrivateKey(String(inputs.privateKeyPem));
  const signer = standInKeys(key);
  const subject = subjectName(inputs.subject);
  const subjectAltNames = subjectAltName(inputs, subject);
  const request = await x509.Pkcs10CertificateRequestGenerator.create(
    {
      name: subject,
      keys: signer,
      signingAlgorithm: signer.algorithm,
      // extensionRequest (PKCS#9): the SANs travel to the signer inside the request.
      extensions: subjectAltNames ? [subjectAltNames] : [],
    },
    CRYPTO,
  );
  return { certRequestPem: pem(request), keyAlgorithm: keyAlgorithm(key) };
}

// ---------------------------------------------------------------- keys

interface Curve {
  node: string;
  jwk: string;
  ssh: string;
  noble: typeof p256;
  hash: string;
}

/**
 * The curves stood in for: P-256 (what this program uses) and P-384. Node cannot import a
 * P-224 key from JWK; P-521 is left out until something needs it.
 */
const CURVES: Record<string, Curve> = {
  P256: { node: "prime256v1", jwk: "P-256", ssh: "nistp256", noble: p256, hash: "SHA-256" },
  P384: { node: "secp384r1", jwk: "P-384", ssh: "nistp384", noble: p384, hash: "SHA-384" },
};

function mockPrivateKey(name: string, algorithm: string, ecdsaCurve: string, rsaBits: number): KeyObject {
  switch (algorithm) {
    case "ED25519":
      return ed25519FromSeed(createHash("sha256").update(`homeops-offline-preview:${name}`).digest());
    case "ECDSA":
      return ecdsaFromName(name, curveNamed(ecdsaCurve, name));
    case "RSA":
      if (rsaBits !== 4096) throw new Error(`offline preview: ${name} asks for RSA-${rsaBits}; the only stand-in RSA key is 4096 bits`);
      return createPrivateKey(readFileSync(RSA_KEY_FILE, "utf8"));
    default:
      throw new Error(`offline preview: ${name} has an unknown key algorithm ${algorithm}`);
  }
}

function curveNamed(ecdsaCurve: string, name: string): Curve {
  const curve = CURVES[ecdsaCurve];
  if (curve === undefined) throw new Error(`offline preview: ${name} uses ECDSA ${ecdsaCurve}; the stand-ins cover ${Object.keys(CURVES).join(", ")}`);
  return curve;
}

/** An Ed25519 private key is its 32-byte seed; PKCS#8 wraps it behind a fixed prefix. */
function ed25519FromSeed(seed: Buffer): KeyObject {
  const pkcs8Prefix = Buffer.from("302e020100300506032b657004220420", "hex");
  return createPrivateKey({ key: Buffer.concat([pkcs8Prefix, seed]), format: "der", type: "pkcs8" });
}

/** The scalar comes from a hash of the name. */
function ecdsaFromName(name: string, curve: Curve): KeyObject {
  const { ORDER: order, BYTES: size } = curve.noble.Point.Fn;
  const digest = createHash(nodeHash(curve.hash)).update(`homeops-offline-preview:${name}`).digest();
  const scalar = numberToBytesBE((bytesToNumberBE(digest) % (order - 1n)) + 1n, size);
  const uncompressed = curve.noble.getPublicKey(scalar, false);
  const base64url = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");
  return createPrivateKey({
    format: "jwk",
    key: { kty: "EC", crv: curve.jwk, d: base64url(scalar), x: base64url(uncompressed.subarray(1, 1 + size)), y: base64url(uncompressed.subarray(1 + size)) },
  });
}

/** The provider's `privateKeyPem`: PKCS#1 for RSA, SEC1 for ECDSA, PKCS#8 for Ed25519. */
function providerPrivateKeyPem(key: KeyObject): string {
  const type = key.asymmetricKeyType === "rsa" ? "pkcs1" : key.asymmetricKeyType === "ec" ? "sec1" : "pkcs8";
  return key.export({ format: "pem", type }).toString();
}

function keyAlgorithm(key: KeyObject): string {
  return { rsa: "RSA", ec: "ECDSA", ed25519: "ED25519" }[String(key.asymmetricKeyType)] ?? String(key.asymmetricKeyType);
}

function curveOf(key: KeyObject): Curve {
  const jwkName = key.export({ format: "jwk" }).crv;
  const curve = Object.values(CURVES).find((candidate) => candidate.jwk === jwkName);
  if (curve === undefined) throw new Error(`offline preview: unsupported curve ${String(jwkName)}`);
  return curve;
}

// ---------------------------------------------------------------- OpenSSH forms

function sshKeyType(key: KeyObject): string {
  if (key.asymmetricKeyType === "ed25519") return "ssh-ed25519";
  if (key.asymmetricKeyType === "rsa") return "ssh-rsa";
  return `ecdsa-sha2-${curveOf(key).ssh}`;
}

/** The public key fields as OpenSSH encodes them (RFC 4253, RFC 5656, RFC 8709). */
function sshPublicFields(key: KeyObject): Buffer[] {
  const jwk = key.export({ format: "jwk" });
  const field = (value: string | undefined) => Buffer.from(value ?? "", "base64url");
  if (key.asymmetricKeyType === "ed25519") return [sshString(field(jwk.x))];
  if (key.asymmetricKeyType === "rsa") return [sshMpint(field(jwk.e)), sshMpint(field(jwk.n))];
  return [sshString(curveOf(key).ssh), sshString(Buffer.concat([Buffer.from([4]), field(jwk.x), field(jwk.y)]))];
}

function sshPublicBlob(key: KeyObject): Buffer {
  return Buffer.concat([sshString(sshKeyType(key)), ...sshPublicFields(key)]);
}

/** The private fields after the key type, in the order the openssh-key-v1 format wants them. */
function sshPrivateFields(key: KeyObject): Buffer[] {
  const jwk = key.export({ format: "jwk" });
  const field = (value: string | undefined) => Buffer.from(value ?? "", "base64url");
  if (key.asymmetricKeyType === "ed25519") {
    return [sshString(field(jwk.x)), sshString(Buffer.concat([field(jwk.d), field(jwk.x)]))];
  }
  if (key.asymmetricKeyType === "rsa") {
    return [jwk.n, jwk.e, jwk.d, jwk.qi, jwk.p, jwk.q].map((value) => sshMpint(field(value)));
  }
  return [...sshPublicFields(key), sshMpint(field(jwk.d))];
}

/** An unencrypted openssh-key-v1 private key; the check integers derive from the name. */
function opensshPrivateKey(key: KeyObject, name: string): string {
  const check = createHash("sha256").update(`homeops-offline-preview-check:${name}`).digest().subarray(0, 4);
  const body = Buffer.concat([check, check, sshString(sshKeyType(key)), ...sshPrivateFields(key), sshString("")]);
  const padding = Buffer.from(Array.from({ length: (8 - (body.length % 8)) % 8 }, (_, i) => i + 1));
  const container = Buffer.concat([
    Buffer.from("openssh-key-v1\0", "latin1"),
    sshString("none"),
    sshString("none"),
    sshString(""),
    uint32(1),
    sshString(sshPublicBlob(key)),
    sshString(Buffer.concat([body, padding])),
  ]);
  return x509.PemConverter.encode(container, "OPENSSH PRIVATE KEY") + "\n";
}

function sshString(value: string | Buffer): Buffer {
  const bytes = typeof value === "string" ? Buffer.from(value, "latin1") : value;
  return Buffer.concat([uint32(bytes.length), bytes]);
}

/** An SSH mpint: minimal big-endian two's complement, a zero byte in front when the top bit is set. */
function sshMpint(unsigned: Buffer): Buffer {
  let start = 0;
  while (start < unsigned.length - 1 && unsigned[start] === 0) start++;
  const trimmed = unsigned.subarray(start);
  return sshString(trimmed[0] & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}

// ---------------------------------------------------------------- signing

/** A KeyObject in the shape @peculiar/x509 takes for a WebCrypto key; the algorithm names the signature. */
interface StandInKey {
  type: "private" | "public";
  algorithm: { name: string; hash?: string; namedCurve?: string };
  extractable: true;
  usages: string[];
  key: KeyObject;
}

function standInKeys(privateKey: KeyObject) {
  const algorithm =
    privateKey.asymmetricKeyType === "ed25519"
      ? { name: "Ed25519" }
      : privateKey.asymmetricKeyType === "rsa"
        ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }
        : { name: "ECDSA", namedCurve: curveOf(privateKey).jwk, hash: curveOf(privateKey).hash };
  const standIn = (type: StandInKey["type"], key: KeyObject): StandInKey => ({ type, algorithm, extractable: true, usages: [type === "private" ? "sign" : "verify"], key });
  return { privateKey: standIn("private", privateKey), publicKey: standIn("public", createPublicKey(privateKey)), algorithm };
}

const nodeHash = (algorithm: string | { name: string }) => (typeof algorithm === "string" ? algorithm : algorithm.name).replace("-", "").toLowerCase();

/**
 * The crypto provider @peculiar/x509 signs through: Node's crypto, synchronously (no thread
 * pool, so resources complete in the same order every run), with ECDSA signing per RFC 6979
 * (@noble/curves). Ed25519 and RSA PKCS#1 v1.5 signatures are deterministic already.
 */
const CRYPTO = {
  subtle: {
    async sign(_algorithm: unknown, { key }: StandInKey, data: ArrayBuffer): Promise<Uint8Array> {
      if (key.asymmetricKeyType === "ed25519") return sign(null, Buffer.from(data), key);
      if (key.asymmetricKeyType === "rsa") return sign("sha256", Buffer.from(data), key);
      const curve = curveOf(key);
      const digest = createHash(nodeHash(curve.hash)).update(Buffer.from(data)).digest();
      return curve.noble.sign(digest, Buffer.from(String(key.export({ format: "jwk" }).d), "base64url")).toCompactRawBytes();
    },
    async digest(algorithm: string | { name: string }, data: ArrayBuffer): Promise<Buffer> {
      return createHash(nodeHash(algorithm)).update(Buffer.from(data)).digest();
    },
    async exportKey(_format: "spki", { key }: StandInKey): Promise<Buffer> {
      return key.export({ format: "der", type: "spki" });
    },
  },
};

// ---------------------------------------------------------------- certificates

function certificateBasics(name: string, hours: unknown, signer: ReturnType<typeof standInKeys>) {
  const { notBefore, notAfter } = validity(hours);
  return { serialNumber: serialNumber(name), notBefore, notAfter, signingKey: signer.privateKey, signingAlgorithm: signer.algorithm };
}

const SUBJECT_KEY_ID = "2.5.29.14";
const SUBJECT_ALT_NAME = "2.5.29.17";

/** The provider's `allowedUses` that are key usages, in bit order (RFC 5280 4.2.1.3): flag 1 << index. */
const KEY_USAGES = ["digital_signature", "content_commitment", "key_encipherment", "data_encipherment", "key_agreement", "cert_signing", "crl_signing", "encipher_only", "decipher_only"];

/** The provider's `allowedUses` that are extended key usages: id-kp-<index + 1> (RFC 5280 4.2.1.12), or anyExtendedKeyUsage. */
const EXTENDED_KEY_USAGES = ["server_auth", "client_auth", "code_signing", "email_protection", "ipsec_end_system", "ipsec_tunnel", "ipsec_user", "timestamping", "ocsp_signing"];
const extendedKeyUsage = (use: string) => (use === "any_extended" ? ["2.5.29.37.0"] : EXTENDED_KEY_USAGES.includes(use) ? [`1.3.6.1.5.5.7.3.${EXTENDED_KEY_USAGES.indexOf(use) + 1}`] : []);

/** The extensions Go's x509 writes for the provider, in its order: usages, basic constraints, then key ids and names. */
function certificateExtensions(inputs: Inputs, ...more: (x509.Extension | undefined)[]): x509.Extension[] {
  const uses: string[] = inputs.allowedUses ?? [];
  const keyUsages = uses.reduce((flags, use) => (KEY_USAGES.includes(use) ? flags | (1 << KEY_USAGES.indexOf(use)) : flags), 0);
  const extendedUsages = uses.flatMap(extendedKeyUsage);
  return [
    ...(keyUsages !== 0 ? [new x509.KeyUsagesExtension(keyUsages, true)] : []),
    ...(extendedUsages.length > 0 ? [new x509.ExtendedKeyUsageExtension(extendedUsages, false)] : []),
    new x509.BasicConstraintsExtension(inputs.isCaCertificate === true, undefined, true),
    ...more.filter((extension) => extension !== undefined),
  ];
}

/** dnsNames, ipAddresses, uris; critical when the subject is empty (RFC 5280). */
function subjectAltName(inputs: Inputs, subject: x509.Name): x509.SubjectAlternativeNameExtension | undefined {
  const names: x509.JsonGeneralName[] = [
    ...(inputs.dnsNames ?? []).map((value: string) => ({ type: "dns", value })),
    ...(inputs.ipAddresses ?? []).map((value: string) => ({ type: "ip", value })),
    ...(inputs.uris ?? []).map((value: string) => ({ type: "url", value })),
  ];
  return names.length === 0 ? undefined : new x509.SubjectAlternativeNameExtension(names, subject.toJSON().length === 0);
}

/** Subject attributes in the order Go's pkix.Name writes them, one per RDN. */
const NAME_ATTRIBUTES: [field: string, oid: string][] = [
  ["country", "2.5.4.6"],
  ["province", "2.5.4.8"],
  ["locality", "2.5.4.7"],
  ["streetAddresses", "2.5.4.9"],
  ["postalCode", "2.5.4.17"],
  ["organization", "2.5.4.10"],
  ["organizationalUnit", "2.5.4.11"],
  ["commonName", "2.5.4.3"],
  ["serialNumber", "2.5.4.5"],
];

/** PrintableString when the characters allow it, UTF8String otherwise (as Go does); the email as IA5String. */
function subjectName(subject: Inputs | undefined): x509.Name {
  const directoryString = (value: string) => (x509.Name.isPrintableString(value) ? { printableString: value } : { utf8String: value });
  const attributes = NAME_ATTRIBUTES.flatMap(([field, oid]) => [subject?.[field] ?? []].flat().map((value: string) => ({ [oid]: [directoryString(value)] })));
  const email = subject?.emailAddress ? [{ "1.2.840.113549.1.9.1": [{ ia5String: String(subject.emailAddress) }] }] : [];
  return new x509.Name([...attributes, ...email]);
}

function validity(hours: unknown): { notBefore: Date; notAfter: Date } {
  const notBefore = MOCK_VALIDITY_START;
  return { notBefore, notAfter: new Date(notBefore.getTime() + Number(hours ?? 0) * 3_600_000) };
}

function validityTimes(hours: unknown): State {
  const { notBefore, notAfter } = validity(hours);
  const rfc3339 = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");
  return { validityStartTime: rfc3339(notBefore), validityEndTime: rfc3339(notAfter) };
}

/** 128 bits from the resource name, positive. */
function serialNumber(name: string): string {
  const bytes = createHash("sha256").update(`homeops-offline-preview-serial:${name}`).digest().subarray(0, 16);
  bytes[0] &= 0x7f;
  return bytes.toString("hex");
}

/** PEM as the provider writes it: 64-character lines, a final newline. */
function pem(object: x509.X509Certificate | x509.Pkcs10CertificateRequest): string {
  return `${object.toString("pem")}\n`;
}
