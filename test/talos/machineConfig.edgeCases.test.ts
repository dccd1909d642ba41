import { parseAllDocuments } from "yaml";
import type { TalosDocument } from "../../components/talos/documents";
import { TalosConfigError } from "../../components/talos/errors";
import { generateMachineConfig, toYaml, type NodeConfigInput } from "../../components/talos/machineConfig";
import { readConformanceDocuments, stabilitySecrets } from "./conformance";
import { ESTATE_NODES, ESTATE_VIP, estateCluster, estateNode } from "./fixtures/estate";

const cluster = estateCluster(stabilitySecrets());
const controlPlane = ESTATE_NODES[0];
const worker: NodeConfigInput = { ...estateNode("talos-worker-1", "192.168.11.64"), type: "worker" };

function kinds(documents: TalosDocument[]): string[] {
  return documents.map((document) => String(document.kind ?? "v1alpha1"));
}

/** Dotted paths of every string that is, or base64-encodes, a PEM private key. */
function privateKeyPaths(value: unknown, path = ""): string[] {
  if (typeof value === "string") {
    const decoded = Buffer.from(value, "base64").toString("latin1");
    return value.includes("PRIVATE KEY") || decoded.includes("PRIVATE KEY") ? [path] : [];
  }
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => privateKeyPaths(item, path === "" ? key : `${path}.${key}`));
}

describe("patches that cannot apply fail with a clear error", () => {
  const generateWith = (patch: string | TalosDocument) => () =>
    generateMachineConfig(cluster, { ...controlPlane, patches: [patch] });

  test.each([
    ["a mapping where a list is", { machine: { certSANs: { name: "x" } } }, "patch 1, the v1alpha1 document, machine.certSANs: cannot merge a mapping into a list"],
    ["a number where a string is", { cluster: { controlPlane: { endpoint: 6443 } } }, 'cluster.controlPlane.endpoint: cannot merge number 6443 into string "https://192.168.11.60:6443"'],
    ["the node's role", { machine: { type: "worker" } }, 'changes machine.type from string "controlplane" to string "worker"'],
    ["a top-level field the v1alpha1 document has not", { kubelet: { extraArgs: {} } }, "unknown top-level field(s) kubelet in a v1alpha1 patch"],
    ["a kind the v1.13 contract has not", { apiVersion: "v1alpha1", kind: "KubeletConfig" }, "kind KubeletConfig is not a document of the Talos v1.13 config contract"],
    ["a document without its apiVersion", { kind: "HostnameConfig", hostname: "x" }, "HostnameConfig needs apiVersion v1alpha1, got nothing"],
    ["a JSON 6902 operation list", "- op: add\n  path: /machine/certSANs/-\n  value: x\n", "a patch document must be a mapping, got a list (JSON 6902 operation lists are not supported"],
    ["broken YAML", "machine: [unclosed", "patch 1, document 1: invalid YAML"],
    ["an unknown directive", { machine: { kubelet: { $patch: "replace" } } }, 'machine.kubelet: the only supported directive is "$patch: delete"'],
    ["the deletion of a missing document", { apiVersion: "v1alpha1", kind: "TimeSyncConfig", $patch: "delete" }, "patch 1 deletes TimeSyncConfig, which does not exist"],
  ])("%s", (_what, patch, message) => {
    expect(generateWith(patch)).toThrow(TalosConfigError);
    expect(generateWith(patch)).toThrow(message);
  });
});

describe("the VIP", () => {
  test("is announced by control planes, on their link", () => {
    const vipDocuments = generateMachineConfig(cluster, controlPlane).filter((document) => document.kind === "Layer2VIPConfig");

    expect(vipDocuments).toEqual([{ apiVersion: "v1alpha1", kind: "Layer2VIPConfig", name: ESTATE_VIP, link: "ens18" }]);
  });

  test("is not announced by workers", () => {
    expect(kinds(generateMachineConfig(cluster, worker))).not.toContain("Layer2VIPConfig");
  });

  test("needs a control plane with a static link", () => {
    const { network: _network, ...withoutNetwork } = controlPlane;

    expect(() => generateMachineConfig(cluster, withoutNetwork)).toThrow(
      `control plane talos-cp-1 must announce the VIP ${ESTATE_VIP} but has no static network`,
    );
  });
});

describe("private keys", () => {
  const reference = (type: string) => readConformanceDocuments("stability", "v1.13", `base-${type}.yaml`);

  test("a worker carries none, as in Talos' own worker config", () => {
    expect(privateKeyPaths(reference("worker"))).toEqual([]);

    expect(privateKeyPaths(generateMachineConfig(cluster, worker))).toEqual([]);
  });

  test("a worker keeps the CA certificates with empty keys, as Talos writes them", () => {
    const [referenceWorker] = reference("worker") as TalosDocument[];
    const [v1alpha1] = generateMachineConfig(cluster, worker) as [{ machine: { ca: unknown }; cluster: { ca: unknown } }];

    expect(v1alpha1.machine.ca).toEqual({ crt: cluster.secrets.certs.os.crt, key: "" });
    expect(v1alpha1.cluster.ca).toEqual({ crt: cluster.secrets.certs.k8s.crt, key: "" });
    expect(referenceWorker).toMatchObject({ machine: { ca: { key: "" } }, cluster: { ca: { key: "" } } });
  });

  test("a control plane carries exactly the keys Talos puts in a control plane config", () => {
    const referenceKeys = privateKeyPaths(reference("controlplane"));
    expect(referenceKeys).toEqual([
      "0.machine.ca.key",
      "0.cluster.ca.key",
      "0.cluster.aggregatorCA.key",
      "0.cluster.serviceAccount.key",
      "0.cluster.etcd.ca.key",
    ]);

    expect(privateKeyPaths(generateMachineConfig(cluster, controlPlane))).toEqual(referenceKeys);
  });
});

