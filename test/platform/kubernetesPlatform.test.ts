import { Provider } from "@pulumi/kubernetes/provider";
import * as pulumi from "@pulumi/pulumi";
import { KubernetesPlatform } from "../../components/kubernetes-platform/kubernetesPlatform";
import { SECRET_PLACEHOLDER, type PlannedResource } from "../../policy/contract/plan";
import { planIndex } from "../support/planIndex";
import { recordProgram } from "./recordProgram";
import { presetPlatformArgs } from "./settings";

let resources: PlannedResource[];
let plan: ReturnType<typeof planIndex>;

beforeAll(async () => {
  resources = await recordProgram(() => {
    const provider = new Provider("test-cluster", { kubeconfig: pulumi.secret("apiVersion: v1\nkind: Config\n") });
    new KubernetesPlatform("platform", presetPlatformArgs(), { provider });
  });
  plan = planIndex(resources);
});

// The platform's children are named from it: `platform/<release>`, `platform/<namespace>/<object>`.
const child = (name: string) => `platform/${name}`;
const chart = (release: string) => plan.named("kubernetes:helm.sh/v4:Chart", child(release));
const release = (name: string) => plan.named("homeops:kubernetes:HelmRelease", child(name));
const custom = (kind: string) => resources.filter((resource) => (resource.inputs as { kind?: string }).kind === kind);

test("each release is a v4 Chart at its pinned version, from its repository, in its namespace", () => {
  expect(plan.ofType("kubernetes:helm.sh/v4:Chart").map((resource) => resource.inputs.name).sort()).toEqual([
    "alloy",
    "argo-cd",
    "cert-manager",
    "cilium",
    "ingress-nginx",
    "kube-prometheus-stack",
    "loki",
    "metallb",
    "newt",
    "rook-ceph",
    "rook-ceph-cluster",
    "tempo",
    "thanos",
  ]);
  expect(chart("cert-manager").inputs).toMatchObject({ name: "cert-manager", chart: "cert-manager", version: "v1.21.2", namespace: "cert-manager", repositoryOpts: { repo: "https://charts.jetstack.io" } });
  expect(chart("thanos").inputs).toMatchObject({ chart: "oci://registry-1.docker.io/bitnamicharts/thanos", version: "17.3.1", namespace: "monitoring" });
  expect(chart("thanos").inputs.repositoryOpts).toBeUndefined();
  expect((chart("metallb").inputs.values as { speaker: { frr: { enabled: boolean } } }).speaker.frr.enabled).toBe(false);
});

test("every Kubernetes object goes through the given provider", () => {
  const [provider] = plan.ofType("pulumi:providers:kubernetes");
  const onCluster = resources.filter((resource) => resource.type.startsWith("kubernetes:"));
  expect(onCluster.length).toBeGreaterThan(50);
  for (const resource of onCluster) expect({ resource: resource.name, provider: resource.provider }).toEqual({ resource: resource.name, provider: provider.urn });
});

test("each namespace carries its Pod Security level and starts with a default deny", () => {
  for (const namespace of plan.ofType("kubernetes:core/v1:Namespace")) {
    const name = (namespace.inputs.metadata as { name: string }).name;
    expect((namespace.inputs.metadata as { labels: Record<string, string> }).labels["pod-security.kubernetes.io/enforce"]).toMatch(/^(privileged|baseline|restricted)$/);
    const policies = plan.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").filter((policy) => (policy.inputs.metadata as { namespace: string }).namespace === name);
    expect(policies.map((policy) => policy.name)).toContain(child(`${name}/default-deny`));
  }
});

