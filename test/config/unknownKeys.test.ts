import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../config/errors";
import { loadVpsConfig } from "../../config/stacks";
import { keyDistance, nearestKey } from "../../config/unknownKeys";
import { talosExampleData } from "../homelab-compute/talosExample";
import { brokenConfig, configProblems, containerIn, copy, stackConfigData } from "../support/stackConfig";
import { withPresetPlatform } from "../platform/settings";

type Config = Record<string, any>;

describe("an unknown key is refused at any depth, with the nearest known key", () => {
  test.each<[string, "vps" | "homelab", (config: Config) => void, string, string]>([
    ["a misspelt top-level key", "vps", (c) => { c.dockerStackz = c.dockerStacks; delete c.dockerStacks; }, "homeops:dockerStackz", "unknown key; did you mean `homeops:dockerStacks`?"],
    ["a top-level key of the other stack", "vps", (c) => (c.proxmoxContainers = {}), "homeops:proxmoxContainers", "unknown key: no setting of this stack has that name, and no {configSecret: proxmoxContainers} refers to it"],
    ["a top-level list the program does not know", "homelab", (c) => (c.proxmoxVm = [{ name: "x" }]), "homeops:proxmoxVm", "unknown key; did you mean `homeops:proxmoxVms`?"],
    ["a top-level key nothing is close to", "homelab", (c) => (c.hypervisors = [{ name: "x" }]), "homeops:hypervisors", "unknown key: no setting of this stack has that name, and no {configSecret: hypervisors} refers to it"],
    ["a Docker host key", "vps", (c) => (c.dockerHosts["racknerd-aegis"].sshPrt = 22), "homeops:dockerHosts.racknerd-aegis.sshPrt", "unknown key; did you mean `sshPort`?"],
    ["a container key in another case", "vps", (c) => (containerIn(c, "lldap").memoryMB = 128), "homeops:dockerStacks[2].containers[0].memoryMB", "unknown key; did you mean `memoryMb`?"],
    ["a healthcheck key", "vps", (c) => (containerIn(c, "lldap").healthcheck.intervall = "5s"), "homeops:dockerStacks[2].containers[0].healthcheck.intervall", "unknown key; did you mean `interval`?"],
    ["a Docker network key", "vps", (c) => (c.dockerHosts["racknerd-aegis"].networks["aegis-identity_identity-internal"].interal = true), "homeops:dockerHosts.racknerd-aegis.networks.aegis-identity_identity-internal.interal", "unknown key; did you mean `internal`?"],
    ["a key nothing is close to", "vps", (c) => (containerIn(c, "lldap").restartPolicy = "always"), "homeops:dockerStacks[2].containers[0].restartPolicy", "unknown key"],
    ["a Proxmox node key", "homelab", (c) => (c.proxmox.nodes.r720xd.zfsArcMax = 1024), "homeops:proxmox.nodes.r720xd.zfsArcMax", "unknown key; did you mean `zfsArcMaxMb`?"],
    ["a VM key", "homelab", (c) => (c.proxmoxVms.seaweedfs.memoryMB = 8192), "homeops:proxmoxVms.seaweedfs.memoryMB", "unknown key; did you mean `memoryMb`?"],
    ["an Omni machine key", "homelab", (c) => (c.talos.machines[0].installDsk = "/dev/sda"), "homeops:talos.machines[0].installDsk", "unknown key; did you mean `installDisk`?"],
    ["a Proxmox secret reference key", "homelab", (c) => (c.proxmox.apiToken = { configSecret: "proxmoxApiToken", configSecrets: "x" }), "homeops:proxmox.apiToken.configSecrets", "unknown key; did you mean `configSecret`?"],
    ["an LXC feature", "homelab", (c) => (c.proxmoxContainers.komodo.features.nestng = true), "homeops:proxmoxContainers.komodo.features.nestng", "unknown key; did you mean `nesting`?"],
    ["a Talos CNI option", "homelab", (c) => (c.talos.cni = { name: "cilium", kubeProxyReplacment: true }), "homeops:talos.cni.kubeProxyReplacment", "unknown key; did you mean `kubeProxyReplacement`?"],
    ["a platform key", "homelab", (c) => (withPresetPlatform(c), c.platform.ingresController = c.platform.ingressController), "homeops:platform.ingresController", "unknown key; did you mean `ingressController`?"],
    ["an object store bucket", "homelab", (c) => (withPresetPlatform(c), c.platform.objectStore.buckets.lokiChunk = "x"), "homeops:platform.objectStore.buckets.lokiChunk", "unknown key; did you mean `lokiChunks`?"],
    ["a chart no release has", "homelab", (c) => (withPresetPlatform(c), c.platform.charts["cert-manger"] = c.platform.charts["cert-manager"]), "homeops:platform.charts.cert-manger", "unknown key; did you mean `cert-manager`?"],
    ["a DNS record key", "homelab", (c) => (c.dns.records[0].tll = 300), "homeops:dns.records[0].tll", "unknown key; did you mean `ttl`?"],
  ])("%s", (_kind, stack, mutate, key, message) => {
    expect(brokenConfig(stack, mutate)).toContainEqual({ key, message });
  });

  test.each<[string, (config: Config) => void, string, string]>([
    ["a Talos VM key", (c) => (c.talos.vm.memoryMB = 4096), "homeops:talos.vm.memoryMB", "unknown key; did you mean `memoryMb`?"],
    ["a Talos node key", (c) => (c.talos.nodes[0].vmid = 300), "homeops:talos.nodes[0].vmid", "unknown key; did you mean `vmId`?"],
  ])("on a Talos cluster of the program's own (the example): %s", (_kind, mutate, key, message) => {
    const config = copy(talosExampleData());
    mutate(config);
    expect(configProblems("homelab", config)).toContainEqual({ key, message });
  });

  test("a misspelt required key is reported as unknown, besides the missing one, and not the secrets it refers to", () => {
    const issues = brokenConfig("vps", (c) => {
      c.dockerStackz = c.dockerStacks;
      delete c.dockerStacks;
      c.racknerdAegisNewtNewtId = "a secret set with pulumi config set --secret";
    });
    expect(issues.map((issue) => issue.key).sort()).toEqual(["homeops:dockerStacks", "homeops:dockerStackz"]);
  });

  test("every unknown key of one object is reported under its own path", () => {
    const issues = brokenConfig("vps", (c) => Object.assign(containerIn(c, "lldap"), { imag: "x", zones: "edge" }));
    expect(issues).toEqual([
      { key: "homeops:dockerStacks[2].containers[0].imag", message: "unknown key; did you mean `image`?" },
      { key: "homeops:dockerStacks[2].containers[0].zones", message: "unknown key; did you mean `zone`?" },
    ]);
  });
});

