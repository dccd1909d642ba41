import { findingsOf, planned, violationsOf } from "./harness";

const limits = { limits: { memory: "256Mi" } };
const ok = (name: string) => ({ name, image: "busybox", resources: limits });

function workload(kind: string, apiVersion: string, name: string, podSpec: Record<string, unknown>, namespace = "monitoring") {
  const template = { metadata: { labels: { app: name } }, spec: podSpec };
  const spec = kind === "CronJob" ? { schedule: "@daily", jobTemplate: { spec: { template } } } : kind === "Pod" ? podSpec : { template };
  const group = apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`;
  return planned(`kubernetes:${group}:${kind}`, `${namespace}/${name}`, { apiVersion, kind, metadata: { name, namespace, labels: { app: name } }, spec });
}

const namespace = (name: string) => planned("kubernetes:core/v1:Namespace", name, { apiVersion: "v1", kind: "Namespace", metadata: { name } });
const networkPolicy = (name: string, ns: string, spec: Record<string, unknown>) =>
  planned("kubernetes:networking.k8s.io/v1:NetworkPolicy", `${ns}/${name}`, { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace: ns }, spec });
const defaultDeny = (ns: string) => networkPolicy("default-deny", ns, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });

describe("kubernetes-memory-limits", () => {
  test("every kind with limits on every container passes", async () => {
    const resources = [
      workload("Pod", "v1", "pod", { containers: [ok("a")], initContainers: [ok("init")] }),
      workload("Deployment", "apps/v1", "deploy", { containers: [ok("a"), ok("b")] }),
      workload("StatefulSet", "apps/v1", "sts", { containers: [ok("a")] }),
      workload("DaemonSet", "apps/v1", "ds", { containers: [ok("a")], ephemeralContainers: [ok("debug")] }),
      workload("ReplicaSet", "apps/v1", "rs", { containers: [ok("a")] }),
      workload("Job", "batch/v1", "job", { containers: [ok("a")] }),
      workload("CronJob", "batch/v1", "cron", { containers: [ok("a")] }),
    ];
    expect(findingsOf(await violationsOf(resources), "kubernetes-memory-limits")).toEqual([]);
  });

  test("one finding per offending container, wherever the kind keeps its pod template", async () => {
    const resources = [
      workload("Deployment", "apps/v1", "deploy", { containers: [ok("a")], initContainers: [{ name: "migrate" }] }),
      workload("CronJob", "batch/v1", "cron", { containers: [{ name: "c", resources: { limits: { memory: "1asdf" } } }] }),
      workload("DaemonSet", "apps/v1", "ds", { containers: [ok("a")], ephemeralContainers: [{ name: "debug", resources: null }] }),
      workload("StatefulSet", "apps/v1", "sts", { containers: [{ name: "db", resources: [] }, { name: "zero", resources: { limits: { memory: "0" } } }] }),
    ];
    expect(findingsOf(await violationsOf(resources), "kubernetes-memory-limits").map((finding) => finding.split(" Fix: ")[0])).toEqual([
      `DaemonSet monitoring/ds: spec.template.spec.ephemeralContainers[0] "debug": resources is null, expected a map.`,
      `Deployment monitoring/deploy: spec.template.spec.initContainers[0] "migrate" has no resources.limits.memory.`,
      `StatefulSet monitoring/sts: spec.template.spec.containers[0] "db": resources is a list, expected a map.`,
      `StatefulSet monitoring/sts: spec.template.spec.containers[1] "zero": resources.limits.memory is "0", which is not positive.`,
      `CronJob monitoring/cron: spec.jobTemplate.spec.template.spec.containers[0] "c": resources.limits.memory "1asdf" is not a Kubernetes quantity (expected e.g. 512Mi, 1Gi, 1e9).`,
    ]);
  });

  test("a workload without a readable pod template is a violation, not an error", async () => {
    const cron = planned("kubernetes:batch/v1:CronJob", "broken", { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "broken" }, spec: { jobTemplate: { spec: null } } });
    expect(findingsOf(await violationsOf([cron]), "kubernetes-memory-limits")).toEqual([
      "CronJob default/broken: spec.jobTemplate.spec.template is missing, expected a pod template. Fix: Give every container of CronJob default/broken a resources map with limits.memory set to a positive quantity such as 256Mi.",
    ]);
  });
});

describe("kubernetes-namespace-default-deny", () => {
  test("a namespace with a default-deny policy passes", async () => {
    expect(findingsOf(await violationsOf([namespace("monitoring"), defaultDeny("monitoring")]), "kubernetes-namespace-default-deny")).toEqual([]);
  });

  test("no policy, a policy elsewhere, or an ingress-only policy do not count", async () => {
    const resources = [
      namespace("a"),
      namespace("b"),
      defaultDeny("elsewhere"),
      namespace("c"),
      networkPolicy("ingress-only", "c", { podSelector: {}, policyTypes: ["Ingress"] }),
    ];
    const violations = await violationsOf(resources);
    expect(violations.filter((v) => v.policyName === "kubernetes-namespace-default-deny").map((v) => [v.name, v.type])).toEqual([
      ["a", "kubernetes:core/v1:Namespace"],
      ["b", "kubernetes:core/v1:Namespace"],
      ["c", "kubernetes:core/v1:Namespace"],
    ]);
    expect(findingsOf(violations, "kubernetes-namespace-default-deny")[0]).toBe(
      "Namespace a has no default-deny NetworkPolicy (podSelector: {}, policyTypes: [Ingress, Egress], no allow-all rule). Fix: Create a NetworkPolicy in a with podSelector: {}, policyTypes: [Ingress, Egress], no allow-all rule, then allow the traffic its workloads need with narrower policies.",
    );
  });
});

describe("kubernetes-workload-namespace-default-deny", () => {
  const prometheus = () => workload("StatefulSet", "apps/v1", "prometheus", { containers: [ok("p")] });

  test("a workload in a default-deny namespace passes", async () => {
    expect(findingsOf(await violationsOf([namespace("monitoring"), defaultDeny("monitoring"), prometheus()]), "kubernetes-workload-namespace-default-deny")).toEqual([]);
  });

  test("a workload in a namespace without one is named with the policies that do select it", async () => {
    const selective = networkPolicy("allow-web", "monitoring", { podSelector: { matchLabels: { app: "prometheus" } }, ingress: [{}] });
    expect(findingsOf(await violationsOf([prometheus(), selective]), "kubernetes-workload-namespace-default-deny")).toEqual([
      "StatefulSet monitoring/prometheus runs in namespace monitoring, which has no default-deny NetworkPolicy; its pods are selected only by allow-web (Ingress). Fix: Add a default-deny NetworkPolicy (podSelector: {}, policyTypes: [Ingress, Egress], no allow-all rule) to monitoring, or deploy monitoring/prometheus into a namespace that has one.",
    ]);
  });

  test("a workload without a namespace lands in its provider's namespace", async () => {
    const providerUrn = "urn:pulumi:test::homeops::pulumi:providers:kubernetes::cluster";
    const provider = planned("pulumi:providers:kubernetes", "cluster", { namespace: "monitoring" }, { urn: providerUrn });
    const unplaced = planned("kubernetes:apps/v1:Deployment", "grafana", { metadata: { name: "grafana" }, spec: { template: { spec: { containers: [ok("g")] } } } }, { provider: `${providerUrn}::1234` });
    const resources = [provider, unplaced, namespace("monitoring"), defaultDeny("monitoring")];
    expect(findingsOf(await violationsOf(resources), "kubernetes-workload-namespace-default-deny")).toEqual([]);
    expect(findingsOf(await violationsOf([unplaced, defaultDeny("monitoring")]), "kubernetes-workload-namespace-default-deny")).toEqual([
      expect.stringContaining("Deployment default/grafana runs in namespace default"),
    ]);
  });
});

test("a namespace set up as the design asks passes every Kubernetes policy", async () => {
  const resources = [
    namespace("monitoring"),
    defaultDeny("monitoring"),
    networkPolicy("allow-dns", "monitoring", { podSelector: {}, policyTypes: ["Egress"], egress: [{ ports: [{ port: 53, protocol: "UDP" }] }] }),
    workload("Deployment", "apps/v1", "grafana", { containers: [ok("grafana")], initContainers: [ok("init-chown")] }),
    workload("DaemonSet", "apps/v1", "alloy", { containers: [{ name: "alloy", resources: { limits: { memory: "384Mi" } } }] }),
  ];
  expect(await violationsOf(resources)).toEqual([]);
});
