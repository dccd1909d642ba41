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

test("pod and service subnets and the audit policy are replaced, not merged", () => {
  const base = v1alpha1({
    network: { podSubnets: ["10.244.0.0/16"], serviceSubnets: ["10.96.0.0/12"] },
    apiServer: { auditPolicy: { kind: "Policy", rules: [{ level: "Metadata" }] } },
  });

  const [patched] = applyPatches(
    [base],
    [{ cluster: { network: { podSubnets: ["10.42.0.0/16"] }, apiServer: { auditPolicy: { rules: [{ level: "None" }] } } } }],
  );

  expect(patched).toEqual(
    v1alpha1({
      network: { podSubnets: ["10.42.0.0/16"], serviceSubnets: ["10.96.0.0/12"] },
      apiServer: { auditPolicy: { rules: [{ level: "None" }] } },
    }),
  );
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
    [v1alpha1({ clusterName: "a" }), hostname],
    [
      "cluster:\n  clusterName: b\n---\napiVersion: v1alpha1\nkind: HostnameConfig\nauto: off\n",
      { cluster: { clusterName: "c" } },
    ],
  );

  expect(patched).toEqual([v1alpha1({ clusterName: "c" }), { ...hostname, auto: "off" }]);
});

test("neither the documents nor the patches are modified, and the result shares nothing with the patch", () => {
  const documents = [v1alpha1({ clusterName: "a" }, { certSANs: ["x"] })];
  const patch = { machine: { certSANs: ["y"], kubelet: { extraArgs: { v: "2" } } } };
  const before = structuredClone({ documents, patch });

  const [patched] = applyPatches(documents, [patch]) as [{ machine: { kubelet: { extraArgs: TalosDocument } } }];
  patched.machine.kubelet.extraArgs.v = "changed";

  expect({ documents, patch }).toEqual(before);
});
