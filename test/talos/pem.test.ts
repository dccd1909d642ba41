/** PEM forms: what @pulumi/tls writes versus what Talos writes (the conformance secrets bundle). */
import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { toTalosPrivateKeyPem } from "../../components/talos/pem";
import { stabilitySecrets } from "./conformance";

const decode = (base64: string) => Buffer.from(base64, "base64").toString("utf8");

const talosOsKey = () => decode(stabilitySecrets().certs.os.key);
const talosEtcdKey = () => decode(stabilitySecrets().certs.etcd.key);

test("an Ed25519 key in PKCS#8 (tls privateKeyPem) becomes Talos' ED25519 PRIVATE KEY, body unchanged", () => {
  const talosPem = talosOsKey();
  expect(talosPem).toContain("-----BEGIN ED25519 PRIVATE KEY-----");
  const tlsPem = talosPem.replace(/ED25519 PRIVATE KEY/g, "PRIVATE KEY");

  expect(toTalosPrivateKeyPem(tlsPem)).toBe(talosPem);
});

test("an ECDSA key in PKCS#8 (tls privateKeyPemPkcs8) becomes Talos' SEC1 EC PRIVATE KEY", () => {
  const talosPem = talosEtcdKey();
  const pkcs8Pem = createPrivateKey(talosPem).export({ format: "pem", type: "pkcs8" }).toString();
  expect(pkcs8Pem).toContain("-----BEGIN PRIVATE KEY-----");

  expect(toTalosPrivateKeyPem(pkcs8Pem)).toBe(talosPem);
});

test("an RSA key in PKCS#8 becomes PKCS#1 RSA PRIVATE KEY, the same key", () => {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pkcs8Pem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();

  const talosPem = toTalosPrivateKeyPem(pkcs8Pem);

  expect(talosPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
  expect(createPrivateKey(talosPem).export({ format: "jwk" })).toEqual(privateKey.export({ format: "jwk" }));
});

test("keys already in Talos form come back unchanged", () => {
  expect(toTalosPrivateKeyPem(talosOsKey())).toBe(talosOsKey());
  expect(toTalosPrivateKeyPem(talosEtcdKey())).toBe(talosEtcdKey());
});

test("a key type Talos has no form for is refused", () => {
  const { privateKey } = generateKeyPairSync("x25519");

  expect(() => toTalosPrivateKeyPem(privateKey.export({ format: "pem", type: "pkcs8" }).toString())).toThrow(
    "Talos has no PEM form for x25519 keys",
  );
});
