import { readdirSync } from "node:fs";
import { join } from "node:path";
import { adoptKomodoFile } from "../../tools/adopt/estate";
import { checkStackFile, compareEstate, DEFAULT_ESTATE_ROOT } from "../../tools/adopt/check";

const RESOURCES = join(DEFAULT_ESTATE_ROOT, "docker", "komodo-resources");

describe("the stack files declare the live estate", () => {
  const results = Object.fromEntries(["vps", "homelab"].map((stack) => [stack, checkStackFile(stack, { estateRoot: DEFAULT_ESTATE_ROOT })]));

  it.each(["vps", "homelab"])("%s differs from the estate only where it declares why", (stack) => {
    expect(results[stack].undeclared).toEqual([]);
    expect(results[stack].stale).toEqual([]);
  });

  it("covers every Komodo stack of the eight Docker hosts", () => {
    const komodoStacks = readdirSync(RESOURCES)
      .filter((file) => file.startsWith("stacks-"))
      .flatMap((file) => adoptKomodoFile(join(RESOURCES, file), DEFAULT_ESTATE_ROOT));
    expect(new Set(komodoStacks.map((one) => one.stack.host)).size).toBe(8);
    // Each is compared: a stack the files lacked would be an undeclared difference above, so
    // here only that the comparison saw them all.
    const compared = new Set([...results.vps.declared, ...results.homelab.declared].map((entry) => entry.where.split(" ")[0]));
    for (const stack of ["storage/garage", "storage/garage-snapshotter", "storage/backup-verifier", "server04/vaultwarden", "komodo/komodo-core"]) expect(compared).toContain(stack);
  });
});

describe("the comparison", () => {
  const adopted = adoptKomodoFile(join(RESOURCES, "stacks-kasm.toml"), DEFAULT_ESTATE_ROOT);
  const hosts = { kasm: { networks: { newt_default: { purpose: "p" } } } };
  const stacks = () =>
    JSON.parse(JSON.stringify(adopted.map((one) => one.stack))).map((stack: { containers: Record<string, unknown>[] }) => ({
      ...stack,
      containers: stack.containers.map((container) => ({ ...container, zone: "app", memoryMb: container.memoryMb ?? 128, deviations: container.memoryMb ? [] : [{ field: "memoryMb", reason: "policy" }] })),
    }));

  it("accepts the adopted entries with their declared deviation", () => {
    const result = compareEstate(hosts, stacks(), adopted);
    expect(result).toMatchObject({ undeclared: [], stale: [] });
    expect(result.declared).toEqual([{ where: "kasm/newt newt", field: "memoryMb", reason: "policy" }]);
  });

  it.each([
    ["an env value", (s: any) => (s[0].containers[0].env.PANGOLIN_ENDPOINT = "https://elsewhere"), "kasm/newt newt", "env.PANGOLIN_ENDPOINT"],
    ["a restart policy", (s: any) => (s[1].containers[0].restart = "always"), "kasm/kasm-alloy kasm-alloy-alloy-1", "restart"],
    ["a volume's Docker name", (s: any) => (s[1].volumes["alloy-data"] = { dockerName: "other" }), "kasm/kasm-alloy", "volumes.alloy-data"],
    ["a renamed container", (s: any) => (s[0].containers[0].name = "newt-2"), "kasm/newt", "containers.newt"],
    ["a healthcheck interval", (s: any) => (s[1].containers[0].healthcheck.interval = "10s"), "kasm/kasm-alloy kasm-alloy-alloy-1", "healthcheck.interval"],
  ])("reports an undeclared difference in %s", (_, change, where, field) => {
    const changed = stacks();
    change(changed);
    expect(compareEstate(hosts, changed, adopted).undeclared).toContainEqual(expect.objectContaining({ where, field }));
  });

  it("reports a deviation that no longer differs, and a network the estate lacks", () => {
    const changed = stacks();
    changed[1].containers[0].deviations = [{ field: "image", reason: "old" }];
    const result = compareEstate({ kasm: { networks: { newt_default: { purpose: "p" }, extra: { purpose: "p" } } } }, changed, adopted);
    expect(result.stale).toEqual([{ where: "kasm/kasm-alloy kasm-alloy-alloy-1", field: "image", reason: "old" }]);
    expect(result.undeclared).toContainEqual(expect.objectContaining({ where: "kasm network extra", field: "network" }));
  });
});
