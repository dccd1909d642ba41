/**
 * Adopted Docker resources keep the labels they run with (`ignoreChanges: ["labels"]`: Docker
 * replaces a container or network to change one). The engine then hands the policies the
 * live labels (pulumi/pulumi step_generator.go applies ignoreChanges before Analyze, and
 * AnalyzeStack reads the resulting state): compose's, never `homeops.*`. The verdicts must
 * hold on that view, from the declarations the plan tool writes into the pack configuration.
 */
import { evaluatePlan, violationDetail } from "../../policy/evaluate";
import type { PackConfig } from "../../policy/config";
import type { Plan, PlannedResource } from "../../policy/contract/plan";
import { policyConfigForStack } from "../../tools/plan/policyConfig";
import { stackPreview } from "../support/previews";
import { ROOT } from "../support/stackConfig";
import { vpsStack, withContainerOn } from "./fixtures/vps";
import { CONTAINER, NETWORK } from "./harness";

const VOLUME = "docker:index/volume:Volume";

type Label = { label: string; value: string };

/** What a compose-made resource carries instead: its own labels without `homeops.*`, and compose's project label. */
function liveLabels(labels: unknown): Label[] {
  const own = ((labels ?? []) as Label[]).filter(({ label }) => !label.startsWith("homeops."));
  return [...own, { label: "com.docker.compose.project", value: "komodo-deployed" }];
}

const keepsLiveLabels = (resource: PlannedResource) => resource.ignoreChanges.includes("labels");

/** The plan as a preview after `pulumi import` shows it: every resource that keeps its live labels shows those. */
function asImported(plan: Plan): Plan {
  return {
    ...plan,
    resources: plan.resources.map((resource) => {
      if (!keepsLiveLabels(resource)) return resource;
      const live = { labels: liveLabels(resource.inputs.labels) };
      return { ...resource, inputs: { ...resource.inputs, ...live }, outputs: resource.outputs && { ...resource.outputs, ...live } };
    }),
  };
}

async function verdicts(plan: Plan, config: PackConfig) {
  const report = await evaluatePlan(plan, config);
  return report.violations.map((violation) => `${violation.enforcementLevel} ${violation.policyName} ${violation.name}: ${violationDetail(violation)}`).sort();
}

const config = (stack: string) => policyConfigForStack(stack, `${ROOT}/Pulumi.${stack}.yaml`);

describe.each(["vps", "homelab"])("%s: adopted Docker resources", (stack) => {
  test("every container, network and volume the estate runs keeps its live labels; what the estate lacks gets the program's", async () => {
    const { plan } = await stackPreview(stack);
    const docker = plan.resources.filter((resource) => [CONTAINER, NETWORK, VOLUME].includes(resource.type));
    const adopted = docker.filter(keepsLiveLabels);
    expect(adopted.length).toBeGreaterThan(docker.length / 2);
    // The homelab declares one stack the estate lacks (server04-alloy): created, so labelled.
    const created = docker.filter((resource) => !keepsLiveLabels(resource)).map((resource) => resource.name);
    expect(created).toEqual(stack === "homelab" ? ["server04-alloy/server04-alloy-alloy-1"] : []);
  });

  test("the pack reaches the same verdicts on the live labels as on the declared ones", async () => {
    const { plan } = await stackPreview(stack);
    const imported = asImported(plan);
    const stripped = imported.resources.filter(keepsLiveLabels).flatMap((resource) => resource.inputs.labels as Label[]);
    expect(stripped.some(({ label }) => label.startsWith("homeops."))).toBe(false);
    expect(await verdicts(imported, config(stack))).toEqual(await verdicts(plan, config(stack)));
  });
});

describe("the VPS after import, broken", () => {
  test("LLDAP joined to Pangolin's network is refused, from the declarations alone", async () => {
    const vps = await vpsStack();
    const pangolinNetwork = "pangolin-internal";
    expect(vps.plan.resources.some((resource) => resource.type === NETWORK && resource.inputs.name === pangolinNetwork)).toBe(true);
    const found = await verdicts(asImported(withContainerOn(vps, "lldap", pangolinNetwork).plan), vps.config);
    expect(found).toEqual([expect.stringMatching(new RegExp(`^mandatory docker-isolation-boundaries aegis-identity/lldap: lldap \\(zone identity\\) is reachable over network ${pangolinNetwork} from internet-facing `))]);
  });

  test("without the declarations, the live labels name no zone, and the pack says so for each adopted container", async () => {
    const { plan } = await stackPreview("vps");
    const imported = asImported(plan);
    const adoptedContainers = imported.resources.filter((resource) => resource.type === CONTAINER && keepsLiveLabels(resource));
    const found = await verdicts(imported, { ...config("vps"), "docker-container-trust-labels": {} });
    for (const container of adoptedContainers) {
      expect(found).toContain(`mandatory docker-container-trust-labels ${container.name}: Container ${container.inputs.name} has no homeops.zone label. Fix: Label ${container.inputs.name} with homeops.zone=<one of edge, tunnel, identity, management, observability, app, data>, or declare its zone in the stack file.`);
    }
  });
});
