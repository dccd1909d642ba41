/**
 * The homelab's platform against the running Kubernetes estate (the owner's kubernetes/
 * tree, copied in test/references/estate): the offline plan's releases, namespaces, Secrets
 * and objects, value by value. Every difference must be declared in the stack file beside
 * the value, with its reason.
 */
import { compareWithEstate, versionSatisfies, valueDifferences, type Comparison } from "../../tools/platform-estate/compare";
import { readKubernetesEstate, type KubernetesEstate } from "../../tools/platform-estate/estate";
import { programPlatform } from "../../tools/platform-estate/program";
import { platformSchema } from "../../config/platform";
import { stackPreview } from "../support/previews";
import { referencePath } from "../support/references";
import { stackConfigData } from "../support/stackConfig";

let estate: KubernetesEstate;
let comparison: Comparison;

beforeAll(async () => {
  estate = readKubernetesEstate(referencePath("estate"), "kubernetes/clusters/minipcs");
  const { plan } = await stackPreview("homelab");
  comparison = compareWithEstate(estate, programPlatform(plan, platformSchema.parse(stackConfigData("homelab").platform)));
});

test("the estate is read as Flux and Argo CD apply it: what the kustomizations list, the app of apps' directory", () => {
  expect(estate.releases.map((release) => release.id).sort()).toEqual([
    "release argocd/argocd",
    "release cert-manager/cert-manager",
    "release ingress-nginx/ingress-nginx",
    "release kaneo/kaneo",
    "release metallb-system/metallb",
    "release monitoring/alloy",
    "release monitoring/kube-prometheus-stack",
    "release monitoring/loki",
    "release monitoring/prometheus-operator-crds",
    "release monitoring/smartctl-exporter",
    "release monitoring/tempo",
    "release monitoring/thanos",
    "release pangolin/newt",
    "release rook-ceph/rook-ceph",
    "release rook-ceph/rook-ceph-cluster",
  ]);
  // Argo Workflows, Events and Rollouts have HelmRelease files, but the kustomization leaves them out.
  expect(estate.releases.map((release) => release.releaseName)).not.toContain("argo-rollouts");
  const thanos = estate.releases.find((release) => release.id === "release monitoring/thanos")!;
  expect(thanos).toMatchObject({ chart: "thanos", repository: "oci://registry-1.docker.io/bitnamicharts", version: "17.x" });
  const secret = estate.objects.find((object) => object.id === "Secret cert-manager/r53-credentials-secret")!;
  expect(secret.manifest).toEqual({ apiVersion: "v1", kind: "Secret", metadata: { name: "r53-credentials-secret", namespace: "cert-manager" }, type: "Opaque", keys: ["secret-access-key"] });
  expect(estate.machinery).toEqual(expect.arrayContaining(["FluxInstance flux-system/flux", "Application argocd/root-app", "AppProject argocd/monitoring", "HelmRepository flux-system/rook-release"]));
});

test("the plan differs from the estate only where the stack file says so, and why", () => {
  const undeclared = comparison.undeclared.map(({ id, field, estate, program }) => `${id} ${field}: estate ${JSON.stringify(estate)}, program ${JSON.stringify(program)}`);
  expect(undeclared).toEqual([]);
});

test("the declared differences are the deliberate ones", () => {
  const declared = [...new Set(comparison.declared.map(({ id, field }) => `${id} ${field.split(".").slice(0, 2).join(".")}`))].sort();
  expect(declared).toEqual([
    "IPAddressPool metallb-system/first-pool spec.addresses",
    "Namespace argocd metadata.labels",
    "Namespace argocd networkPolicies",
    "Namespace cert-manager metadata.labels",
    "Namespace cert-manager networkPolicies",
    "Namespace ingress-nginx networkPolicies",
    "Namespace kaneo metadata.labels",
    "Namespace kaneo networkPolicies",
    "Namespace metallb-system networkPolicies",
    "Namespace monitoring metadata.labels",
    "Namespace monitoring networkPolicies",
    "Namespace pangolin metadata.labels",
    "Namespace pangolin networkPolicies",
    "Namespace rook-ceph networkPolicies",
    "release kaneo/kaneo ",
  ]);
});

describe("the comparison itself", () => {
  test("a value that differs, one missing on either side, and list items are each a difference at their path", () => {
    expect(valueDifferences({ a: { b: 1, c: [1, 2] }, d: "x" }, { a: { b: 2, c: [1] }, e: true }, "values")).toEqual([
      { field: "values.a.b", estate: 1, program: 2 },
      { field: "values.a.c.1", estate: 2, program: undefined },
      { field: "values.d", estate: "x", program: undefined },
      { field: "values.e", estate: undefined, program: true },
    ]);
  });

  test("a pinned version is inside the estate's range or not", () => {
    expect(versionSatisfies("4.15.1", "4.x")).toBe(true);
    expect(versionSatisfies("v1.19.8", "1.19.x")).toBe(true);
    expect(versionSatisfies("v1.21.1", "1.21.1")).toBe(true);
    expect(versionSatisfies("v1.21.2", "1.21.1")).toBe(false);
    expect(versionSatisfies("1.20.0", "1.19.x")).toBe(false);
    expect(versionSatisfies("8.0.0", "7.x")).toBe(false);
  });

  test("an undeclared change to a value is found, and a declared one is not", () => {
    const release = { id: "release ns/r", file: "f", kind: "HelmRelease" as const, releaseName: "r", namespace: "ns", chart: "c", repository: "https://x", version: "1.x", values: { a: { b: 1 } } };
    const estateOf = { releases: [release], objects: [], machinery: [] };
    const program = (values: unknown, deviations: { field: string; reason: string }[] = []) => ({ releases: [{ id: "release ns/r", chart: "c", repository: "https://x", version: "1.2.3", values, deviations }], objects: [], deviations: [] });
    expect(compareWithEstate(estateOf, program({ a: { b: 1 } }))).toEqual({ undeclared: [], declared: [] });
    expect(compareWithEstate(estateOf, program({ a: { b: 2 } })).undeclared).toEqual([{ id: "release ns/r", field: "values.a.b", estate: 1, program: 2 }]);
    expect(compareWithEstate(estateOf, program({ a: { b: 2 } }, [{ field: "values.a", reason: "why" }])).declared).toEqual([{ id: "release ns/r", field: "values.a.b", estate: 1, program: 2, reason: "why" }]);
    expect(compareWithEstate({ ...estateOf, releases: [] }, program({})).undeclared).toEqual([{ id: "release ns/r", field: "", estate: "not in the estate", program: "declared" }]);
  });
});
