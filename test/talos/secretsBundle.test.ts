/** The secrets bundle assembled from provider outputs, against Talos' own bundle. */
import { parse } from "yaml";
import {
  TOKEN_CHARACTERS,
  TOKEN_PATTERN,
  buildSecretsBundle,
  formatToken,
  parseSecretsBundle,
  type PemCertAndKey,
  type PkiMaterial,
} from "../../components/talos/secretsBundle";
import { readConformance } from "./conformance";

interface EncodedCertAndKey {
  crt: string;
  key: string;
}

const decode = (base64: string) => Buffer.from(base64, "base64").toString("utf8");

/** A CA as @pulumi/tls hands it over: Ed25519 keys in PKCS#8, ECDSA keys in SEC1 (as Talos). */
function asTlsOutputs({ crt, key }: EncodedCertAndKey): PemCertAndKey {
  return { certPem: decode(crt), keyPem: decode(key).replace(/ED25519 PRIVATE KEY/g, "PRIVATE KEY") };
}

test("provider outputs assemble into exactly Talos' secrets bundle", () => {
  const reference = parse(readConformance("stability", "secrets.yaml"));
  const material: PkiMaterial = {
    clusterIdBase64: reference.cluster.id.replace(/-/g, "+").replace(/_/g, "/"),
    clusterSecretBase64: reference.cluster.secret,
    secretboxKeyBase64: reference.secrets.secretboxencryptionsecret,
    bootstrapTokenCharacters: reference.secrets.bootstraptoken.replace(".", ""),
    trustdTokenCharacters: reference.trustdinfo.token.replace(".", ""),
    osCa: asTlsOutputs(reference.certs.os),
    kubernetesCa: asTlsOutputs(reference.certs.k8s),
    aggregatorCa: asTlsOutputs(reference.certs.k8saggregator),
    etcdCa: asTlsOutputs(reference.certs.etcd),
    serviceAccountKeyPem: decode(reference.certs.k8sserviceaccount.key),
  };
  expect(material.clusterIdBase64).not.toBe(reference.cluster.id);
  expect(material.osCa.keyPem).toContain("-----BEGIN PRIVATE KEY-----");

  expect(buildSecretsBundle(material)).toEqual(reference);
});

test("tokens are six and sixteen characters around a dot", () => {
  const token = formatToken("abcdef0123456789abcdef");

  expect(token).toBe("abcdef.0123456789abcdef");
  expect(token).toMatch(TOKEN_PATTERN);
  expect(token.replace(".", "")).toHaveLength(TOKEN_CHARACTERS);
});

test("a bundle with a missing key names the field", () => {
  const reference = parse(readConformance("stability", "secrets.yaml"));
  delete reference.certs.os.key;

  expect(() => parseSecretsBundle(reference)).toThrow(/Invalid Talos secrets bundle:[\s\S]*certs\.os\.key/);
});
