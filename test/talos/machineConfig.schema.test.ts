/** Everything generated for this estate validates against the Talos v1.13.9 schema. */
import { V1_13_DOCUMENT_KINDS } from "../../components/talos/documents";
import { generateMachineConfig, type NodeConfigInput } from "../../components/talos/machineConfig";
import { stabilitySecrets } from "./conformance";
import { ESTATE_NODES, estateCluster, estateNode } from "./fixtures/estate";
import { loadTalosSchema, schemaDocumentKinds, talosSchemaValidator } from "./talosSchema";

const validate = talosSchemaValidator();

const cluster = estateCluster(stabilitySecrets());

/** Variants the estate may grow into: a worker, and a link picked by its MAC address. */
const VARIANTS: readonly NodeConfigInput[] = [
  { ...estateNode("talos-worker-1", "192.168.11.64"), type: "worker" },
  {
    ...estateNode("talos-cp-4", "192.168.11.65"),
    network: {
      link: { deviceSelector: { hardwareAddr: "bc:24:11:*", driver: "virtio_net" }, alias: "lan0" },
      addresses: ["192.168.11.65/24"],
      routes: [{ gateway: "192.168.11.1" }],
    },
  },
];

describe.each([...ESTATE_NODES, ...VARIANTS].map((node) => [node.hostname, node] as const))("%s", (_hostname, node) => {
  const documents = generateMachineConfig(cluster, node);

  test.each(documents.map((document) => [String(document.kind ?? "v1alpha1"), document] as const))(
    "%s document is valid",
    (_kind, document) => {
      expect(validate(document)).toEqual([]);
    },
  );
});

test("the validator reports a document that breaks the schema", () => {
  const [v1alpha1] = generateMachineConfig(cluster, ESTATE_NODES[0]);

  expect(validate({ ...v1alpha1, machine: { type: "router" } })).not.toEqual([]);
  expect(validate({ apiVersion: "v1alpha1", kind: "HostnameConfig", auto: "sometimes" })).not.toEqual([]);
});

test("the generator knows exactly the document kinds of the v1.13.9 schema", () => {
  expect([...V1_13_DOCUMENT_KINDS].sort()).toEqual(schemaDocumentKinds(loadTalosSchema()).sort());
});
