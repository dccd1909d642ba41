/**
 * The PKI component under Pulumi's mocks, with the offline preview's tls stand-in: what it
 * registers (parents, protection, secrecy), and that its bundle, talosconfig and kubeconfig
 * hold together all the way to schema-valid machine configs.
 */
import { X509Certificate, createHash, createPrivateKey, createPublicKey } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { parse } from "yaml";
import { generateMachineConfig } from "../../components/talos/machineConfig";
import { TalosPki } from "../../components/talos/pki";
import { TOKEN_PATTERN } from "../../components/talos/secretsBundle";
import { tlsMockState } from "../../tools/plan/mocks/tls";
import { ESTATE_NODES, estateCluster } from "./fixtures/estate";
import { talosSchemaValidator } from "./talosSchema";

interface Registration {
  type: string;
  name: string;
  parent: string;
  protect: boolean;
  additionalSecretOutputs: string[];
}

const registrations: Registration[] = [];

/** Records what the engine would see of each registration, then lets the SDK's mock answer. */
class RecordingMonitor extends MockMonitor {
  override async registerResource(request: any, callback: (error: any, response: any) => void): Promise<void> {
    registrations.push({
      type: request.getType(),
      name: request.getName(),
      parent: request.getParent(),
      protect: request.getProtect(),
      additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
    });
    return super.registerResource(request, callback);
  }
}

