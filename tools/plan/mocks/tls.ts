/**
 * Stand-in outputs for `@pulumi/tls` resources in the offline preview, shaped like the
 * real provider's state so that everything downstream (the Talos secrets bundle, machine
 * configs, talosconfig, kubeconfig) is believable and parses.
 *
 * Reproducible by design: keys derive from the resource name (RSA: one fixed key from
 * a test-data file), certificates carry fixed dates and serials, and every signature is
 * deterministic (ECDSA with a nonce derived from key and message). Two runs write
 * byte-identical plans. None of this is secret: anyone can recompute it from the names.
 *
 * Node has no certificate builder, so the few DER structures needed (X.509 v3
 * certificates, PKCS#10 requests) are encoded here by hand.
 */
import { createECDH, createHash, createHmac, createPrivateKey, createPublicKey, sign, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";

type Inputs = Record<string, any>;
type State = Record<string, unknown>;

/** The provider state of a tls resource, or undefined when `type` is not one of them. */
export function tlsMockState(type: string, name: string, inputs: Inputs): State | undefined {
  switch (type) {
    case "tls:index/privateKey:PrivateKey":
      return { ...inputs, ...privateKeyState(name, inputs) };
    case "tls:index/selfSignedCert:SelfSignedCert":
      return { ...CERT_DEFAULTS, setAuthorityKeyId: false, ...inputs, ...selfSignedCertState(name, inputs) };
    case "tls:index/locallySignedCert:LocallySignedCert":
      return { ...CERT_DEFAULTS, ...inputs, ...locallySignedCertState(name, inputs) };
    case "tls:index/certRequest:CertRequest":
      return { ...inputs, ...certRequestState(inputs) };
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

function selfSignedCertState(name: string, inputs: Inputs): State {
  const key = createPrivateKey(String(inputs.privateKeyPem));
  const subject = encodeName(inputs.subject);
  const spki = subjectPublicKeyInfo(key);
  const keyId = subjectKeyId(spki);
  const extensions = certificateExtensions(inputs, {
    subjectKeyId: inputs.setSubjectKeyId ? keyId : undefined,
    authorityKeyId: inputs.setAuthorityKeyId ? keyId : undefined,
    subjectAltName: subjectAltNameExtension(inputs, subject),
  });
  const certificate = signedCertificate({ name, issuer: subject, subject, spki, extensions, signer: key, hours: inputs.validityPeriodHours });
  return { certPem: pem("CERTIFICATE", certificate), keyAlgorithm: keyAlgorithm(key), ...validityTimes(inputs.validityPeriodHours) };
}

function locallySignedCertState(name: string, inputs: Inputs): State {
  const caKey = createPrivateKey(String(inputs.caPrivateKeyPem));
  const ca = readCertificate(derFromPem(String(inputs.caCertPem)));
  const request = readCertificateRequest(derFromPem(String(inputs.certRequestPem)));
  const extensions = certificateExtensions(inputs, {
    subjectKeyId: inputs.setSubjectKeyId ? subjectKeyId(request.spki) : undefined,
    authorityKeyId: ca.subjectKeyId,
    subjectAltName: request.subjectAltName,
  });
  const certificate = signedCertificate({
    name,
    issuer: ca.subject,
    subject: request.subject,
    spki: request.spki,
    extensions,
    signer: caKey,
    hours: inputs.validityPeriodHours,
  });
  return { certPem: pem("CERTIFICATE", certificate), caKeyAlgorithm: keyAlgorithm(caKey), ...validityTimes(inputs.validityPeriodHours) };
}

function certRequestState(inputs: Inputs): State {
  const key = createPrivateKey(String(inputs.privateKeyPem));
  const subject = encodeName(inputs.subject);
  const subjectAltName = subjectAltNameExtension(inputs, subject);
  // extensionRequest (PKCS#9): the SANs travel to the signer inside the request.
  const attributes = subjectAltName
    ? [sequence(oid("1.2.840.113549.1.9.14"), set(sequence(subjectAltName)))]
    : [];
  const info = sequence(integer(0n), subject, subjectPublicKeyInfo(key), tagged(0xa0, ...attributes));
  const request = sequence(info, signatureAlgorithm(key), bitString(signWith(key, info)));
  return { certRequestPem: pem("CERTIFICATE REQUEST", request), keyAlgorithm: keyAlgorithm(key) };
}

// ---------------------------------------------------------------- keys

interface Curve {
  node: string;
  jwk: string;
  ssh: string;
  order: bigint;
  hash: string;
  signatureOid: string;
}

/**
 * The curves stood in for: P-256 (what this program uses) and P-384. Node cannot import a
 * P-224 key from JWK; P-521 is left out until something needs it.
 */
const CURVES: Record<string, Curve> = {
  P256: {
    node: "prime256v1",
    jwk: "P-256",
    ssh: "nistp256",
    order: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
    hash: "sha256",
    signatureOid: "1.2.840.10045.4.3.2",
  },
  P384: {
    node: "secp384r1",
    jwk: "P-384",
    ssh: "nistp384",
    order: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    hash: "sha384",
    signatureOid: "1.2.840.10045.4.3.3",
  },
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

/** The scalar comes from a hash of the name; Node computes the public point. */
function ecdsaFromName(name: string, curve: Curve): KeyObject {
  const digest = createHash(curve.hash).update(`homeops-offline-preview:${name}`).digest();
  const scalar = (bigintOf(digest) % (curve.order - 1n)) + 1n;
  const size = byteLength(curve.order);
  const ecdh = createECDH(curve.node);
  ecdh.setPrivateKey(bytesOf(scalar, size));
  const uncompressed = ecdh.getPublicKey();
  return createPrivateKey({
    format: "jwk",
    key: {
      kty: "EC",
      crv: curve.jwk,
      d: bytesOf(scalar, size).toString("base64url"),
      x: uncompressed.subarray(1, 1 + size).toString("base64url"),
      y: uncompressed.subarray(1 + size).toString("base64url"),
    },
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
  return pem("OPENSSH PRIVATE KEY", container);
}

function sshString(value: string | Buffer): Buffer {
  const bytes = typeof value === "string" ? Buffer.from(value, "latin1") : value;
  return Buffer.concat([uint32(bytes.length), bytes]);
}

function sshMpint(unsigned: Buffer): Buffer {
  return sshString(twosComplement(unsigned));
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}

// ---------------------------------------------------------------- signatures

function signatureAlgorithm(key: KeyObject): Buffer {
  if (key.asymmetricKeyType === "ed25519") return sequence(oid("1.3.101.112"));
  if (key.asymmetricKeyType === "rsa") return sequence(oid("1.2.840.113549.1.1.11"), NULL);
  return sequence(oid(curveOf(key).signatureOid));
}

/** Ed25519 and RSA PKCS#1 v1.5 signatures are deterministic already; ECDSA is made so. */
function signWith(key: KeyObject, message: Buffer): Buffer {
  if (key.asymmetricKeyType === "ed25519") return sign(null, message, key);
  if (key.asymmetricKeyType === "rsa") return sign("sha256", message, key);
  return deterministicEcdsa(key, message, curveOf(key));
}

/**
 * ECDSA with the nonce derived from key and message (in the spirit of RFC 6979), so that
 * the same certificate is signed to the same bytes every run. Node computes k·G.
 */
function deterministicEcdsa(key: KeyObject, message: Buffer, curve: Curve): Buffer {
  const n = curve.order;
  const secret = Buffer.from(String(key.export({ format: "jwk" }).d), "base64url");
  const d = bigintOf(secret);
  const z = bigintOf(createHash(curve.hash).update(message).digest());
  const k = (bigintOf(createHmac(curve.hash, secret).update(message).digest()) % (n - 1n)) + 1n;
  const nonce = createECDH(curve.node);
  nonce.setPrivateKey(bytesOf(k, byteLength(n)));
  const r = bigintOf(nonce.getPublicKey().subarray(1, 1 + byteLength(n))) % n;
  const s = (modularInverse(k, n) * ((z + r * d) % n)) % n;
  return sequence(integer(r), integer(s));
}

function modularInverse(value: bigint, prime: bigint): bigint {
  let result = 1n;
  let base = value % prime;
  for (let exponent = prime - 2n; exponent > 0n; exponent >>= 1n) {
    if (exponent & 1n) result = (result * base) % prime;
    base = (base * base) % prime;
  }
  return result;
}

// ---------------------------------------------------------------- certificates

interface CertificateParts {
  name: string;
  issuer: Buffer;
  subject: Buffer;
  spki: Buffer;
  extensions: Buffer[];
  signer: KeyObject;
  hours: unknown;
}

function signedCertificate({ name, issuer, subject, spki, extensions, signer, hours }: CertificateParts): Buffer {
  const { notBefore, notAfter } = validity(hours);
  const tbs = sequence(
    tagged(0xa0, integer(2n)),
    integer(serialNumber(name)),
    signatureAlgorithm(signer),
    issuer,
    sequence(time(notBefore), time(notAfter)),
    subject,
    spki,
    tagged(0xa3, sequence(...extensions)),
  );
  return sequence(tbs, signatureAlgorithm(signer), bitString(signWith(signer, tbs)));
}

interface ExtensionParts {
  subjectKeyId?: Buffer;
  authorityKeyId?: Buffer;
  subjectAltName?: Buffer;
}

const KEY_USAGE_BITS: Record<string, number> = {
  digital_signature: 0,
  content_commitment: 1,
  key_encipherment: 2,
  data_encipherment: 3,
  key_agreement: 4,
  cert_signing: 5,
  crl_signing: 6,
  encipher_only: 7,
  decipher_only: 8,
};

const EXTENDED_KEY_USAGES: Record<string, string> = {
  any_extended: "2.5.29.37.0",
  server_auth: "1.3.6.1.5.5.7.3.1",
  client_auth: "1.3.6.1.5.5.7.3.2",
  code_signing: "1.3.6.1.5.5.7.3.3",
  email_protection: "1.3.6.1.5.5.7.3.4",
  ipsec_end_system: "1.3.6.1.5.5.7.3.5",
  ipsec_tunnel: "1.3.6.1.5.5.7.3.6",
  ipsec_user: "1.3.6.1.5.5.7.3.7",
  timestamping: "1.3.6.1.5.5.7.3.8",
  ocsp_signing: "1.3.6.1.5.5.7.3.9",
};

/** The extensions Go's x509 writes for the provider, in its order. */
function certificateExtensions(inputs: Inputs, parts: ExtensionParts): Buffer[] {
  const uses: string[] = inputs.allowedUses ?? [];
  const keyUsageBits = uses.filter((use) => use in KEY_USAGE_BITS).map((use) => KEY_USAGE_BITS[use]);
  const extendedUsages = uses.filter((use) => use in EXTENDED_KEY_USAGES).map((use) => oid(EXTENDED_KEY_USAGES[use]));
  return [
    ...(keyUsageBits.length > 0 ? [extension("2.5.29.15", true, namedBits(keyUsageBits))] : []),
    ...(extendedUsages.length > 0 ? [extension("2.5.29.37", false, sequence(...extendedUsages))] : []),
    extension("2.5.29.19", true, inputs.isCaCertificate ? sequence(BOOLEAN_TRUE) : sequence()),
    ...(parts.subjectKeyId ? [extension("2.5.29.14", false, octetString(parts.subjectKeyId))] : []),
    ...(parts.authorityKeyId ? [extension("2.5.29.35", false, sequence(primitive(0x80, parts.authorityKeyId)))] : []),
    ...(parts.subjectAltName ? [parts.subjectAltName] : []),
  ];
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [BOOLEAN_TRUE] : []), octetString(value));
}

/** dnsNames, ipAddresses, uris; critical when the subject is empty (RFC 5280). */
function subjectAltNameExtension(inputs: Inputs, subject: Buffer): Buffer | undefined {
  const names = [
    ...(inputs.dnsNames ?? []).map((dns: string) => primitive(0x82, Buffer.from(dns, "ascii"))),
    ...(inputs.ipAddresses ?? []).map((ip: string) => primitive(0x87, ipBytes(ip))),
    ...(inputs.uris ?? []).map((uri: string) => primitive(0x86, Buffer.from(uri, "ascii"))),
  ];
  if (names.length === 0) return undefined;
  return extension("2.5.29.17", subject.equals(sequence()), sequence(...names));
}

/** Subject attributes in the order Go's pkix.Name writes them. */
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

function encodeName(subject: Inputs | undefined): Buffer {
  const rdns = NAME_ATTRIBUTES.flatMap(([field, id]) =>
    [subject?.[field] ?? []].flat().map((value: string) => set(sequence(oid(id), directoryString(value)))),
  );
  const email = subject?.emailAddress ? [set(sequence(oid("1.2.840.113549.1.9.1"), primitive(0x16, Buffer.from(subject.emailAddress, "ascii"))))] : [];
  return sequence(...rdns, ...email);
}

function subjectPublicKeyInfo(key: KeyObject): Buffer {
  return createPublicKey(key).export({ format: "der", type: "spki" });
}

/** RFC 5280 method 1: SHA-1 of the subjectPublicKey bits. */
function subjectKeyId(spki: Buffer): Buffer {
  const [, publicKeyBits] = children(readTlv(spki, 0));
  return createHash("sha1").update(publicKeyBits.content.subarray(1)).digest();
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
function serialNumber(name: string): bigint {
  const bytes = createHash("sha256").update(`homeops-offline-preview-serial:${name}`).digest().subarray(0, 16);
  bytes[0] &= 0x7f;
  return bigintOf(bytes);
}

// ---------------------------------------------------------------- reading DER

interface Tlv {
  tag: number;
  content: Buffer;
  raw: Buffer;
}

function readTlv(buffer: Buffer, offset: number): Tlv {
  const tag = buffer[offset];
  let length = buffer[offset + 1];
  let header = 2;
  if (length & 0x80) {
    const lengthBytes = length & 0x7f;
    length = buffer.readUIntBE(offset + 2, lengthBytes);
    header += lengthBytes;
  }
  const end = offset + header + length;
  return { tag, content: buffer.subarray(offset + header, end), raw: buffer.subarray(offset, end) };
}

function children(parent: Tlv): Tlv[] {
  const result: Tlv[] = [];
  for (let offset = 0; offset < parent.content.length; offset += result[result.length - 1].raw.length) {
    result.push(readTlv(parent.content, offset));
  }
  return result;
}

/** A CA certificate's subject (to become the issuer) and its subject key id. */
function readCertificate(der: Buffer): { subject: Buffer; subjectKeyId?: Buffer } {
  const [tbs] = children(readTlv(der, 0));
  const fields = children(tbs).filter((field) => field.tag !== 0xa0);
  const [, , , , subject] = fields;
  const extensions = fields.find((field) => field.tag === 0xa3);
  const keyId = extensions && findExtension(children(extensions)[0], "2.5.29.14");
  return { subject: subject.raw, subjectKeyId: keyId && readTlv(keyId, 0).content };
}

/** A request's subject, public key and requested subjectAltName extension. */
function readCertificateRequest(der: Buffer): { subject: Buffer; spki: Buffer; subjectAltName?: Buffer } {
  const [info] = children(readTlv(der, 0));
  const [, subject, spki, attributes] = children(info);
  const extensionRequest = children(attributes).find((attribute) => children(attribute)[0].raw.equals(oid("1.2.840.113549.1.9.14")));
  const requested = extensionRequest && children(children(children(extensionRequest)[1])[0]);
  const subjectAltName = requested?.find((candidate) => children(candidate)[0].raw.equals(oid("2.5.29.17")));
  return { subject: subject.raw, spki: spki.raw, subjectAltName: subjectAltName?.raw };
}

/** The value (inner DER) of the extension with this OID, if present. */
function findExtension(extensions: Tlv, id: string): Buffer | undefined {
  const match = children(extensions).find((candidate) => children(candidate)[0].raw.equals(oid(id)));
  return match && children(match).at(-1)?.content;
}

function derFromPem(text: string): Buffer {
  return Buffer.from(text.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
}

// ---------------------------------------------------------------- writing DER

const NULL = Buffer.from([0x05, 0x00]);
const BOOLEAN_TRUE = Buffer.from([0x01, 0x01, 0xff]);

function primitive(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), lengthBytes(content.length), content]);
}

function tagged(tag: number, ...content: Buffer[]): Buffer {
  return primitive(tag, Buffer.concat(content));
}

function sequence(...content: Buffer[]): Buffer {
  return tagged(0x30, ...content);
}

function set(...content: Buffer[]): Buffer {
  return tagged(0x31, ...content);
}

function lengthBytes(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes = bytesOf(BigInt(length), byteLength(BigInt(length)));
  return Buffer.concat([Buffer.from([0x80 | bytes.length]), bytes]);
}

function integer(value: bigint): Buffer {
  return primitive(0x02, twosComplement(bytesOf(value, byteLength(value))));
}

function octetString(content: Buffer): Buffer {
  return primitive(0x04, content);
}

function bitString(content: Buffer, unusedBits = 0): Buffer {
  return primitive(0x03, Buffer.concat([Buffer.from([unusedBits]), content]));
}

/** A named-bit BIT STRING (key usage), without trailing zero bits, as DER requires. */
function namedBits(bits: number[]): Buffer {
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[Math.floor(bit / 8)] |= 0x80 >> bit % 8;
  return bitString(bytes, 7 - (highest % 8));
}

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split(".").map(Number);
  const arcs = [first * 40 + second, ...rest].flatMap((arc) => {
    const groups = [arc & 0x7f];
    for (let value = arc >>> 7; value > 0; value >>>= 7) groups.unshift((value & 0x7f) | 0x80);
    return groups;
  });
  return primitive(0x06, Buffer.from(arcs));
}

/** PrintableString when the characters allow it, UTF8String otherwise (as Go does). */
function directoryString(value: string): Buffer {
  const printable = /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value);
  return primitive(printable ? 0x13 : 0x0c, Buffer.from(value, "utf8"));
}

/** UTCTime through 2049, GeneralizedTime after (RFC 5280). */
function time(date: Date): Buffer {
  const digits = date.toISOString().replace(/[-:T]/g, "").replace(/\.\d{3}Z$/, "Z");
  return date.getUTCFullYear() < 2050 ? primitive(0x17, Buffer.from(digits.slice(2), "ascii")) : primitive(0x18, Buffer.from(digits, "ascii"));
}

function ipBytes(ip: string): Buffer {
  if (ip.includes(".")) return Buffer.from(ip.split(".").map(Number));
  const [head, tail = ""] = ip.split("::");
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const missing = 8 - groups(head).length - groups(tail).length;
  const all = [...groups(head), ...Array<string>(ip.includes("::") ? missing : 0).fill("0"), ...groups(tail)];
  return Buffer.concat(all.map((group) => bytesOf(BigInt(`0x${group}`), 2)));
}

// ---------------------------------------------------------------- numbers and PEM

function bigintOf(bytes: Buffer): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString("hex")}`);
}

function byteLength(value: bigint): number {
  return Math.max(1, Math.ceil(value.toString(16).length / 2));
}

function bytesOf(value: bigint, length: number): Buffer {
  return Buffer.from(value.toString(16).padStart(length * 2, "0"), "hex");
}

/** Minimal big-endian bytes of a non-negative integer, with a zero byte when the top bit is set. */
function twosComplement(unsigned: Buffer): Buffer {
  let start = 0;
  while (start < unsigned.length - 1 && unsigned[start] === 0) start++;
  const trimmed = unsigned.subarray(start);
  return trimmed[0] & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
