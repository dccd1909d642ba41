/** Strategic-merge semantics, as Talos' configpatcher applies them to the v1alpha1 document. */
import type { TalosDocument } from "../../components/talos/documents";
import { applyPatches } from "../../components/talos/patches";

function v1alpha1(cluster: TalosDocument, machine: TalosDocument = {}): TalosDocument {
  return { version: "v1alpha1", machine: { type: "worker", ...machine }, cluster };
}

test("mappings merge and lists append", () => {
  const [patched] = applyPatches(
    [v1alpha1({ clusterName: "a" }, { certSANs: ["x"], kubelet: { image: "k" } })],
    [{ machine: { certSANs: ["y"], kubelet: { extraArgs: { v: "2" } } } }],
  );

  expect(patched).toEqual(v1alpha1({ clusterName: "a" }, { certSANs: ["x", "y"], kubelet: { image: "k", extraArgs: { v: "2" } } }));
});

test("the audit policy is replaced, not merged", () => {
  const base = v1alpha1({ apiServer: { auditPolicy: { kind: "Policy", rules: [{ level: "Metadata" }] } } });

  const [patched] = applyPatches([base], [{ cluster: { apiServer: { auditPolicy: { rules: [{ level: "None" }] } } } }]);

  expect(patched).toEqual(v1alpha1({ apiServer: { auditPolicy: { rules: [{ level: "None" }] } } }));
});

describe("what the generator owns stays as its inputs made it", () => {
  const base = () => v1alpha1({ clusterName: "a", network: { podSubnets: ["10.244.0.0/16"], serviceSubnets: ["10.96.0.0/12"] } }, { token: "machine-token-value" });

  test.each([
    ["the pod subnets", { cluster: { network: { podSubnets: ["10.42.0.0/16"] } } }, 'changes cluster.network.podSubnets from ["10.244.0.0/16"] to ["10.42.0.0/16"]; the pod subnets are an input'],
    ["the cluster's name", { cluster: { clusterName: "b" } }, 'changes cluster.clusterName from string "a" to string "b"'],
    ["the installer image", { machine: { install: { image: "ghcr.io/siderolabs/installer:v1.13.0" } } }, "changes machine.install.image from nothing to string"],
  ])("%s", (_what, patch, message) => {
    expect(() => applyPatches([base()], [patch])).toThrow(message);
  });

  test("a secret field is named, its values never", () => {
    const change = () => applyPatches([base()], [{ machine: { token: "another-token" } }]);
    expect(change).toThrow("patch 1, the v1alpha1 document: changes machine.token; the cluster's secrets come from its PKI");
    expect(change).not.toThrow(/machine-token-value|another-token/);
  });

  test("setting an owned field to what it is already is no change (podSubnets are replaced, not merged)", () => {
    expect(applyPatches([base()], [{ cluster: { network: { podSubnets: ["10.244.0.0/16"] } } }])).toEqual([base()]);
  });

  test("an error names the patch by its source when it has one", () => {
    expect(() => applyPatches([base()], [{ source: "homeops:talos.nodes[2].patches[0]", patch: { cluster: { clusterName: "b" } } }])).toThrow(
      "homeops:talos.nodes[2].patches[0], the v1alpha1 document: changes cluster.clusterName",
    );
  });
});

test("admission plugins merge by name", () => {
  const base = v1alpha1({ apiServer: { admissionControl: [{ name: "PodSecurity", configuration: { a: 1, b: 1 } }] } });

  const [patched] = applyPatches(
    [base],
    [{ cluster: { apiServer: { admissionControl: [{ name: "PodSecurity", configuration: { b: 2 } }, { name: "Other", configuration: {} }] } } }],
  );

  expect(patched).toEqual(
    v1alpha1({
      apiServer: {
        admissionControl: [
          { name: "PodSecurity", configuration: { a: 1, b: 2 } },
          { name: "Other", configuration: {} },
        ],
      },
    }),
  );
});

test("$patch: delete removes a key, null leaves it alone", () => {
  const base = v1alpha1({ clusterName: "a", discovery: { enabled: true } });

  const [patched] = applyPatches([base], ["cluster:\n  discovery:\n    $patch: delete\n  clusterName: null\n"]);

  expect(patched).toEqual(v1alpha1({ clusterName: "a" }));
});

test("later patches win, and multi-document patches address each document", () => {
  const hostname = { apiVersion: "v1alpha1", kind: "HostnameConfig", auto: "stable" };

  const patched = applyPatches(
    [v1alpha1({ allowSchedulingOnControlPlanes: false }), hostname],
    [
      "cluster:\n  allowSchedulingOnControlPlanes: true\n---\napiVersion: v1alpha1\nkind: HostnameConfig\nauto: off\n",
      { cluster: { allowSchedulingOnControlPlanes: false } },
    ],
  );

  expect(patched).toEqual([v1alpha1({ allowSchedulingOnControlPlanes: false }), { ...hostname, auto: "off" }]);
});

test("neither the documents nor the patches are modified, and the result shares nothing with the patch", () => {
  const documents = [v1alpha1({ clusterName: "a" }, { certSANs: ["x"] })];
  const patch = { machine: { certSANs: ["y"], kubelet: { extraArgs: { v: "2" } } } };
  const before = structuredClone({ documents, patch });

  const [patched] = applyPatches(documents, [patch]) as [{ machine: { kubelet: { extraArgs: TalosDocument } } }];
  patched.machine.kubelet.extraArgs.v = "changed";

  expect({ documents, patch }).toEqual(before);
});