test("a release waits for its namespace (and so its policies), its Secrets and the steps it needs; nothing else", () => {
  const namespace = (name: string) => plan.named("homeops:kubernetes:Namespace", child(name));
  const secret = (name: string) => plan.named("kubernetes:core/v1:Secret", child(name));
  const cilium = chart("cilium").urn;
  expect(chart("cert-manager").dependencies.sort()).toEqual([...plan.urnsOf(namespace("cert-manager")), secret("cert-manager/acme-dns01-credentials").urn, cilium].sort());
  expect(plan.urnsOf(namespace("cert-manager"))).toContainEqual(expect.stringMatching(/NetworkPolicy::platform\/cert-manager\/default-deny$/));
  expect(chart("newt").dependencies.sort()).toEqual([...plan.urnsOf(namespace("pangolin")), secret("pangolin/newt-credentials").urn, cilium].sort());
  const [pool] = custom("IPAddressPool");
  const [advertisement] = custom("L2Advertisement");
  expect(chart("ingress-nginx").dependencies).toEqual(expect.arrayContaining([pool.urn, advertisement.urn]));
  expect(plan.waitsFor(pool, release("metallb"))).toBe(true);
  for (const needed of ["rook-ceph-cluster", "cert-manager", "ingress-nginx"]) expect({ needed, waits: plan.waitsFor(chart("kube-prometheus-stack"), release(needed)) }).toEqual({ needed, waits: true });
  for (const needed of ["loki", "tempo"]) expect(plan.waitsFor(chart("alloy"), release(needed))).toBe(true);
  expect(plan.waitsFor(chart("alloy"), release("thanos"))).toBe(false);
});

test("Cilium goes first, into kube-system, which the platform neither creates nor fences; every other release waits for it", () => {
  expect(chart("cilium").inputs).toMatchObject({ name: "cilium", chart: "cilium", namespace: "kube-system", repositoryOpts: { repo: "https://helm.cilium.io" } });
  // Nothing to wait for: no namespace, no Secret, no other release.
  expect(chart("cilium").dependencies).toEqual([]);
  expect(plan.ofType("kubernetes:core/v1:Namespace").map((namespace) => (namespace.inputs.metadata as { name: string }).name)).not.toContain("kube-system");
  expect(plan.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").map((policy) => (policy.inputs.metadata as { namespace: string }).namespace)).not.toContain("kube-system");
  const others = plan.ofType("kubernetes:helm.sh/v4:Chart").filter((resource) => resource.inputs.name !== "cilium");
  expect(others).toHaveLength(12);
  for (const other of others) expect({ release: other.name, waits: plan.waitsFor(other, release("cilium")) }).toEqual({ release: other.name, waits: true });
  // Namespaces, their policies and the Secrets are API objects: they need no CNI and do not wait.
  for (const type of ["kubernetes:core/v1:Namespace", "kubernetes:networking.k8s.io/v1:NetworkPolicy", "kubernetes:core/v1:Secret"]) {
    for (const resource of plan.ofType(type)) expect(resource.dependencies).not.toContain(chart("cilium").urn);
  }
});

test("the ClusterIssuer solves in the hosted zone it is given, after cert-manager; the certificate after it, in its namespace", () => {
  const [issuer] = custom("ClusterIssuer");
  expect((issuer.inputs.spec as any).acme.solvers[0].dns01.route53.hostedZoneID).toBe("ZTESTZONE");
  expect(issuer.dependencies).toEqual(plan.urnsOf(release("cert-manager")));
  const [certificate] = custom("Certificate");
  const ingressNamespace = plan.named("kubernetes:core/v1:Namespace", child("ingress-nginx"));
  expect(certificate.dependencies.sort()).toEqual([issuer.urn, ingressNamespace.urn].sort());
  expect(certificate.propertyDependencies.metadata).toEqual([ingressNamespace.urn]);
});

test("credentials reach the cluster only inside Secrets, and stay secret", () => {
  for (const secret of plan.ofType("kubernetes:core/v1:Secret")) expect({ secret: secret.name, data: secret.inputs.stringData }).toEqual({ secret: secret.name, data: SECRET_PLACEHOLDER });
  const text = JSON.stringify(resources);
  for (const value of ["AKIA-TEST", "s3-secret-test", "push-password-test", "grafana-password-test", "oidc-secret-test", "newt-id-test", "newt-secret-test", "acme-id-test", "acme-secret-test"]) {
    expect(text).not.toContain(value);
  }
});

test("the push endpoints wait for the controller and their backends", () => {
  const ingresses = plan.ofType("kubernetes:networking.k8s.io/v1:Ingress");
  expect(ingresses.map((ingress) => ingress.name)).toEqual([child("monitoring/prometheus-remote-write"), child("monitoring/loki-push")]);
  for (const ingress of ingresses) {
    for (const needed of ["ingress-nginx", "kube-prometheus-stack", "loki"]) expect(plan.waitsFor(ingress, release(needed))).toBe(true);
  }
});
