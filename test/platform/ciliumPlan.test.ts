/**
 * The whole homelab planned offline with Cilium as the seeds' clusters run it (native routing,
 * Gateway API, Hubble, LB IPAM with L2 announcements and no MetalLB), from a stack file that
 * differs from the Talos-on-Proxmox example only in `homeops:talos.cni` and the platform's
 * load balancer; the policy pack is run on the plan.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { evaluatePlan, type PolicyReport } from "../../policy/evaluate";
import type { Plan } from "../../policy/contract/plan";
import { policyConfigForStack } from "../../tools/plan/policyConfig";
import { planIndex } from "../support/planIndex";
import { stackPreview } from "../support/previews";
import { tempDir } from "../support/tempDirs";
import { ciliumClusterStackFile } from "./ciliumCluster";
import { crdValidator } from "./conformance";

let plan: Plan;
let index: ReturnType<typeof planIndex>;
let report: PolicyReport;

beforeAll(async () => {
  // A basename of its own: previews are cached by it.
  const stackFile = join(tempDir("homeops-cilium-"), "Pulumi.cilium-lb.yaml");
  writeFileSync(stackFile, stringify(ciliumClusterStackFile()));
  ({ plan } = await stackPreview("homelab", stackFile));
  index = planIndex(plan.resources);
  report = await evaluatePlan(plan, policyConfigForStack("homelab", stackFile));
});

const chart = (key: string) => index.named("kubernetes:helm.sh/v4:Chart", `platform/${key}`);

test("Cilium's pool and L2 announcement policy are planned, valid against its CRDs, after Cilium; no MetalLB anywhere", () => {
  const pool = index.named("kubernetes:cilium.io/v2:CiliumLoadBalancerIPPool", "platform/cilium-lb-pool");
  const policy = index.named("kubernetes:cilium.io/v2alpha1:CiliumL2AnnouncementPolicy", "platform/cilium-l2-announcement");
  expect(crdValidator("cilium.io", "ciliumloadbalancerippool_v2")(pool.inputs)).toEqual([]);
  expect(crdValidator("cilium.io", "ciliuml2announcementpolicy_v2alpha1")(policy.inputs)).toEqual([]);
  for (const object of [pool, policy]) expect(object.dependencies).toContain(chart("cilium").urn);
  const names = JSON.stringify(plan.resources.map((resource) => [resource.type, resource.name]));
  expect(names.toLowerCase().includes("metallb")).toBe(false);
  // The ingress controller's LoadBalancer Service waits for the pool it asks an address of.
  expect(chart("ingress-nginx").dependencies).toEqual(expect.arrayContaining([pool.urn, policy.urn]));
  expect((chart("ingress-nginx").inputs.values as any).controller.service.annotations).toEqual({ "lbipam.cilium.io/ips": "192.168.11.90" });
});

test("the Gateway API's CRDs are applied from their release before Cilium, which is installed with every feature", () => {
  const crds = index.named("kubernetes:yaml/v2:ConfigFile", "platform/gateway-api-crds");
  expect(crds.inputs.file).toBe("https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.4.1/standard-install.yaml");
  expect(chart("cilium").dependencies).toContain(crds.urn);
  // The stack file's Gateway is applied once Cilium (and so the CRDs) are in place.
  const gateway = index.named("kubernetes:gateway.networking.k8s.io/v1:Gateway", "platform/Gateway/gateways/internal");
  expect(gateway.dependencies).toContain(chart("cilium").urn);
  expect(chart("cilium").inputs.values).toMatchObject({
    routingMode: "native",
    ipv4NativeRoutingCIDR: "10.244.0.0/16",
    l2announcements: { enabled: true },
    gatewayAPI: { enabled: true },
    hubble: { enabled: true, relay: { enabled: true }, ui: { enabled: true } },
  });
});

test("the policy pack finds nothing on the platform", () => {
  const platform = report.violations.filter((violation) => violation.type.startsWith("kubernetes:"));
  expect(platform.map((violation) => `${violation.policyName} ${violation.name}: ${violation.message}`)).toEqual([]);
});
