import type { PackConfig } from "../../policy/config";
import { CONTAINER, NETWORK, findingsOf, labels, planned, violationsOf } from "./harness";

function container(name: string, zone: string, inputs: Record<string, unknown> = {}) {
  return planned(CONTAINER, name, { name, image: "img", memory: 128, labels: labels({ "homeops.host": "h1", "homeops.zone": zone }), ...inputs });
}

function network(name: string, inputs: Record<string, unknown> = {}, extraLabels: Record<string, string> = {}) {
  return planned(NETWORK, name, { name, labels: labels({ "homeops.host": "h1", ...extraLabels }), ...inputs });
}

const CAPACITY: PackConfig = { "docker-host-memory-capacity": { capacityMb: { h1: 1024 } } };

async function findings(policy: string, resources: ReturnType<typeof planned>[], config: PackConfig = CAPACITY) {
  return findingsOf(await violationsOf(resources, config), policy);
}

describe("docker-container-memory", () => {
  test("a positive memory passes", async () => {
    expect(await findings("docker-container-memory", [container("a", "app")])).toEqual([]);
  });

  test.each([
    [undefined, "Container a sets no memory limit. Fix: Set memory (MB) on a."],
    [0, "Container a has memory number 0, not a positive number of MB. Fix: Set memory (MB) on a."],
    [-5, "Container a has memory number -5, not a positive number of MB. Fix: Set memory (MB) on a."],
    ["512", `Container a has memory the string "512", not a positive number of MB. Fix: Set memory (MB) on a.`],
  ])("memory %j is a violation", async (memory, message) => {
    expect(await findings("docker-container-memory", [container("a", "app", { memory })])).toEqual([message]);
  });
});

describe("docker-container-trust-labels", () => {
  test("host and a known zone pass", async () => {
    expect(await findings("docker-container-trust-labels", [container("a", "observability")])).toEqual([]);
  });

  test("a missing host and an unknown zone are both named", async () => {
    const unlabelled = planned(CONTAINER, "a", { name: "a", memory: 64, labels: labels({ "homeops.zone": "dmz" }) });
    expect(await findings("docker-container-trust-labels", [unlabelled])).toEqual([
      "Container a has no homeops.host label and is not in the pack configuration's declarations. Fix: Label a with homeops.host=<the inventory host it runs on>, or declare it in the stack file.",
      `Container a has the unknown value "dmz" for its homeops.zone label. Fix: Label a with homeops.zone=<one of edge, tunnel, identity, management, observability, app, data>, or declare its zone in the stack file.`,
    ]);
  });
});

describe("docker-management-no-published-ports", () => {
  test("a management container with no ports passes; other zones may publish", async () => {
    const resources = [container("periphery", "management"), container("web", "app", { ports: [{ internal: 80, external: 8080, ip: "127.0.0.1" }] })];
    expect(await findings("docker-management-no-published-ports", resources)).toEqual([]);
  });

  test("even a loopback port on a management container is a violation", async () => {
    const periphery = container("periphery", "management", { ports: [{ internal: 8120, external: 8120, ip: "127.0.0.1" }] });
    expect(await findings("docker-management-no-published-ports", [periphery])).toEqual([
      "Management container periphery publishes 127.0.0.1:8120/tcp. Fix: Remove the ports of periphery; reach it over an internal network or the tunnel, as Newt reaches Periphery on newt-periphery.",
    ]);
  });
});

