/**
 * A homelab whose platform is its own releases only, as another homelab would write it: no
 * Ceph, no Loki, no Argo CD, but cert-manager, external-dns, Flux and an application, each
 * a custom release with its namespace, values, secrets and waits. The whole stack is planned
 * offline from a stack file that differs from the committed one only in `homeops:platform`,
 * and the policy pack is run on the plan.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { evaluatePlan, type PolicyReport } from "../../policy/evaluate";
import { isDefaultDeny } from "../../policy/kubernetes-network-policies";
import { stackPreview } from "../support/previews";
import { policyConfigForStack } from "../../tools/plan/policyConfig";
import { secretPlaceholder } from "../../tools/plan/stackConfig";
import { SECRET_PLACEHOLDER, type Plan } from "../../policy/contract/plan";
import { CUSTOM_PLATFORM } from "./customPlatform";
import { planIndex } from "../support/planIndex";
import { tempDir } from "../support/tempDirs";
import { TALOS_EXAMPLE_FILE } from "../homelab-compute/talosExample";

let stackFile: string;
let plan: Plan;
let index: ReturnType<typeof planIndex>;
let report: PolicyReport;

beforeAll(async () => {
  // A cluster of the program's own (the Talos-on-Proxmox example), whose CNI the platform installs.
  const settings = parse(readFileSync(TALOS_EXAMPLE_FILE, "utf8"));
  settings.config["homeops:platform"] = CUSTOM_PLATFORM;
  stackFile = join(tempDir("homeops-custom-platform-"), "Pulumi.homelab.yaml");
  writeFileSync(stackFile, stringify(settings));
  ({ plan } = await stackPreview("homelab", stackFile));
  index = planIndex(plan.resources);
  report = await evaluatePlan(plan, policyConfigForStack("homelab", stackFile));
});

const chart = (key: string) => index.named("kubernetes:helm.sh/v4:Chart", `platform/${key}`);

test("only the declared releases are installed, each at its pinned version from its repository", () => {
  const charts = index.ofType("kubernetes:helm.sh/v4:Chart").map((resource) => [resource.name, resource.inputs.name, resource.inputs.version]);
  expect(charts.sort()).toEqual([
    ["platform/cert-manager", "cert-manager", "v1.21.1"],
    ["platform/cilium", "cilium", "1.19.3"],
    ["platform/external-dns", "external-dns", "1.19.0"],
    ["platform/flux", "flux", "2.17.0"],
    ["platform/podinfo", "podinfo", "6.9.2"],
  ]);
  expect(chart("flux").inputs).toMatchObject({ chart: "flux2", namespace: "flux-system", repositoryOpts: { repo: "https://fluxcd-community.github.io/helm-charts" } });
  expect(chart("podinfo").inputs).toMatchObject({ chart: "oci://ghcr.io/stefanprodan/charts/podinfo" });
  expect(chart("podinfo").inputs.repositoryOpts).toBeUndefined();
});

test("no Ceph, Loki or Argo CD, and only the declared namespaces, each behind a default deny", () => {
  const text = JSON.stringify(plan.resources.map((resource) => resource.name));
  for (const absent of ["rook-ceph", "loki", "argo-cd", "argocd", "monitoring"]) expect({ absent, found: text.includes(absent) }).toEqual({ absent, found: false });
  const namespaces = index.ofType("kubernetes:core/v1:Namespace").map((namespace) => namespace.inputs.metadata as { name: string; labels: Record<string, string> });
  expect(namespaces.map((namespace) => namespace.name).sort()).toEqual(["cert-manager", "external-dns", "flux-system", "podinfo"]);
  for (const namespace of namespaces) expect(namespace.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  const policies = index.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").map((policy) => policy.inputs as { metadata: { name: string; namespace: string }; spec: unknown });
  for (const { name } of namespaces) expect({ name, defaultDeny: policies.some((policy) => policy.metadata.namespace === name && isDefaultDeny(policy.spec)) }).toEqual({ name, defaultDeny: true });
  const inFlux = policies.filter((policy) => policy.metadata.namespace === "flux-system").map((policy) => policy.metadata.name);
  expect(inFlux.sort()).toEqual(["allow-dns", "allow-egress-within-namespace", "allow-git", "allow-ingress-within-namespace", "allow-kube-api", "default-deny"]);
});

test("secret values reach the chart and the Secret as secrets, never as text", () => {
  expect(chart("external-dns").inputs.values).toBe(SECRET_PLACEHOLDER);
  expect(index.named("kubernetes:core/v1:Secret", "platform/cert-manager/cloudflare-api-token").inputs.stringData).toBe(SECRET_PLACEHOLDER);
  const text = JSON.stringify(plan);
  for (const key of ["externalDnsCloudflareToken", "certManagerCloudflareToken"]) expect(text.includes(secretPlaceholder(`homeops:${key}`))).toBe(false);
  expect(chart("cert-manager").inputs.values).toEqual({ crds: { enabled: true, keep: true } });
});

test("each release and object waits for what it needs and its namespace", () => {
  const issuer = index.named("kubernetes:cert-manager.io/v1:ClusterIssuer", "platform/ClusterIssuer/letsencrypt");
  const certificate = index.named("kubernetes:cert-manager.io/v1:Certificate", "platform/Certificate/podinfo/podinfo-tls");
  expect(issuer.dependencies).toContain(chart("cert-manager").urn);
  expect(certificate.dependencies).toContain(issuer.urn);
  expect(chart("podinfo").dependencies).toEqual(expect.arrayContaining([chart("cert-manager").urn, certificate.urn]));
  // The Talos cluster has no CNI until Cilium runs: every custom release waits for it too.
  expect(chart("flux").dependencies).toContain(chart("cilium").urn);
  const namespace = index.ofType("homeops:kubernetes:Namespace").find((resource) => resource.name === "platform/external-dns")!;
  expect(index.waitsFor(chart("external-dns"), namespace)).toBe(true);
});

test("the policy pack finds nothing on the platform", () => {
  const platform = report.violations.filter((violation) => violation.type.startsWith("kubernetes:"));
  expect(platform.map((violation) => `${violation.policyName} ${violation.name}: ${violation.message}`)).toEqual([]);
});
