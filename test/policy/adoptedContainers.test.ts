/**
 * The running estate after `pulumi import`, as a preview shows it to the policies.
 *
 * kreuzwerker/terraform-provider-docker (83c00e0b; @pulumi/docker 5.2.0 wraps its v3 line),
 * internal/provider/resource_docker_container_funcs.go, resourceDockerContainerRead, reads
 * back from a running container neither its labels nor its env ("We decided not to set the
 * environment variables and labels"), nor `volumes` or `upload` ("can't be imported"); it
 * reads `ports`, `devices`, `log_opts` and `networks_advanced` only when the state already
 * has them (`d.GetOk`), which an import's does not; it reads `network_mode` as Docker holds
 * it, `container:<id>` for a shared namespace. Every one of these is ForceNew in
 * resource_docker_container.go. Networks and volumes it reads with
 * their live labels (compose's). The engine resets each ignored input to the imported
 * state's value, deleting it where that has none (pulumi/pulumi
 * sdk/go/common/resource/properties_path.go, PropertyPath.Reset), before Analyze.
 */
import { createHash } from "node:crypto";
import { evaluatePlan, violationDetail } from "../../policy/evaluate";
import type { PackConfig } from "../../policy/config";
import { namespaceOwner } from "../../policy/contract/docker";
import type { Plan, PlannedResource } from "../../policy/contract/plan";
import { policyConfigForStack } from "../../tools/plan/policyConfig";
import { stackPreview } from "../support/previews";
import { ROOT } from "../support/stackConfig";
import { reachabilityOf, vpsStack, withContainer, withContainerOn, withDeclaration } from "./fixtures/vps";
import { CONTAINER, NETWORK } from "./harness";

const VOLUME = "docker:index/volume:Volume";

/** Container arguments the provider does not read back on import (the header's source). */
const NOT_READ_FROM_A_CONTAINER = ["labels", "envs", "volumes", "uploads", "ports", "devices", "logOpts", "networksAdvanced"];

type Inputs = Record<string, unknown>;
type Label = { label: string; value: string };

/** What compose-made networks and volumes carry: their own labels without `homeops.*`, and compose's project label. */
function liveLabels(labels: unknown): Label[] {
  const own = ((labels ?? []) as Label[]).filter(({ label }) => !label.startsWith("homeops."));
  return [...own, { label: "com.docker.compose.project", value: "komodo-deployed" }];
}

/** A container id as Docker would give it. */
const containerId = (name: string) => createHash("sha256").update(name).digest("hex");

/** What the provider reads of a running resource into the imported state. */
function importedState(resource: PlannedResource): Inputs {
  if (resource.type !== CONTAINER) return { ...resource.inputs, labels: liveLabels(resource.inputs.labels) };
  const imported = Object.fromEntries(Object.entries(resource.inputs).filter(([key]) => !NOT_READ_FROM_A_CONTAINER.includes(key)));
  const owner = namespaceOwner(resource.inputs.networkMode as string | undefined);
  return owner ? { ...imported, networkMode: `container:${containerId(owner)}` } : imported;
}

/** The engine's ignoreChanges: each ignored input as the imported state has it, or gone. */
function withIgnoredReset(inputs: Inputs, imported: Inputs, ignored: readonly string[]): Inputs {
  const reset = { ...inputs };
  for (const key of ignored) {
    if (key in imported) reset[key] = imported[key];
    else delete reset[key];
  }
  return reset;
}

const keptAsRunning = (resource: PlannedResource) => resource.ignoreChanges.length > 0;

/** The plan as a preview after `pulumi import` shows it to the pack. */
function asImported(plan: Plan): Plan {
  return {
    ...plan,
    resources: plan.resources.map((resource) => {
      if (!keptAsRunning(resource)) return resource;
      const imported = importedState(resource);
      const inputs = withIgnoredReset(resource.inputs, imported, resource.ignoreChanges);
      return { ...resource, inputs, outputs: resource.outputs && withIgnoredReset(resource.outputs, imported, resource.ignoreChanges) };
    }),
  };
}

async function verdicts(plan: Plan, config: PackConfig) {
  const report = await evaluatePlan(plan, config);
  return report.violations.map((violation) => `${violation.enforcementLevel} ${violation.policyName} ${violation.name}: ${violationDetail(violation)}`).sort();
}

const config = (stack: string) => policyConfigForStack(stack, `${ROOT}/Pulumi.${stack}.yaml`);

