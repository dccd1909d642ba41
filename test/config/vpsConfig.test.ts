import { formatIssues } from "../../config/errors";
import { brokenConfig, configProblems, containerIn, stackConfigData } from "../support/stackConfig";

const valid = stackConfigData("vps");

const broken = (mutate: (config: Record<string, any>) => void) => brokenConfig("vps", mutate);

test("the committed VPS config is valid", () => {
  expect(configProblems("vps", valid)).toEqual([]);
});

describe("bad VPS config is refused with the key and the rule", () => {
  test.each<[string, (config: Record<string, any>) => void, string, RegExp]>([
    ["a container on an unknown network", (c) => (containerIn(c, "lldap").networks = ["pangolin-intrnal"]), "homeops:dockerStacks[2].containers[0].networks[0]", /unknown network "pangolin-intrnal" on host racknerd-aegis/],
    ["a duplicate container name on a host", (c) => (containerIn(c, "pocketid").name = "lldap"), "homeops:dockerStacks[2].containers[1].name", /"lldap" is already used on host racknerd-aegis/],
    ["a port published twice", (c) => containerIn(c, "aegis-crowdsec").ports.push("0.0.0.0:443:8443"), "homeops:dockerStacks[0].containers[1].ports[1]", /443\/tcp is already published on host racknerd-aegis by homeops:dockerStacks\[0\]\.containers\[0\]\.ports\[1\]/],
    ["memory above the host's capacity", (c) => (c.dockerHosts["racknerd-aegis"].memoryMb = 2048), "homeops:dockerHosts.racknerd-aegis.memoryMb", /limited to 3328 MB in total, more than the host's 2048 MB/],
    ["a stack on an unknown host", (c) => (c.dockerStacks[3].host = "racknerd"), "homeops:dockerStacks[3].host", /unknown Docker host "racknerd"/],
    ["a container without a memory limit", (c) => delete containerIn(c, "periphery").memoryMb, "homeops:dockerStacks[3].containers[0].memoryMb", /is required but not set/],
    ["a zero memory limit", (c) => (containerIn(c, "periphery").memoryMb = 0), "homeops:dockerStacks[3].containers[0].memoryMb", /expected number to be >0/],
    ["an unpinned image", (c) => (containerIn(c, "periphery").image = "mohitsharma44/komodo-periphery-sops:latest"), "homeops:dockerStacks[3].containers[0].image", /must pin a version/],
    ["an image without a tag", (c) => (containerIn(c, "periphery").image = "mohitsharma44/komodo-periphery-sops"), "homeops:dockerStacks[3].containers[0].image", /explicit tag/],
    ["a plaintext credential", (c) => (containerIn(c, "lldap").env.LLDAP_JWT_SECRET = "hunter2"), "homeops:dockerStacks[2].containers[0].env.LLDAP_JWT_SECRET", /credential in plaintext/],
    ["an undeclared generated secret", (c) => (containerIn(c, "lldap").env.LLDAP_JWT_SECRET = { generated: "lldap-jwt-secret" }), "homeops:dockerStacks[2].containers[0].env.LLDAP_JWT_SECRET", /"lldap-jwt-secret" is not declared in homeops:generatedSecrets/],
    ["waiting for health without a healthcheck", (c) => delete containerIn(c, "lldap").healthcheck, "homeops:dockerStacks[2].containers[1].dependsOn.lldap", /no healthcheck/],
    ["a dependency on a missing container", (c) => (containerIn(c, "pocketid").dependsOn = { ldap: "started" }), "homeops:dockerStacks[2].containers[1].dependsOn.ldap", /no container "ldap" on host racknerd-aegis/],
    ["a dependency cycle", (c) => (containerIn(c, "lldap").dependsOn = { pocketid: "started" }), "homeops:dockerStacks", /cycle: (lldap -> pocketid -> lldap|pocketid -> lldap -> pocketid)/],
    ["a namespace owner that does not exist", (c) => (containerIn(c, "pangolin-traefik").networkMode = "container:gerbl"), "homeops:dockerStacks[1].containers[2].networkMode", /no container "gerbl"/],
    ["networks and networkMode together", (c) => (containerIn(c, "pangolin-traefik").networks = ["traefik-public"]), "homeops:dockerStacks[1].containers[2].networkMode", /exclude each other/],
    ["ports on a host-network container", (c) => (containerIn(c, "racknerd-aegis-alloy-alloy-1").ports = ["12345"]), "homeops:dockerStacks[6].containers[0].ports", /host-network container cannot publish ports/],
    ["a malformed port", (c) => (containerIn(c, "aegis-traefik").ports = ["80:70000"]), "homeops:dockerStacks[0].containers[1].ports[0]", /not a port/],
    ["a mount of an undeclared volume", (c) => containerIn(c, "lldap").mounts.push("lldap-backup:/backup"), "homeops:dockerStacks[2].containers[0].mounts[1]", /volume "lldap-backup" is not declared/],
    ["an unknown trust zone", (c) => (containerIn(c, "lldap").zone = "trusted"), "homeops:dockerStacks[2].containers[0].zone", /Invalid option/],
    ["an invalid domain", (c) => (c.domain = "sharmamohit"), "homeops:domain", /must be a DNS domain/],
    ["an invalid host address", (c) => (c.dockerHosts["racknerd-aegis"].address = "23.94.73.98:2244"), "homeops:dockerHosts.racknerd-aegis.address", /./],
    ["a label in the program's own homeops.* namespace", (c) => (containerIn(c, "lldap").labels = { "homeops.zone": "edge" }), "homeops:dockerStacks[2].containers[0].labels.homeops.zone", /^homeops\.\* labels are set by the program$/],
    ["a network name Docker refuses", (c) => (c.dockerHosts["racknerd-aegis"].networks["-public"] = { purpose: "x" }), "homeops:dockerHosts.racknerd-aegis.networks.-public", /must be a Docker network name/],
    ["host isolation on a network with egress", (c) => (c.dockerHosts["racknerd-aegis"].networks["newt-periphery"].isolatedFromHost = true), "homeops:dockerHosts.racknerd-aegis.networks.newt-periphery.isolatedFromHost", /needs internal: true/],
    ["missing required keys", (c) => delete c.dockerHosts, "homeops:dockerHosts", /is required but not set/],
  ])("%s", (_kind, mutate, key, message) => {
    const issues = broken(mutate);
    expect(issues).toContainEqual({ key, message: expect.stringMatching(message) });
  });
});

test("issues are printed one per line under their key", () => {
  const text = formatIssues([{ key: "homeops:domain", message: "must be a DNS domain like example.com" }]);
  expect(text).toBe("Invalid stack configuration (1 problem):\n  homeops:domain: must be a DNS domain like example.com");
});
