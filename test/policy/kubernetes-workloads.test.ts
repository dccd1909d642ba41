import {
  containerMemoryProblem,
  isWorkloadType,
  kubernetesTypeToken,
  memoryLimitProblems,
  namespaceOf,
  podTemplateOf,
  type PodTemplate,
} from "../../policy/kubernetes-workloads";

const limited = (name: string, memory: unknown = "256Mi") => ({ name, image: "busybox", resources: { limits: { memory } } });
const podSpec = (spec: Record<string, unknown>) => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec });

function template(type: string, props: Record<string, unknown>): PodTemplate {
  const result = podTemplateOf(type, props);
  if (!result.ok) throw new Error(result.problem);
  return result.template;
}

describe("workload kinds", () => {
  test.each([
    ["kubernetes:core/v1:Pod", true],
    ["kubernetes:apps/v1:Deployment", true],
    ["kubernetes:apps/v1:StatefulSet", true],
    ["kubernetes:apps/v1:DaemonSet", true],
    ["kubernetes:extensions/v1beta1:DaemonSet", true],
    ["kubernetes:apps/v1:ReplicaSet", true],
    ["kubernetes:batch/v1:Job", true],
    ["kubernetes:batch/v1:CronJob", true],
    ["kubernetes:batch/v1beta1:CronJob", true],
    ["kubernetes:apps.openshift.io/v1:DeploymentConfig", true],
    ["kubernetes:core/v1:CronJob", false], // no such kind in the core group
    ["kubernetes:core/v1:ConfigMap", false],
    ["docker:index/container:Container", false],
  ])("%s: %s", (type, expected) => {
    expect(isWorkloadType(type)).toBe(expected);
  });

  test("manifest apiVersions map to Pulumi type tokens", () => {
    expect(kubernetesTypeToken("v1", "Pod")).toBe("kubernetes:core/v1:Pod");
    expect(kubernetesTypeToken("networking.k8s.io/v1", "NetworkPolicy")).toBe("kubernetes:networking.k8s.io/v1:NetworkPolicy");
  });
});

describe("pod templates", () => {
  const containers = [limited("a")];
  test.each([
    ["kubernetes:core/v1:Pod", podSpec({ containers }), "spec"],
    ["kubernetes:apps/v1:Deployment", { spec: { template: { metadata: { labels: { app: "x" } }, spec: { containers } } } }, "spec.template.spec"],
    ["kubernetes:batch/v1:CronJob", { spec: { jobTemplate: { spec: { template: { spec: { containers } } } } } }, "spec.jobTemplate.spec.template.spec"],
  ])("%s keeps its pod spec at %s", (type, props, specPath) => {
    expect(template(type, props).specPath).toBe(specPath);
  });

  test("labels come from the template's metadata", () => {
    expect(template("kubernetes:apps/v1:Deployment", { spec: { template: { metadata: { labels: { app: "x", n: 1 } }, spec: {} } } }).labels).toEqual({ app: "x" });
  });

  test.each([
    ["kubernetes:batch/v1:CronJob", { spec: { jobTemplate: { spec: null } } }, "spec.jobTemplate.spec.template is missing, expected a pod template"],
    ["kubernetes:apps/v1:Deployment", { spec: { template: [] } }, "spec.template is a list, expected a pod template"],
    ["kubernetes:core/v1:Pod", { spec: "x" }, `spec is the string "x", expected a pod spec`],
  ])("%s without a readable template: %j", (type, props, problem) => {
    expect(podTemplateOf(type, props)).toEqual({ ok: false, problem });
  });

  test("the namespace is the object's, else the provider's default, else default", () => {
    expect(namespaceOf({ metadata: { namespace: "monitoring" } }, { namespace: "other" })).toBe("monitoring");
    expect(namespaceOf({ metadata: {} }, { namespace: "other" })).toBe("other");
    expect(namespaceOf({})).toBe("default");
  });
});

describe("memory limits", () => {
  test("every container list is checked, each container on its own", () => {
    const spec = { containers: [limited("app"), { name: "sidecar" }], initContainers: [{ name: "init" }], ephemeralContainers: [limited("debug", "1e9")] };
    expect(memoryLimitProblems(template("kubernetes:core/v1:Pod", podSpec(spec)))).toEqual([
      `spec.containers[1] "sidecar" has no resources.limits.memory`,
      `spec.initContainers[0] "init" has no resources.limits.memory`,
    ]);
  });

  test.each([
    [limited("c"), undefined],
    [limited("c", 268435456), undefined],
    [{ name: "c" }, `c has no resources.limits.memory`],
    [{ name: "c", resources: {} }, `c has no resources.limits.memory`],
    [{ name: "c", resources: { requests: { memory: "1Gi" } } }, `c has no resources.limits.memory`],
    [{ name: "c", resources: { limits: { memory: null } } }, `c has no resources.limits.memory`],
    [{ name: "c", resources: [{ limits: { memory: "1Gi" } }] }, `c: resources is a list, expected a map`],
    [{ name: "c", resources: null }, `c: resources is null, expected a map`],
    [{ name: "c", resources: "0" }, `c: resources is the string "0", expected a map`],
    [{ name: "c", resources: { limits: ["1Gi"] } }, `c: resources.limits is a list, expected a map`],
    [{ name: "c", resources: { requests: [{ memory: "64Mi" }], limits: { memory: "128Mi" } } }, `c: resources.requests is a list, expected a map`],
    [limited("c", "0"), `c: resources.limits.memory is "0", which is not positive`],
    [limited("c", 0), `c: resources.limits.memory is 0, which is not positive`],
    [limited("c", "-1Gi"), `c: resources.limits.memory is "-1Gi", which is not positive`],
    [limited("c", "1asdf"), `c: resources.limits.memory "1asdf" is not a Kubernetes quantity (expected e.g. 512Mi, 1Gi, 1e9)`],
    [limited("c", { value: 1 }), `c: resources.limits.memory is a map, expected a quantity such as 256Mi`],
    ["nginx", `c is the string "nginx", expected a container`],
  ])("%j: %s", (container, problem) => {
    expect(containerMemoryProblem("c", container)).toBe(problem);
  });

  test("malformed container lists are reported, never thrown", () => {
    const spec = { containers: { name: "db", image: "mysql" }, initContainers: "none" };
    expect(memoryLimitProblems(template("kubernetes:core/v1:Pod", podSpec(spec)))).toEqual([
      "spec.containers is a map, expected a list of containers",
      `spec.initContainers is the string "none", expected a list of containers`,
    ]);
    expect(memoryLimitProblems(template("kubernetes:core/v1:Pod", podSpec({})))).toEqual(["spec.containers is missing"]);
  });
});