describe("the program reads every key of its namespace the engine passes", () => {
  const vps = stackConfigData("vps");
  const engineConfig = (data: Config, others: Record<string, string>) => {
    const values = Object.fromEntries(Object.entries(data).map(([key, value]) => [`homeops:${key}`, typeof value === "string" ? value : JSON.stringify(value)]));
    pulumi.runtime.setAllConfig({ ...values, ...others });
  };
  const loadError = (): ConfigError => {
    try {
      loadVpsConfig();
    } catch (error) {
      if (error instanceof ConfigError) return error;
      throw error;
    }
    throw new Error("the config loaded");
  };
  afterEach(() => pulumi.runtime.setAllConfig({}));

  test("a key the schema does not name is refused; other namespaces are not ours", () => {
    engineConfig({ ...vps, dockerHostz: {} }, { "aws:region": "us-east-1", "proxmoxve:endpoint": "https://pve:8006" });
    expect(loadError().issues).toEqual([{ key: "homeops:dockerHostz", message: "unknown key; did you mean `homeops:dockerHosts`?" }]);
  });

  test("the committed stack with other namespaces beside it loads", () => {
    engineConfig(vps, { "aws:region": "us-east-1", "pulumi:tags": "{}" });
    expect(loadVpsConfig().domain).toBe(vps.domain);
  });
});

describe("config secrets share the namespace", () => {
  const homelab = stackConfigData("homelab");

  test("a key the inventory refers to as {configSecret} is not unknown, and its value is never parsed", () => {
    expect(configProblems("homelab", { ...homelab, proxmoxApiToken: "not { valid json or schema" })).toEqual([]);
  });

  test("a stored secret nothing refers to is unknown, with the referenced secret it is closest to", () => {
    expect(configProblems("homelab", { ...homelab, proxmoxApiTokn: "x" })).toEqual([
      { key: "homeops:proxmoxApiTokn", message: "unknown key; did you mean `homeops:proxmoxApiToken`?" },
    ]);
  });
});

describe("the suggestion", () => {
  test("counts case changes as nothing and a swap of neighbours as one edit", () => {
    expect(keyDistance("memoryMB", "memoryMb")).toBe(0);
    expect(keyDistance("memroyMb", "memoryMb")).toBe(1);
    expect(keyDistance("dockerStackz", "dockerStacks")).toBe(1);
    expect(keyDistance("", "abc")).toBe(3);
    expect(keyDistance("kitten", "sitting")).toBe(3);
  });

  test("is made only when close enough: a quarter of the key's length, at least one edit", () => {
    expect(nearestKey("dockerStackz", ["domain", "dockerHosts", "dockerStacks"])).toBe("dockerStacks");
    expect(nearestKey("proxmoxVms", ["proxmox", "proxmoxContainers"])).toBeUndefined();
    expect(nearestKey("ip", ["id", "vmId"])).toBe("id");
    expect(nearestKey("dokcrStaks", ["dockerStacks"])).toBeUndefined();
  });

  test("prefers the closest of several candidates", () => {
    expect(nearestKey("networkz", ["networkMode", "networks"])).toBe("networks");
  });
});