describe("docker-published-ports-allowed", () => {
  const config: PackConfig = { ...CAPACITY, "docker-published-ports-allowed": { allowedPorts: { h1: ["443/tcp", "51820/udp"] } } };

  test("allowed public ports and loopback ports pass", async () => {
    const ports = [{ internal: 443, external: 443 }, { internal: 51820, external: 51820, protocol: "udp" }, { internal: 9000, external: 9000, ip: "127.0.0.1" }];
    expect(await findings("docker-published-ports-allowed", [container("edge", "edge", { ports })], config)).toEqual([]);
  });

  test("other ports, other protocols, random host ports and unlisted hosts are violations", async () => {
    const ports = [{ internal: 80, external: 80, ip: "0.0.0.0" }, { internal: 443, external: 443, protocol: "udp" }, { internal: 3000 }];
    const elsewhere = planned(CONTAINER, "b", { name: "b", memory: 64, labels: labels({ "homeops.host": "h2", "homeops.zone": "app" }), ports: [{ internal: 443, external: 443 }] });
    const result = await findings("docker-published-ports-allowed", [container("edge", "edge", { ports }), elsewhere], { ...config, "docker-host-memory-capacity": { capacityMb: { h1: 1024, h2: 1024 } } });
    expect(result).toEqual([
      `Container b publishes 0.0.0.0:443/tcp on h2, which allows no ports on public addresses. Fix: Bind it to 127.0.0.1 or remove it; if h2 must serve it publicly, add "443/tcp" to allowedPorts["h2"].`,
      `Container edge publishes 0.0.0.0:<random>->3000/tcp on h1, which allows only 443/tcp, 51820/udp on public addresses. Fix: Bind it to 127.0.0.1 or remove it; if h1 must serve it publicly, add "<port>/tcp" to allowedPorts["h1"].`,
      `Container edge publishes 0.0.0.0:443/udp on h1, which allows only 443/tcp, 51820/udp on public addresses. Fix: Bind it to 127.0.0.1 or remove it; if h1 must serve it publicly, add "443/udp" to allowedPorts["h1"].`,
      `Container edge publishes 0.0.0.0:80/tcp on h1, which allows only 443/tcp, 51820/udp on public addresses. Fix: Bind it to 127.0.0.1 or remove it; if h1 must serve it publicly, add "80/tcp" to allowedPorts["h1"].`,
    ]);
  });
});

describe("docker-isolation-boundaries", () => {
  test("the finding names both containers and the shared network, on the protected container", async () => {
    const violations = await violationsOf([container("proxy", "edge", { networksAdvanced: [{ name: "front" }] }), container("ldap", "identity", { networksAdvanced: [{ name: "front" }] })], CAPACITY);
    const [violation] = violations.filter((v) => v.policyName === "docker-isolation-boundaries");
    expect([violation.name, violation.enforcementLevel]).toEqual(["ldap", "mandatory"]);
    expect(findingsOf(violations, "docker-isolation-boundaries")).toEqual([
      "ldap (zone identity) is reachable over network front from internet-facing proxy, which its reachableFrom (homeops.reachable-from) does not allow. Fix: Take ldap off network front (or the others off it); if this path is part of the design, list proxy in ldap's reachableFrom (homeops.reachable-from).",
    ]);
  });

  test("an edge container on the host network reaches an identity container on an internal network: the finding names both and the network", async () => {
    const resources = [container("agent", "edge", { networkMode: "host" }), container("ldap", "identity", { networksAdvanced: [{ name: "idp" }] }), network("idp", { internal: true })];
    expect(await findings("docker-isolation-boundaries", resources)).toEqual([
      "ldap (zone identity) is reachable over the host's address on network idp from internet-facing agent (network_mode: host), which its reachableFrom (homeops.reachable-from) does not allow. Fix: Give agent bridge networks instead of network_mode: host; if this path is part of the design, list agent in ldap's reachableFrom (homeops.reachable-from).",
    ]);
  });

  test("a host-network container outside the edge zone reaching an identity container is no violation", async () => {
    const resources = [container("agent", "observability", { networkMode: "host" }), container("ldap", "identity", { networksAdvanced: [{ name: "idp" }] }), network("idp", { internal: true })];
    expect(await findings("docker-isolation-boundaries", resources)).toEqual([]);
  });

  test("the configuration's declarations win over labels: a live label saying edge does not hide what the stack file declares", async () => {
    // As the engine shows an adopted container: its label is whatever it runs with.
    const resources = [container("proxy", "edge", { networksAdvanced: [{ name: "front" }] }), container("ldap", "edge", { networksAdvanced: [{ name: "front" }] })];
    expect(await findings("docker-isolation-boundaries", resources)).toEqual([]);
    const declared = { h1: { containers: { ldap: { zone: "identity" } }, networks: {} } };
    expect(await findings("docker-isolation-boundaries", resources, { ...CAPACITY, "docker-isolation-boundaries": { declared } })).toEqual([
      expect.stringMatching(/^ldap \(zone identity\) is reachable over network front from internet-facing proxy/),
    ]);
  });

  test("hosts are analysed separately: the same network name on another host is another network", async () => {
    const other = planned(CONTAINER, "ldap", { name: "ldap", memory: 64, labels: labels({ "homeops.host": "h2", "homeops.zone": "identity" }), networksAdvanced: [{ name: "front" }] });
    const config = { "docker-host-memory-capacity": { capacityMb: { h1: 1024, h2: 1024 } } };
    expect(await findings("docker-isolation-boundaries", [container("proxy", "edge", { networksAdvanced: [{ name: "front" }] }), other], config)).toEqual([]);
  });
});

