import { evaluatePlan } from "../../policy/evaluate";
import { TALOS_EXAMPLE_FILE } from "../homelab-compute/talosExample";
import { policyConfigForStack } from "../../tools/plan/policyConfig";
import type { Plan } from "../../policy/contract/plan";
import { planned } from "../support/planned";
import { ROOT } from "../support/stackConfig";

/** Cilium's agent as helm.v4.Chart registers it under the real engine (offline, charts render nothing). */
const renderedCilium: Plan = {
  project: "homeops",
  stack: "homelab",
  resources: [
    planned("kubernetes:apps/v1:DaemonSet", "cilium:kube-system/cilium", {
      metadata: { name: "cilium", namespace: "kube-system" },
      spec: { template: { spec: { hostNetwork: true, containers: [{ name: "cilium-agent", resources: { limits: { memory: "1Gi" } } }] } } },
    }),
  ],
};

test("a stack's declared chart allowances let the CNI through the pack, which refuses it without them", async () => {
  // The Talos-on-Proxmox example's cluster gets Cilium from the platform (the homelab's, Omni's, runs Flannel).
  const config = policyConfigForStack("homelab", TALOS_EXAMPLE_FILE);
  expect((await evaluatePlan(renderedCilium, config)).violations).toEqual([]);
  const refused = await evaluatePlan(renderedCilium, {});
  expect(refused.violations.map((violation) => violation.policyName).sort()).toEqual(["host-network-allowed", "kubernetes-workload-namespace-default-deny"]);
});

test("each custom release's allowances reach the pack beside the presets'", () => {
  const config = policyConfigForStack("homelab", `${ROOT}/Pulumi.homelab.yaml`);
  expect([...(config["host-network-allowed"] as { kubernetesWorkloads: string[] }).kubernetesWorkloads].sort()).toEqual(["metallb-system/metallb-speaker", "monitoring/kube-prometheus-stack-prometheus-node-exporter"]);
});
