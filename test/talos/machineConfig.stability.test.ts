/**
 * The generator against `talosctl gen config` itself: the stability references Talos keeps
 * for the v1.13 contract, generated from the inputs test/references/README.md lists.
 */
import { parseAllDocuments } from "yaml";
import { TalosConfigError } from "../../components/talos/errors";
import {
  generateMachineConfig,
  toYaml,
  type ClusterConfigInput,
  type MachineType,
} from "../../components/talos/machineConfig";
import { readConformance, readConformanceDocuments, stabilitySecrets } from "./conformance";

const MACHINE_TYPES: MachineType[] = ["controlplane", "worker"];

function baseInputs(): ClusterConfigInput {
  return {
    clusterName: "base",
    endpoint: "https://base:6443",
    kubernetesVersion: "1.28.0",
    secrets: stabilitySecrets(),
  };
}

/**
 * The patch the v1.13 references were generated with. The conformance `patch.yaml` is the
 * later revision of Talos' stability patch: a `KubeletConfig` document, a kind that only
 * exists from the v1.15 contract on (it is not in the v1.13.9 schema). Talos' older
 * revision (siderolabs/talos 6ea50fb, `testdata/stability/patch.yaml`) added a kubelet
 * extra mount, which is exactly what the v1.13 overrides references contain.
 */
const V1_13_STABILITY_PATCH = `
machine:
  kubelet:
    extraMounts:
      - source: /var/opt
        destination: /var/opt
        type: bind
        options: [rshared]
`;

function overridesInputs(): ClusterConfigInput {
  return {
    ...baseInputs(),
    additionalSans: ["foo", "bar"],
    allowSchedulingOnControlPlanes: true,
    dnsDomain: "example.com",
    install: { disk: "/dev/vda", extraKernelArgs: ["foo=bar", "bar=baz"] },
    localApiServerPort: 5443,
    sysctls: { foo: "bar" },
    cni: { name: "custom", urls: ["https://example.com/cni.yaml"] },
    registryMirrors: { "ghcr.io": ["https://ghcr.io.my-mirror.com"] },
    patches: [V1_13_STABILITY_PATCH],
  };
}

describe.each([
  ["base", baseInputs],
  ["overrides", overridesInputs],
])("v1.13 stability reference %s", (flavor, inputs) => {
  test.each(MACHINE_TYPES)("%s documents equal the reference data", (type) => {
    const expected = readConformanceDocuments("stability", "v1.13", `${flavor}-${type}.yaml`);

    const documents = generateMachineConfig(inputs(), { type });

    expect(documents).toStrictEqual(expected);
  });

  test.each(MACHINE_TYPES)("%s YAML parses back to the reference data", (type) => {
    const expected = readConformanceDocuments("stability", "v1.13", `${flavor}-${type}.yaml`);

    const yaml = toYaml(generateMachineConfig(inputs(), { type }));

    expect(parseAllDocuments(yaml).map((document) => document.toJS())).toStrictEqual(expected);
  });
});

test("the conformance patch.yaml (a v1.15 KubeletConfig document) is refused for the v1.13 contract", () => {
  const laterPatch = readConformance("stability", "patch.yaml");

  const generate = () => generateMachineConfig({ ...baseInputs(), patches: [laterPatch] }, { type: "worker" });

  expect(generate).toThrow(TalosConfigError);
  expect(generate).toThrow("patch 1: kind KubeletConfig is not a document of the Talos v1.13 config contract");
});
