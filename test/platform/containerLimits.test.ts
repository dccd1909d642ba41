/** The memory limit HelmRelease gives the rendered containers a chart has no resources key for. */
import { memory } from "../../components/kubernetes-platform/charts/common";
import { memoryLimitTransform, withMemoryLimits } from "../../components/kubernetes-platform/containerLimits";
import { memoryLimitProblems, podTemplateOf } from "../../policy/kubernetes-workloads";

const FALLBACK = memory("128Mi", "32Mi");

/** The shape of Cilium's agent DaemonSet: one keyed container, one unkeyed init container, one with a request only. */
function agentDaemonSet() {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "cilium", namespace: "kube-system" },
    spec: {
      template: {
        metadata: { labels: { "k8s-app": "cilium" } },
        spec: {
          containers: [{ name: "cilium-agent", resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } } }],
          initContainers: [
            { name: "config", image: "quay.io/cilium/cilium" },
            { name: "install-cni-binaries", resources: { requests: { cpu: "100m", memory: "10Mi" } } },
          ],
        },
      },
    },
  };
}

test("containers without a memory limit get the fallback; limited ones are left alone", () => {
  const original = agentDaemonSet();
  const before = structuredClone(original);
  const result = withMemoryLimits(original, FALLBACK)!;
  const spec = (result.spec as any).template.spec;
  expect(spec.containers[0]).toEqual(original.spec.template.spec.containers[0]);
  expect(spec.initContainers[0]).toEqual({ name: "config", image: "quay.io/cilium/cilium", resources: { limits: { memory: "128Mi" }, requests: { memory: "32Mi" } } });
  // A request of its own could exceed the new limit: the fallback's request replaces it, the CPU request stays.
  expect(spec.initContainers[1].resources).toEqual({ requests: { cpu: "100m", memory: "32Mi" }, limits: { memory: "128Mi" } });
  // The object given is not modified.
  expect(original).toEqual(before);
  // And the policy pack's memory rule is satisfied.
  const template = podTemplateOf("kubernetes:apps/v1:DaemonSet", result);
  expect(template.ok && memoryLimitProblems(template.template)).toEqual([]);
});

test("every pod-bearing kind, at its own pod spec", () => {
  const pod = { containers: [{ name: "a" }] };
  expect((withMemoryLimits({ kind: "Pod", spec: pod }, FALLBACK)!.spec as any).containers[0].resources.limits.memory).toBe("128Mi");
  const cronJob = withMemoryLimits({ kind: "CronJob", spec: { jobTemplate: { spec: { template: { spec: pod } } } } }, FALLBACK)!;
  expect((cronJob.spec as any).jobTemplate.spec.template.spec.containers[0].resources.limits.memory).toBe("128Mi");
  expect(withMemoryLimits({ kind: "Job", spec: { template: { spec: { initContainers: [{ name: "x" }] } } } }, FALLBACK)).toBeDefined();
});

test("nothing to change: not a workload, or every container limited", () => {
  expect(withMemoryLimits({ kind: "ConfigMap", data: {} }, FALLBACK)).toBeUndefined();
  expect(withMemoryLimits({ kind: "Deployment", spec: { template: { spec: { containers: [{ name: "a", resources: { limits: { memory: "1Gi" } } }] } } } }, FALLBACK)).toBeUndefined();
});

test("as a Pulumi transform: Kubernetes workloads only, options kept", async () => {
  const transform = memoryLimitTransform(FALLBACK);
  const opts = { protect: false };
  const result = await transform({ custom: true, type: "kubernetes:apps/v1:DaemonSet", name: "kube-system/cilium", props: agentDaemonSet(), opts });
  expect(result?.opts).toBe(opts);
  expect((result?.props as any).spec.template.spec.initContainers[0].resources.limits.memory).toBe("128Mi");
  expect(await transform({ custom: true, type: "kubernetes:core/v1:ConfigMap", name: "x", props: { kind: "ConfigMap" }, opts })).toBeUndefined();
  expect(await transform({ custom: true, type: "random:index/randomPassword:RandomPassword", name: "x", props: { kind: "Pod", spec: { containers: [{}] } }, opts })).toBeUndefined();
});
