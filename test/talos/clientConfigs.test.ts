import { parse } from "yaml";
import { buildKubeconfig, buildTalosconfig, type ClientCredentials } from "../../components/talos/clientConfigs";

const credentials: ClientCredentials = {
  caCertPem: "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n",
  certPem: "-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n",
  keyPem: "-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n",
};

const base64 = (text: string) => Buffer.from(text).toString("base64");

test("talosconfig: one context with endpoints, nodes and the base64 PEMs", () => {
  const talosconfig = buildTalosconfig({
    contextName: "homeops",
    endpoints: ["192.168.11.61", "192.168.11.62"],
    nodes: ["192.168.11.61"],
    credentials,
  });

  expect(parse(talosconfig)).toEqual({
    context: "homeops",
    contexts: {
      homeops: {
        endpoints: ["192.168.11.61", "192.168.11.62"],
        nodes: ["192.168.11.61"],
        ca: base64(credentials.caCertPem),
        crt: base64(credentials.certPem),
        key: base64(credentials.keyPem),
      },
    },
  });
});

test("talosconfig needs an endpoint", () => {
  expect(() => buildTalosconfig({ contextName: "homeops", endpoints: [], nodes: [], credentials })).toThrow(
    "a talosconfig needs at least one endpoint",
  );
});

test("kubeconfig: the cluster at the server, the admin user, their context selected", () => {
  const kubeconfig = buildKubeconfig({ clusterName: "homeops", server: "https://192.168.11.60:6443", credentials });

  expect(parse(kubeconfig)).toEqual({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      { name: "homeops", cluster: { server: "https://192.168.11.60:6443", "certificate-authority-data": base64(credentials.caCertPem) } },
    ],
    users: [
      {
        name: "admin@homeops",
        user: { "client-certificate-data": base64(credentials.certPem), "client-key-data": base64(credentials.keyPem) },
      },
    ],
    contexts: [{ name: "admin@homeops", context: { cluster: "homeops", namespace: "default", user: "admin@homeops" } }],
    "current-context": "admin@homeops",
  });
});

test("kubeconfig refuses a server that is not https", () => {
  expect(() => buildKubeconfig({ clusterName: "homeops", server: "http://192.168.11.60:6443", credentials })).toThrow(
    'the Kubernetes API server "http://192.168.11.60:6443" must be an https:// URL',
  );
});
