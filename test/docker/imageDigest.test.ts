/**
 * Images pinned by digest: accepted where an image is, recorded in the plan, and required by
 * the policy pack on the hosts whose inventory asks for it.
 */
import { createHash } from "node:crypto";
import { evaluatePlan, violationDetail } from "../../policy/evaluate";
import { runOfflinePreview } from "../../tools/plan/offlinePreview";
import { policyConfigForStack } from "../../tools/plan/policyConfig";
import type { Plan } from "../../policy/contract/plan";
import { writeStackFile } from "../support/runCli";
import { tempDir } from "../support/tempDirs";
import { brokenConfig, containerIn, stackConfigData } from "../support/stackConfig";

/** A well-formed digest for `image` (offline, nothing checks it against a registry). */
const digestOf = (image: string) => `sha256:${createHash("sha256").update(image).digest("hex")}`;
const HOST = "racknerd-aegis";

describe("the image reference", () => {
  test("repository:tag@sha256:<64 hex> is accepted", () => {
    expect(brokenConfig("vps", (c) => (containerIn(c, "lldap").image += `@${digestOf("lldap")}`))).toEqual([]);
  });

  test.each([
    ["a short digest", "@sha256:abc123", /pinned by digest/],
    ["an upper-case digest", `@${digestOf("x").toUpperCase().replace("SHA256", "sha256")}`, /pinned by digest/],
    ["another algorithm", `@sha512:${"a".repeat(128)}`, /pinned by digest/],
  ])("%s is refused", (_kind, suffix, rule) => {
    expect(brokenConfig("vps", (c) => (containerIn(c, "lldap").image += suffix))).toEqual([{ key: "homeops:dockerStacks[2].containers[0].image", message: expect.stringMatching(rule) }]);
  });

  test("a digest does not replace the tag", () => {
    const issues = brokenConfig("vps", (c) => (containerIn(c, "lldap").image = `lldap/lldap@${digestOf("lldap")}`));
    expect(issues).toEqual([{ key: "homeops:dockerStacks[2].containers[0].image", message: expect.stringMatching(/explicit tag/) }]);
  });

  test(":latest stays refused with a digest", () => {
    const issues = brokenConfig("vps", (c) => (containerIn(c, "lldap").image = `lldap/lldap:latest@${digestOf("lldap")}`));
    expect(issues).toEqual([{ key: "homeops:dockerStacks[2].containers[0].image", message: "must pin a version, not :latest" }]);
  });

  test("the separate digest field is gone: one way to pin", () => {
    const issues = brokenConfig("vps", (c) => (containerIn(c, "lldap").digest = digestOf("lldap")));
    expect(issues).toEqual([{ key: "homeops:dockerStacks[2].containers[0].digest", message: "unknown key" }]);
  });
});

describe("a VPS whose host requires digests, with every image pinned but Periphery's", () => {
  const config = stackConfigData("vps");
  config.dockerHosts[HOST].requireImageDigests = true;
  const pinned = new Map<string, string>();
  for (const stack of config.dockerStacks) {
    for (const container of stack.containers) {
      if (container.name === "periphery") continue;
      container.image = `${container.image}@${digestOf(container.image)}`;
      pinned.set(container.name, container.image);
    }
  }
  const stackFile = writeStackFile(tempDir(), config);
  let plan: Plan;
  beforeAll(async () => {
    plan = await runOfflinePreview({ stack: "vps", configFile: stackFile });
  }, 120_000);
  const containers = () => plan.resources.filter((resource) => resource.type === "docker:index/container:Container");
  const labelOf = (inputs: Record<string, unknown>, label: string) => (inputs.labels as { label: string; value: string }[]).find((entry) => entry.label === label)?.value;

  test("each container's plan entry carries the reference it runs, digest included", () => {
    for (const container of containers()) {
      const name = container.inputs.name as string;
      expect({ name, image: labelOf(container.inputs, "homeops.image") }).toEqual({ name, image: pinned.get(name) ?? containerIn(config, name).image });
    }
    expect(pinned.size).toBe(containers().length - 1);
  });

  test("the image is pulled by that reference, and the container runs the pulled image's id", () => {
    const lldap = containers().find((container) => container.inputs.name === "lldap")!;
    const image = plan.resources.find((resource) => resource.type === "docker:index/remoteImage:RemoteImage" && resource.inputs.name === pinned.get("lldap"));
    expect(image).toBeDefined();
    expect(lldap.dependencies).toContain(image!.urn);
    expect(lldap.inputs.image).toMatch(/^sha256:[a-f0-9]{64}$/);
  });

  test("the pack, configured from the inventory, refuses the one image without a digest", async () => {
    const policyConfig = policyConfigForStack("vps", stackFile);
    expect(policyConfig["docker-image-digest-pinned"]).toMatchObject({ hosts: [HOST] });
    const violations = (await evaluatePlan(plan, policyConfig)).violations.filter((violation) => violation.policyName === "docker-image-digest-pinned");
    const periphery = containerIn(config, "periphery").image;
    expect(violations.map(violationDetail)).toEqual([
      `Container periphery on ${HOST} runs ${periphery}, which is not pinned by digest. Fix: Write the image as ${periphery}@sha256:<digest> (\`docker buildx imagetools inspect ${periphery}\` prints it).`,
    ]);
  });
});