describe("docker-shared-netns-declared", () => {
  test("a declared joiner passes, an undeclared one is named with the owner and networks", async () => {
    const owner = container("gerbil", "edge", { networksAdvanced: [{ name: "public" }], labels: labels({ "homeops.host": "h1", "homeops.zone": "edge", "homeops.netns-shared-with": "proxy" }) });
    const resources = [owner, container("proxy", "edge", { networkMode: "container:gerbil" }), container("intruder", "app", { networkMode: "container:gerbil" })];
    expect(await findings("docker-shared-netns-declared", resources)).toEqual([
      "Container intruder joins gerbil's network namespace (network_mode: container:gerbil), sharing public and gerbil's localhost, but gerbil's netnsSharedWith (homeops.netns-shared-with) does not list intruder. Fix: Give intruder its own networks, or add intruder to gerbil's netnsSharedWith (homeops.netns-shared-with) if the sharing is intended.",
    ]);
  });

  test("joining an undeclared container is a violation", async () => {
    expect(await findings("docker-shared-netns-declared", [container("a", "app", { networkMode: "container:ghost" })])).toEqual([
      "Container a uses network_mode container:ghost, but no container ghost is declared on h1. Fix: Declare ghost on h1, or give a its own networks.",
    ]);
  });
});

describe("docker-protected-network-internal", () => {
  const members = [
    container("ldap", "identity", { networksAdvanced: [{ name: "idp" }, { name: "outbound" }, { name: "internal-net" }] }),
    container("web", "app", { networksAdvanced: [{ name: "apps" }] }),
  ];

  test("internal networks, networks with an egress reason, and networks without protected members pass", async () => {
    const networks = [network("internal-net", { internal: true }), network("outbound", {}, { "homeops.egress-reason": "LDAP sync with upstream" }), network("apps")];
    expect(await findings("docker-protected-network-internal", [...members, ...networks])).toEqual([]);
  });

  test("a network holding an identity container without internal or a reason is a violation, on the network", async () => {
    const violations = await violationsOf([...members, network("idp"), network("outbound", {}, { "homeops.egress-reason": "  " })], CAPACITY);
    expect(violations.filter((v) => v.policyName === "docker-protected-network-internal").map((v) => v.name)).toEqual(["idp", "outbound"]);
    expect(findingsOf(violations, "docker-protected-network-internal")[0]).toBe(
      "Network idp on h1 holds identity/management containers ldap but is not internal and has no egressReason (homeops.egress-reason). Fix: Set internal: true on idp, or give it an egressReason (homeops.egress-reason): why ldap need egress.",
    );
  });
});