describe("per-node documents", () => {
  test("a hostname replaces Talos' generated one", () => {
    const [hostname] = generateMachineConfig(cluster, controlPlane).filter((document) => document.kind === "HostnameConfig");

    expect(hostname).toEqual({ apiVersion: "v1alpha1", kind: "HostnameConfig", hostname: "talos-cp-1" });
  });

  test("a link picked by a device selector gets an alias the other documents use", () => {
    const documents = generateMachineConfig(cluster, {
      ...controlPlane,
      network: {
        link: { deviceSelector: { permanentAddr: "BC:24:11:AA:BB:CC", driver: "virtio_net" } },
        addresses: ["192.168.11.61/24"],
      },
    });

    expect(documents.filter((document) => ["LinkAliasConfig", "LinkConfig", "Layer2VIPConfig"].includes(String(document.kind)))).toEqual([
      {
        apiVersion: "v1alpha1",
        kind: "LinkAliasConfig",
        name: "net0",
        selector: { match: 'mac(link.permanent_addr) == "bc:24:11:aa:bb:cc" && link.driver == "virtio_net"' },
      },
      { apiVersion: "v1alpha1", kind: "LinkConfig", name: "net0", addresses: [{ address: "192.168.11.61/24" }] },
      { apiVersion: "v1alpha1", kind: "Layer2VIPConfig", name: ESTATE_VIP, link: "net0" },
    ]);
  });

  test.each([
    ["an address without prefix length", { addresses: ["192.168.11.61"] }, 'address "192.168.11.61" is not an address with a prefix length'],
    ["a gateway that is no IP", { routes: [{ gateway: "router" }] }, 'gateway "router" is not an IP address'],
    ["an empty device selector", { link: { deviceSelector: {} } }, "a deviceSelector needs at least one of"],
  ])("%s is refused", (_what, change, message) => {
    const network = { ...controlPlane.network!, ...change };

    expect(() => generateMachineConfig(cluster, { ...controlPlane, network })).toThrow(message);
  });

  test("a node may move to another installer image on its own", () => {
    const image = "factory.talos.dev/nocloud-installer/0123:v1.14.0";

    const [v1alpha1] = generateMachineConfig(cluster, { ...controlPlane, install: { image } });

    expect(v1alpha1).toMatchObject({ machine: { install: { disk: "/dev/sda", image } } });
  });
});

describe("whole-document patches", () => {
  test("add, change and delete documents by kind and name", () => {
    const documents = generateMachineConfig(cluster, {
      ...controlPlane,
      patches: [
        "apiVersion: v1alpha1\nkind: RegistryMirrorConfig\nname: docker.io\nendpoints:\n  - url: https://mirror.lan\n",
        { apiVersion: "v1alpha1", kind: "HostnameConfig", hostname: "renamed" },
        { apiVersion: "v1alpha1", kind: "ResolverConfig", $patch: "delete" },
      ],
    });

    expect(kinds(documents)).toEqual(["v1alpha1", "HostnameConfig", "LinkConfig", "Layer2VIPConfig", "RegistryMirrorConfig"]);
    expect(documents[1]).toEqual({ apiVersion: "v1alpha1", kind: "HostnameConfig", hostname: "renamed" });
    expect(documents[4]).toEqual({ apiVersion: "v1alpha1", kind: "RegistryMirrorConfig", name: "docker.io", endpoints: [{ url: "https://mirror.lan" }] });
  });
});

describe("inputs checked before anything is generated", () => {
  test.each([
    ["a cluster name with capitals", { clusterName: "HomeOps" }, 'cluster name "HomeOps" must be lowercase'],
    ["an endpoint without https", { endpoint: "192.168.11.60:6443" }, "must be an https:// URL"],
    ["a Kubernetes version that is no version", { kubernetesVersion: "latest" }, 'Kubernetes version "latest" is not like 1.35.0'],
    ["a mirror that is no URL", { registryMirrors: { "docker.io": ["mirror.lan"] } }, 'mirror "mirror.lan" for docker.io must be an http(s) URL'],
    ["a malformed bootstrap token", { secrets: { ...cluster.secrets, secrets: { ...cluster.secrets.secrets, bootstraptoken: "abc" } } }, "Invalid Talos secrets bundle"],
  ])("%s", (_what, change, message) => {
    expect(() => generateMachineConfig({ ...cluster, ...change }, controlPlane)).toThrow(message);
  });
});

test("toYaml writes plain documents (no anchors) that parse back to the same data", () => {
  const documents = generateMachineConfig(cluster, controlPlane);

  const yaml = toYaml(documents);

  expect(yaml).not.toMatch(/[&*]a\d/);
  expect(parseAllDocuments(yaml).map((document) => document.toJS())).toStrictEqual(documents);
});
