/** The offline preview's stand-in @pulumi/tls state: valid, linked, reproducible. */
import "reflect-metadata"; // for @peculiar/x509, as in the stand-ins
import { X509Certificate, createPrivateKey, createPublicKey, webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { MOCK_VALIDITY_START, tlsMockState } from "../../tools/plan/mocks/tls";

type State = Record<string, any>;

const PRIVATE_KEY = "tls:index/privateKey:PrivateKey";
const SELF_SIGNED = "tls:index/selfSignedCert:SelfSignedCert";
const CERT_REQUEST = "tls:index/certRequest:CertRequest";
const LOCALLY_SIGNED = "tls:index/locallySignedCert:LocallySignedCert";

const CA_USES = ["digital_signature", "cert_signing", "server_auth", "client_auth"];

async function state(type: string, name: string, inputs: Record<string, unknown>): Promise<State> {
  const result = await tlsMockState(type, name, inputs);
  if (result === undefined) throw new Error(`no stand-in for ${type}`);
  return result;
}

/** A CA and a client certificate it signed, the way the Talos PKI builds them. */
async function chain(caAlgorithm: Record<string, unknown>) {
  const caKey = await state(PRIVATE_KEY, "ca-key", caAlgorithm);
  const ca = await state(SELF_SIGNED, "ca-cert", {
    privateKeyPem: caKey.privateKeyPem,
    subject: { organization: "talos" },
    isCaCertificate: true,
    setSubjectKeyId: true,
    allowedUses: CA_USES,
    validityPeriodHours: 87600,
  });
  const clientKey = await state(PRIVATE_KEY, "client-key", { algorithm: "ECDSA", ecdsaCurve: "P256" });
  const request = await state(CERT_REQUEST, "client-csr", {
    privateKeyPem: clientKey.privateKeyPem,
    subject: { commonName: "admin", organization: "system:masters" },
    dnsNames: ["talos-cp-1"],
    ipAddresses: ["192.168.11.61"],
  });
  const client = await state(LOCALLY_SIGNED, "client-cert", {
    certRequestPem: request.certRequestPem,
    caCertPem: ca.certPem,
    caPrivateKeyPem: caKey.privateKeyPem,
    allowedUses: ["digital_signature", "client_auth"],
    validityPeriodHours: 8760,
  });
  return { caKey, ca, clientKey, request, client };
}

describe("private keys", () => {
  test.each([
    [{ algorithm: "ED25519" }, "PRIVATE KEY", "ed25519", "ssh-ed25519 "],
    [{ algorithm: "ECDSA", ecdsaCurve: "P256" }, "EC PRIVATE KEY", "ec", "ecdsa-sha2-nistp256 "],
    [{ algorithm: "ECDSA", ecdsaCurve: "P384" }, "EC PRIVATE KEY", "ec", "ecdsa-sha2-nistp384 "],
    [{ algorithm: "RSA", rsaBits: 4096 }, "RSA PRIVATE KEY", "rsa", "ssh-rsa "],
  ])("%j has the provider's PEM forms", async (inputs, privateLabel, nodeType, sshPrefix) => {
    const key = await state(PRIVATE_KEY, "some-key", inputs);

    expect(key).toMatchObject(inputs);
    expect(key.privateKeyPem).toMatch(new RegExp(`^-----BEGIN ${privateLabel}-----\n`));
    expect(key.privateKeyPemPkcs8).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(key.privateKeyOpenssh).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    expect(createPrivateKey(key.privateKeyPem).asymmetricKeyType).toBe(nodeType);
    expect(createPublicKey(key.privateKeyPem).export({ format: "pem", type: "spki" })).toBe(key.publicKeyPem);
    expect(key.publicKeyOpenssh.startsWith(sshPrefix)).toBe(true);
    expect(key.publicKeyFingerprintSha256).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(key.publicKeyFingerprintMd5).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
  });

  test("the OpenSSH private key embeds the same public key", async () => {
    const key = await state(PRIVATE_KEY, "ssh-key", { algorithm: "ED25519" });
    const container = Buffer.from(key.privateKeyOpenssh.replace(/-----[^-]+-----|\s/g, ""), "base64");
    const publicBlob = Buffer.from(key.publicKeyOpenssh.split(" ")[1], "base64");

    expect(container.subarray(0, 15).toString("latin1")).toBe("openssh-key-v1\0");
    expect(container.includes(publicBlob)).toBe(true);
  });

  test("keys follow from the resource name", async () => {
    const one = await state(PRIVATE_KEY, "one", { algorithm: "ECDSA", ecdsaCurve: "P256" });

    expect(await state(PRIVATE_KEY, "one", { algorithm: "ECDSA", ecdsaCurve: "P256" })).toStrictEqual(one);
    expect((await state(PRIVATE_KEY, "two", { algorithm: "ECDSA", ecdsaCurve: "P256" })).privateKeyPem).not.toBe(one.privateKeyPem);
  });

  test.each([
    [{ algorithm: "ECDSA" }, "uses ECDSA P224; the stand-ins cover P256, P384"],
    [{ algorithm: "RSA", rsaBits: 2048 }, "asks for RSA-2048; the only stand-in RSA key is 4096 bits"],
  ])("%j is refused with the reason", async (inputs, message) => {
    await expect(tlsMockState(PRIVATE_KEY, "unsupported", inputs)).rejects.toThrow(message);
  });
});

describe.each([
  ["Ed25519", { algorithm: "ED25519" }],
  ["ECDSA P-256", { algorithm: "ECDSA", ecdsaCurve: "P256" }],
])("certificates under an %s CA", (_label, caAlgorithm) => {
  let ca: State, caKey: State, client: State, request: State, caCert: X509Certificate, clientCert: X509Certificate;
  beforeAll(async () => {
    ({ ca, caKey, client, request } = await chain(caAlgorithm));
    caCert = new X509Certificate(ca.certPem);
    clientCert = new X509Certificate(client.certPem);
  });

  test("the CA is self-signed, a CA, and says who it is", () => {
    expect(caCert.ca).toBe(true);
    expect(caCert.subject).toBe("O=talos");
    expect(caCert.verify(createPublicKey(caKey.privateKeyPem))).toBe(true);
    expect(ca.keyAlgorithm).toBe(caAlgorithm.algorithm);
  });

  test("the client certificate carries the request's subject and names, signed by the CA", () => {
    expect(clientCert.ca).toBe(false);
    expect(clientCert.subject).toBe("O=system:masters\nCN=admin");
    expect(clientCert.subjectAltName).toBe("DNS:talos-cp-1, IP Address:192.168.11.61");
    expect(clientCert.keyUsage).toEqual(["1.3.6.1.5.5.7.3.2"]);
    expect(clientCert.verify(caCert.publicKey)).toBe(true);
    expect(clientCert.checkIssued(caCert)).toBe(true);
    expect(request.keyAlgorithm).toBe("ECDSA");
  });

  test("validity starts at the fixed date and lasts the requested hours", () => {
    expect(new Date(clientCert.validFrom)).toEqual(MOCK_VALIDITY_START);
    expect(client.validityStartTime).toBe("2025-01-01T00:00:00Z");
    expect(client.validityEndTime).toBe("2026-01-01T00:00:00Z");
    expect(new Date(caCert.validTo)).toEqual(new Date("2034-12-30T00:00:00Z"));
  });

  test("the request is signed by its own key", async () => {
    expect(await new x509.Pkcs10CertificateRequest(request.certRequestPem).verify(webcrypto)).toBe(true);
  });

  test("two runs produce byte-identical state", async () => {
    expect(await chain(caAlgorithm)).toStrictEqual(await chain(caAlgorithm));
  });
});

test("other resource types are not the tls stand-in's business", async () => {
  expect(await tlsMockState("random:index/randomBytes:RandomBytes", "bytes", { length: 32 })).toBeUndefined();
});