/** Deterministic @pulumi/random state that honours the character classes asked for. */
function randomState(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> | undefined {
  const bytes = createHash("sha512").update(name).digest();
  if (type === "random:index/randomBytes:RandomBytes") {
    const value = bytes.subarray(0, inputs.length);
    return { ...inputs, base64: value.toString("base64"), hex: value.toString("hex") };
  }
  if (type === "random:index/randomString:RandomString") {
    const alphabet = [
      inputs.lower !== false ? "abcdefghijklmnopqrstuvwxyz" : "",
      inputs.upper !== false ? "ABCDEFGHIJKLMNOPQRSTUVWXYZ" : "",
      inputs.numeric !== false ? "0123456789" : "",
      inputs.special !== false ? "!@#$%&*-_=+" : "",
    ].join("");
    const result = Array.from(bytes.subarray(0, inputs.length), (byte) => alphabet[byte % alphabet.length]).join("");
    return { ...inputs, result };
  }
  return undefined;
}

pulumi.runtime.setMockOptions(
  new RecordingMonitor({
    newResource: async ({ type, name, inputs }) => ({
      id: `${name}-id`,
      state: (await tlsMockState(type, name, inputs)) ?? randomState(type, name, inputs) ?? inputs,
    }),
    call: () => ({}),
  }),
  "homeops",
  "test",
  false,
);

function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

const decode = (base64: string) => Buffer.from(base64, "base64").toString("utf8");
const pemLabel = (pem: string) => /-----BEGIN ([A-Z0-9 ]+)-----/.exec(pem)?.[1];

const pki = new TalosPki("talos", { clusterName: "homeops" });
const unprotected = new TalosPki("scratch", { clusterName: "scratch", protect: false });

describe("what the component registers", () => {
  const COMPONENT_URN = "urn:pulumi:test::homeops::homeops:talos:Pki::talos";
  const children = () => registrations.filter((registration) => registration.name.startsWith("talos-"));

  beforeAll(() => Promise.all([valueOf(pki.secretsBundle), valueOf(pki.kubernetesAdmin), valueOf(unprotected.secretsBundle)]));

  test("one homeops:talos:Pki with every resource parented to it", () => {
    expect(registrations.filter((registration) => registration.name === "talos").map((registration) => registration.type)).toEqual([
      "homeops:talos:Pki",
    ]);
    const countByType = children().reduce<Record<string, number>>(
      (counts, { type }) => ({ ...counts, [type]: (counts[type] ?? 0) + 1 }),
      {},
    );
    expect(countByType).toEqual({
      "tls:index/privateKey:PrivateKey": 7, // four CAs, the service account, two admins
      "tls:index/selfSignedCert:SelfSignedCert": 4,
      "tls:index/certRequest:CertRequest": 2,
      "tls:index/locallySignedCert:LocallySignedCert": 2,
      "random:index/randomBytes:RandomBytes": 3, // cluster id, cluster secret, secretbox key
      "random:index/randomString:RandomString": 2, // bootstrap and trustd tokens
    });
    expect(children().filter((child) => child.parent !== COMPONENT_URN)).toEqual([]);
  });

  test("the CAs, the service-account key and the cluster secrets are protected; the renewable admin certificates are not", () => {
    const protectedNames = children()
      .filter((child) => child.protect)
      .map((child) => child.name)
      .sort();

    expect(protectedNames).toEqual(
      [
        "talos-aggregator-ca-cert",
        "talos-aggregator-ca-key",
        "talos-bootstrap-token",
        "talos-cluster-id",
        "talos-cluster-secret",
        "talos-etcd-ca-cert",
        "talos-etcd-ca-key",
        "talos-kubernetes-ca-cert",
        "talos-kubernetes-ca-key",
        "talos-os-ca-cert",
        "talos-os-ca-key",
        "talos-secretbox-key",
        "talos-service-account-key",
        "talos-trustd-token",
      ].sort(),
    );
  });

  test("protect: false leaves everything deletable", () => {
    expect(registrations.filter((registration) => registration.name.startsWith("scratch-") && registration.protect)).toEqual([]);
  });

  test("tokens are secret outputs (random strings are not, by default)", () => {
    const tokens = children().filter((child) => child.type === "random:index/randomString:RandomString");

    expect(tokens.map((token) => token.additionalSecretOutputs)).toEqual([["result"], ["result"]]);
  });
});

describe("the secrets bundle", () => {
  test("is secret", async () => {
    expect(await pulumi.isSecret(pki.secretsBundle)).toBe(true);
  });

  test("has the algorithms, subjects, labels and token formats Talos uses", async () => {
    const { certs, secrets, trustdinfo, cluster } = await valueOf(pki.secretsBundle);
    const subject = (encoded: string) => new X509Certificate(decode(encoded)).subject;

    expect(createPrivateKey(decode(certs.os.key).replace(/ED25519 /g, "")).asymmetricKeyType).toBe("ed25519");
    expect(pemLabel(decode(certs.os.key))).toBe("ED25519 PRIVATE KEY");
    expect(pemLabel(decode(certs.k8s.key))).toBe("EC PRIVATE KEY");
    expect(pemLabel(decode(certs.k8sserviceaccount.key))).toBe("RSA PRIVATE KEY");
    expect(createPrivateKey(decode(certs.k8sserviceaccount.key)).asymmetricKeyDetails?.modulusLength).toBe(4096);
    expect([subject(certs.os.crt), subject(certs.k8s.crt), subject(certs.k8saggregator.crt), subject(certs.etcd.crt)]).toEqual([
      "O=talos",
      "O=kubernetes",
      undefined, // Talos leaves the aggregator CA's subject empty
      "O=etcd",
    ]);
    expect(secrets.bootstraptoken).toMatch(TOKEN_PATTERN);
    expect(trustdinfo.token).toMatch(TOKEN_PATTERN);
    expect(Buffer.from(cluster.id, "base64url")).toHaveLength(32);
    expect(Buffer.from(secrets.secretboxencryptionsecret, "base64")).toHaveLength(32);
  });

  test("makes machine configs that validate against the Talos schema", async () => {
    const validate = talosSchemaValidator();
    const cluster = estateCluster(await valueOf(pki.secretsBundle));

    const problems = generateMachineConfig(cluster, ESTATE_NODES[0]).flatMap(validate);

    expect(problems).toEqual([]);
  });
});

describe("client configs", () => {
  /** The certificate, whether the CA signed it, and whether the key is its key. */
  function inspect(caPem: string, certPem: string, keyPem: string) {
    const cert = new X509Certificate(certPem);
    const samePublicKey = createPublicKey(keyPem).export({ format: "der", type: "spki" }).equals(cert.publicKey.export({ format: "der", type: "spki" }));
    return { subject: cert.subject, signedByCa: cert.verify(new X509Certificate(caPem).publicKey), samePublicKey };
  }

  test("the talosconfig authenticates as os:admin with a certificate from the OS CA", async () => {
    const talosconfig = pki.talosconfig(["192.168.11.61"], ["192.168.11.61"]);
    const context = parse(await valueOf(talosconfig)).contexts.homeops;
    const { certs } = await valueOf(pki.secretsBundle);

    expect(await pulumi.isSecret(talosconfig)).toBe(true);
    expect(context.ca).toBe(certs.os.crt);
    expect(inspect(decode(context.ca), decode(context.crt), decode(context.key))).toEqual({
      subject: "O=os:admin",
      signedByCa: true,
      samePublicKey: true,
    });
  });

  test("the kubeconfig authenticates as admin in system:masters with a certificate from the Kubernetes CA", async () => {
    const kubeconfig = pki.kubeconfig("https://192.168.11.60:6443");
    const { clusters, users } = parse(await valueOf(kubeconfig));
    const { certs } = await valueOf(pki.secretsBundle);

    expect(await pulumi.isSecret(kubeconfig)).toBe(true);
    expect(clusters[0].cluster["certificate-authority-data"]).toBe(certs.k8s.crt);
    expect(
      inspect(decode(clusters[0].cluster["certificate-authority-data"]), decode(users[0].user["client-certificate-data"]), decode(users[0].user["client-key-data"])),
    ).toEqual({ subject: "O=system:masters\nCN=admin", signedByCa: true, samePublicKey: true });
  });
});