describe.each(["vps", "homelab"])("%s: adopted Docker resources", (stack) => {
  test("every container, network and volume the estate runs is kept as it runs; what the estate lacks is created and managed", async () => {
    const { plan } = await stackPreview(stack);
    const docker = plan.resources.filter((resource) => [CONTAINER, NETWORK, VOLUME].includes(resource.type));
    expect(docker.filter(keptAsRunning).length).toBeGreaterThan(docker.length / 2);
    // The homelab declares one stack the estate lacks (server04-alloy): created, so labelled.
    const created = docker.filter((resource) => !keptAsRunning(resource)).map((resource) => resource.name);
    expect(created).toEqual(stack === "homelab" ? ["server04-alloy/server04-alloy-alloy-1"] : []);
  });

  test("after import, no adopted container differs in an argument that would replace it, and none is replaced without a deliberate --replace", async () => {
    const { plan } = await stackPreview(stack);
    const adopted = plan.resources.filter((resource) => resource.type === CONTAINER && keptAsRunning(resource));
    // A replacement a plain `up` made would be created from the imported state, which lacks what
    // the provider does not read; only `pulumi up --replace` creates it from the program in full.
    expect(adopted.filter((container) => !container.protect).map((container) => container.name)).toEqual([]);
    for (const container of adopted) {
      const imported = importedState(container);
      const differing = Object.keys(container.inputs).filter(
        (key) => JSON.stringify(imported[key]) !== JSON.stringify(container.inputs[key]) && !container.ignoreChanges.includes(key),
      );
      expect({ container: container.name, differing }).toEqual({ container: container.name, differing: [] });
    }
  });

  test("the pack reaches the same verdicts on what an import leaves it as on the declared inputs", async () => {
    const { plan } = await stackPreview(stack);
    const imported = asImported(plan);
    const containers = imported.resources.filter((resource) => resource.type === CONTAINER && keptAsRunning(resource));
    expect(containers.some((resource) => ["networksAdvanced", "ports", "envs", "labels"].some((input) => input in resource.inputs))).toBe(false);
    expect(await verdicts(imported, config(stack))).toEqual(await verdicts(plan, config(stack)));
  });
});

describe("the VPS after import, broken in the stack file", () => {
  test("as it is, each container is on the networks and in the namespace it declares", async () => {
    const vps = await vpsStack();
    const networking = (plan: Plan) => reachabilityOf({ ...vps, plan }).containers.map(({ name, networks, networkMode }) => ({ name, networks, networkMode }));
    expect(networking(asImported(vps.plan))).toEqual(networking(vps.plan));
  });

  test("LLDAP joined to Pangolin's network is refused, from the declarations alone", async () => {
    const vps = await vpsStack();
    const network = "pangolin-internal";
    const broken = withDeclaration(withContainerOn(vps, "lldap", network), "lldap", (declared) => ({ ...declared, networks: [...(declared.networks ?? []), network] }));
    const found = await verdicts(asImported(broken.plan), broken.config);
    expect(found).toEqual([expect.stringMatching(new RegExp(`^mandatory docker-isolation-boundaries aegis-identity/lldap: lldap \\(zone identity\\) is reachable over network ${network} from internet-facing `))]);
  });

  test("the Docker socket mounted into LLDAP is refused, from the declarations alone", async () => {
    const vps = await vpsStack();
    const socket = "/var/run/docker.sock";
    const mounted = withContainer(vps, "lldap", (inputs) => ({ ...inputs, volumes: [...((inputs.volumes ?? []) as object[]), { hostPath: socket, containerPath: socket, readOnly: true }] }));
    const broken = withDeclaration(mounted, "lldap", (declared) => ({ ...declared, hostPaths: [...(declared.hostPaths ?? []), socket] }));
    expect(await verdicts(asImported(broken.plan), broken.config)).toEqual([
      `mandatory docker-socket-mount-allowed aegis-identity/lldap: Docker container lldap mounts the Docker socket ${socket}, which docker-socket-mount-allowed.dockerContainers does not allow. Fix: Remove the ${socket} mount from lldap, or add "lldap" to docker-socket-mount-allowed.dockerContainers if it needs the Docker API.`,
    ]);
  });

  test("a port published by LLDAP is refused, from the declarations alone", async () => {
    const vps = await vpsStack();
    const port = { internal: 17170, external: 17170, ip: "0.0.0.0", protocol: "tcp" as const };
    const published = withContainer(vps, "lldap", (inputs) => ({ ...inputs, ports: [port] }));
    const broken = withDeclaration(published, "lldap", (declared) => ({ ...declared, ports: [port] }));
    const found = await verdicts(asImported(broken.plan), broken.config);
    expect(found.map((verdict) => verdict.split(":")[0])).toEqual([
      "mandatory docker-isolation-boundaries aegis-identity/lldap",
      // Published on the host's public address, LLDAP faces the internet itself, and reaches PocketID.
      "mandatory docker-isolation-boundaries aegis-identity/pocketid",
      "mandatory docker-published-ports-allowed aegis-identity/lldap",
    ]);
  });

  test("without the declarations, the pack says each adopted container lacks its zone", async () => {
    const { plan } = await stackPreview("vps");
    const imported = asImported(plan);
    const adoptedContainers = imported.resources.filter((resource) => resource.type === CONTAINER && keptAsRunning(resource));
    const found = await verdicts(imported, { ...config("vps"), "docker-container-trust-labels": {} });
    for (const container of adoptedContainers) {
      expect(found).toContain(`mandatory docker-container-trust-labels ${container.name}: Container ${container.inputs.name} has no homeops.zone label. Fix: Label ${container.inputs.name} with homeops.zone=<one of edge, tunnel, identity, management, observability, app, data>, or declare its zone in the stack file.`);
    }
  });
});
