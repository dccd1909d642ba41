/** Omni's cluster template, written from the stack file (components/omni/clusterTemplate.ts). */
import { parseAllDocuments } from "yaml";
import { omniClusterTemplate, omniTemplateDocuments } from "../../components/omni/clusterTemplate";
import { validateHomelabConfig } from "../../config/stacks";
import type { OmniClusterSpec } from "../../config/talos";
import { specTable } from "../support/specTables";
import { copy, stackConfigData } from "../support/stackConfig";
import { omniTemplateProblems } from "./omniTemplateFormat";

function committedCluster(): OmniClusterSpec {
  const result = validateHomelabConfig(stackConfigData("homelab"));
  if ("issues" in result) throw new Error(`the committed homelab config is invalid: ${JSON.stringify(result.issues)}`);
  if (result.config.talos.manager !== "omni") throw new Error("the homelab's cluster is not Omni's");
  return result.config.talos;
}

const cluster = committedCluster();
const documents = (text: string) => parseAllDocuments(text).map((document) => document.toJS() as Record<string, any>);

test("the homelab's cluster: Talos v1.12.0 and its extensions, the three machines by the UUIDs the estate set", () => {
  const [clusterDocument, controlPlane, ...machines] = documents(omniClusterTemplate(cluster));
  expect(clusterDocument).toEqual({
    kind: "Cluster",
    name: "minipcs",
    kubernetes: { version: "v1.35.0" },
    talos: { version: "v1.12.0" },
    systemExtensions: ["siderolabs/amd-ucode", "siderolabs/iscsi-tools", "siderolabs/util-linux-tools"],
  });
  const uuids = specTable("### Talos machines").map(([, , uuid]) => uuid);
  expect(controlPlane).toEqual({ kind: "ControlPlane", machines: uuids });
  expect(machines.map((machine) => machine.name)).toEqual(uuids);
  for (const machine of machines) expect(machine).toEqual({ kind: "Machine", name: machine.name, install: { disk: "/dev/nvme0n1" } });
});

test("each Machine document names its host in a comment (Omni ignores comments)", () => {
  expect(omniClusterTemplate(cluster)).toContain("# talos02 (192.168.11.21, controlplane)\n\nkind: Machine\nname: 03000200-0400-0500-0021-000000000021");
});

test("it is a template Omni loads: the documented kinds and fields, one Cluster and ControlPlane, every Machine in a set", () => {
  expect(omniTemplateProblems(omniClusterTemplate(cluster))).toEqual([]);
  const withWorkerAndPatches: OmniClusterSpec = {
    ...copy(cluster),
    patches: [
      { name: "kubelet-extra", inline: { machine: { kubelet: { extraArgs: { "max-pods": "150" } } } } },
      { name: "adopted", idOverride: "400-cluster-minipcs-adopted", inline: { cluster: { allowSchedulingOnControlPlanes: true } } },
    ],
    machines: [...cluster.machines, { name: "talos04", uuid: "5f0c1d2e-0000-4000-8000-000000000004", address: "192.168.11.23", role: "worker", installDisk: "/dev/sda" }],
  };
  const text = omniClusterTemplate(withWorkerAndPatches);
  expect(omniTemplateProblems(text)).toEqual([]);
  expect(documents(text).map((document) => document.kind)).toEqual(["Cluster", "ControlPlane", "Workers", "Machine", "Machine", "Machine", "Machine"]);
  expect(documents(text)[0].patches[1]).toEqual({ name: "adopted", idOverride: "400-cluster-minipcs-adopted", inline: { cluster: { allowSchedulingOnControlPlanes: true } } });
  expect(documents(text)[2]).toEqual({ kind: "Workers", machines: ["5f0c1d2e-0000-4000-8000-000000000004"] });
});

test("the format check finds what Omni refuses (so that its passing means something)", () => {
  const text = omniClusterTemplate(cluster);
  const broken = [
    text.replace("version: v1.12.0", "version: 1.12.0"),
    text.replace("kind: ControlPlane", "kind: Controlplane"),
    `${text}---\nkind: Machine\nname: 5f0c1d2e-0000-4000-8000-000000000009\n`,
    text.replace("install:\n  disk: /dev/nvme0n1", "install:\n  disk: /dev/nvme0n1\n  wipe: true"),
    `${text}---\nkind: Workers\nmachines:\n  - 03000200-0400-0500-0019-000000000019\n`,
  ];
  expect(broken.map((variant) => omniTemplateProblems(variant).length > 0)).toEqual([true, true, true, true, true]);
});

test("versions get the v Omni wants, whichever way the stack file writes them", () => {
  const [clusterDocument] = omniTemplateDocuments({ ...copy(cluster), kubernetesVersion: "v1.35.2", talosVersion: "v1.12.1" });
  expect(clusterDocument).toMatchObject({ kubernetes: { version: "v1.35.2" }, talos: { version: "v1.12.1" } });
});