describe("docker-host-memory-capacity", () => {
  test("containers within the host's capacity pass", async () => {
    expect(await findings("docker-host-memory-capacity", [container("a", "app", { memory: 512 }), container("b", "app", { memory: 512 })])).toEqual([]);
  });

  test("over capacity: the sum and the capacity, reported on the stack", async () => {
    const violations = await violationsOf([container("a", "app", { memory: 768 }), container("b", "app", { memory: 512 })], CAPACITY);
    const [violation] = violations.filter((v) => v.policyName === "docker-host-memory-capacity");
    expect(violation.type).toBe("pulumi:pulumi:Stack");
    expect(findingsOf(violations, "docker-host-memory-capacity")).toEqual([
      "Docker host h1 declares 1280 MB (largest: a 768 MB, b 512 MB), more than its capacity of 1024 MB. Fix: Lower container memory limits on h1 or move containers elsewhere, or correct its capacity if the inventory understates it.",
    ]);
  });

  test("a host without a declared capacity is a violation", async () => {
    expect(await findings("docker-host-memory-capacity", [container("a", "app")], {})).toEqual([
      `Docker host h1 declares 128 MB (largest: a 128 MB), but the pack configuration gives no capacity for h1. Fix: Declare "h1": <MB> in docker-host-memory-capacity.capacityMb, from the host's inventory.`,
    ]);
  });
});

describe("docker-image-digest-pinned", () => {
  const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;
  const homeops = (name: string, reference: string, host = "h1") =>
    planned(CONTAINER, name, { name, image: `sha256:${"f".repeat(64)}`, memory: 64, labels: labels({ "homeops.host": host, "homeops.zone": "app", "homeops.image": reference }) });
  const required = (hosts: string[]): PackConfig => ({ ...CAPACITY, "docker-image-digest-pinned": { hosts } });

  test("nothing is required unless configured", async () => {
    expect(await findings("docker-image-digest-pinned", [homeops("a", "nginx:1.27")])).toEqual([]);
  });

  test("on a listed host, a pinned reference passes and a tag alone is a violation", async () => {
    const resources = [homeops("a", `nginx:1.27@${DIGEST}`), homeops("b", "nginx:1.27")];
    expect(await findings("docker-image-digest-pinned", resources, required(["h1"]))).toEqual([
      "Container b on h1 runs nginx:1.27, which is not pinned by digest. Fix: Write the image as nginx:1.27@sha256:<digest> (`docker buildx imagetools inspect nginx:1.27` prints it).",
    ]);
  });

  test("a host not listed is not checked; * lists every host", async () => {
    const elsewhere = homeops("c", "nginx:1.27", "h2");
    const config = { "docker-host-memory-capacity": { capacityMb: { h1: 1024, h2: 1024 } } };
    expect(await findings("docker-image-digest-pinned", [elsewhere], { ...config, "docker-image-digest-pinned": { hosts: ["h1"] } })).toEqual([]);
    expect(await findings("docker-image-digest-pinned", [elsewhere], { ...config, "docker-image-digest-pinned": { hosts: ["*"] } })).toHaveLength(1);
  });

  test("a reference passed as the image input is checked over any label", async () => {
    const foreign = planned(CONTAINER, "d", { name: "d", image: "redis:7", memory: 64, labels: labels({ "homeops.host": "h1", "homeops.zone": "app", "homeops.image": `redis:7@${DIGEST}` }) });
    expect(await findings("docker-image-digest-pinned", [foreign], required(["h1"]))).toEqual([
      "Container d on h1 runs redis:7, which is not pinned by digest. Fix: Write the image as redis:7@sha256:<digest> (`docker buildx imagetools inspect redis:7` prints it).",
    ]);
  });

  test("an image id with no label is a violation: the digest cannot be checked", async () => {
    const unlabelled = planned(CONTAINER, "e", { name: "e", image: `sha256:${"f".repeat(64)}`, memory: 64, labels: labels({ "homeops.host": "h1", "homeops.zone": "app" }) });
    expect(await findings("docker-image-digest-pinned", [unlabelled], required(["h1"]))).toEqual([
      "Container e on h1 runs an image whose reference is unknown (its image input is an image id, and neither a homeops.image label nor the pack configuration's declarations name it), so its digest cannot be checked. Fix: Declare e's image in the stack file as repository:tag@sha256:<digest>, or pass that reference as its image.",
    ]);
  });
});
