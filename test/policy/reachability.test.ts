import { readContainer } from "../../policy/docker-inputs";
import {
  analyzeHost,
  isolationViolations,
  membersOf,
  netnsViolations,
  pathsBetween,
  reachableTargets,
  type ContainerNode,
} from "../../policy/reachability";
import type { Plan } from "../../policy/contract/plan";
import { VPS_CONTAINERS, vpsPlan, withContainer, withExtraContainer } from "./fixtures/vps";
import { CONTAINER, labels, viewOf } from "./harness";

function nodesOf(plan: Plan): ContainerNode[] {
  return plan.resources.filter((r) => r.type === CONTAINER).map((r) => readContainer(viewOf(r)).node);
}

const vps = () => analyzeHost("racknerd-aegis", nodesOf(vpsPlan()));

function node(name: string, extra: Partial<ContainerNode> = {}): ContainerNode {
  return { id: name, name, networks: [], networkMode: { kind: "networks" }, ports: [], reachableFrom: [], netnsSharedWith: [], ...extra };
}

describe("the seed's security boundaries on the VPS", () => {
  // docs/requirements.md, "Security boundaries that must hold": can a compromised <row> reach <column>?
  const table: [string, { periphery: boolean; lldap?: boolean; pangolin: boolean }][] = [
    ["aegis-traefik", { periphery: false, lldap: false, pangolin: false }],
    ["aegis-crowdsec", { periphery: false, lldap: false, pangolin: false }],
    ["gerbil", { periphery: false, lldap: false, pangolin: true }],
    ["pangolin-traefik", { periphery: false, lldap: false, pangolin: true }],
    ["pocketid", { periphery: false, lldap: true, pangolin: true }],
    ["lldap", { periphery: false, pangolin: false }],
    ["pangolin-newt", { periphery: true, lldap: false, pangolin: false }],
  ];
  const cells = table.flatMap(([from, row]) => Object.entries(row).map(([to, expected]) => [from, to, expected] as const));

  test.each(cells)("%s reaches %s: %s", (from, to, expected) => {
    expect(pathsBetween(vps(), from, to).length > 0).toBe(expected);
  });

  test("no internet-facing container reaches identity or management without an allowance", () => {
    expect(isolationViolations(vps())).toEqual([]);
  });
});

describe("paths and the networks they use", () => {
  test("a shared network", () => {
    expect(pathsBetween(vps(), "pocketid", "lldap")).toEqual(["network identity-internal"]);
    expect(pathsBetween(vps(), "gerbil", "pangolin")).toEqual(["network pangolin-internal"]);
  });

  test("container:X inherits X's networks and shares its namespace", () => {
    expect(pathsBetween(vps(), "pangolin-traefik", "pangolin")).toEqual(["network pangolin-internal"]);
    expect(pathsBetween(vps(), "pangolin-traefik", "gerbil")).toEqual([
      "network traefik-public",
      "network pangolin-internal",
      "gerbil's network namespace (network_mode: container:gerbil)",
      "ports 0.0.0.0:51820/udp, 0.0.0.0:21820/udp published by gerbil on racknerd-aegis",
    ]);
  });

  test("host-network containers reach each other and loopback-published ports; bridged ones do not", () => {
    const reach = vps();
    expect(pathsBetween(reach, "racknerd-aegis-alloy", "pangolin-client-obs")).toEqual(["the host network of racknerd-aegis"]);
    expect(pathsBetween(reach, "pangolin-client-obs", "aegis-crowdsec")).toEqual([
      "the host's address on network traefik-public",
      "port 127.0.0.1:6060/tcp published by aegis-crowdsec on racknerd-aegis",
    ]);
    expect(pathsBetween(reach, "aegis-traefik", "aegis-crowdsec")).toEqual(["network traefik-public"]);
    expect(pathsBetween(reach, "lldap", "aegis-crowdsec")).toEqual([]);
  });

  test("host-network containers reach every container on the host's networks, internal ones included, at its bridge address", () => {
    const reach = vps();
    expect(pathsBetween(reach, "racknerd-aegis-alloy", "periphery")).toEqual(["the host's address on network newt-periphery"]);
    // identity-internal is internal: the host still holds an address on it (moby/moby#47356).
    expect(pathsBetween(reach, "pangolin-client-obs", "lldap")).toEqual(["the host's address on network identity-internal"]);
    expect(pathsBetween(reach, "racknerd-aegis-alloy", "pangolin-traefik")).toEqual([
      "the host's address on network traefik-public",
      "the host's address on network pangolin-internal",
      "port 127.0.0.1:8081/tcp published by gerbil on racknerd-aegis",
      "ports 0.0.0.0:51820/udp, 0.0.0.0:21820/udp published by gerbil on racknerd-aegis",
    ]);
    const others = VPS_CONTAINERS.filter((name) => name !== "racknerd-aegis-alloy");
    expect([...reachableTargets(reach, "racknerd-aegis-alloy").keys()].sort()).toEqual([...others].sort());
  });

  test("a loopback-published port adds a path only for host-network containers; network_mode none is out of everyone's reach", () => {
    const reach = analyzeHost("h", [
      node("agent", { networkMode: { kind: "host" } }),
      node("db", { networks: ["back"], ports: [{ internal: 5432, external: 5432, ip: "127.0.0.1", protocol: "tcp" }] }),
      node("web", { networks: ["front"] }),
      node("sealed", { networkMode: { kind: "none" } }),
    ]);
    expect(pathsBetween(reach, "agent", "db")).toEqual(["the host's address on network back", "port 127.0.0.1:5432/tcp published by db on h"]);
    expect(pathsBetween(reach, "web", "db")).toEqual([]);
    expect(pathsBetween(reach, "agent", "sealed")).toEqual([]);
  });

  test("every container reaches ports published on public addresses, and so does the netns that publishes them", () => {
    const reach = vps();
    expect(pathsBetween(reach, "lldap", "aegis-traefik")).toEqual(["ports 0.0.0.0:80/tcp, 0.0.0.0:443/tcp published by aegis-traefik on racknerd-aegis"]);
    expect(pathsBetween(reach, "lldap", "pangolin-traefik")).toEqual(["ports 0.0.0.0:51820/udp, 0.0.0.0:21820/udp published by gerbil on racknerd-aegis"]);
  });

  test("a container does not reach itself, and unknown names reach nothing", () => {
    expect(pathsBetween(vps(), "gerbil", "gerbil")).toEqual([]);
    expect(pathsBetween(vps(), "nobody", "lldap")).toEqual([]);
  });

  test("reachableTargets lists every target with its paths", () => {
    const targets = reachableTargets(vps(), "pangolin-newt");
    expect(targets.get("periphery")).toEqual(["network newt-periphery"]);
    expect([...targets.keys()].sort()).toEqual(["aegis-traefik", "gerbil", "pangolin-traefik", "periphery"]);
  });

  test("membersOf includes namespace joiners", () => {
    expect(membersOf(vps(), "traefik-public").map((c) => c.name)).toEqual(["aegis-traefik", "aegis-crowdsec", "gerbil", "pangolin-traefik"]);
  });

  test("containers without declared networks share Docker's default bridge; network_mode none is alone", () => {
    const reach = analyzeHost("h", [node("a", { networks: ["bridge"] }), node("b", { networks: ["bridge"] }), node("c", { networkMode: { kind: "none" } })]);
    expect(pathsBetween(reach, "a", "b")).toEqual(["network bridge"]);
    expect(pathsBetween(reach, "a", "c")).toEqual([]);
  });

  test("namespace chains resolve to the root, and cycles terminate", () => {
    const chain = analyzeHost("h", [
      node("root", { networks: ["n"] }),
      node("mid", { networkMode: { kind: "container", owner: "root" } }),
      node("leaf", { networkMode: { kind: "container", owner: "mid" } }),
      node("other", { networks: ["n"] }),
    ]);
    expect(pathsBetween(chain, "other", "leaf")).toEqual(["network n"]);
    const cycle = analyzeHost("h", [node("a", { networkMode: { kind: "container", owner: "b" } }), node("b", { networkMode: { kind: "container", owner: "a" } })]);
    expect(pathsBetween(cycle, "a", "b")).toEqual(["b's network namespace (network_mode: container:b)"]);
  });
});

describe("boundary violations", () => {
  test("LLDAP attached to pangolin-internal is reached by gerbil and pangolin-traefik there", () => {
    const plan = withContainer("lldap", (inputs) => ({ ...inputs, networksAdvanced: [{ name: "identity-internal" }, { name: "pangolin-internal" }] }));
    const [violation, ...others] = isolationViolations(analyzeHost("racknerd-aegis", nodesOf(plan)));
    expect(others).toEqual([]);
    expect(violation.target.name).toBe("lldap");
    expect(violation.medium.label).toBe("network pangolin-internal");
    expect(violation.sources).toEqual(["gerbil", "pangolin-traefik"]);
    expect(violation.sourceCount).toBe(2);
  });

  test("periphery attached to traefik-public is reached by every edge container there", () => {
    const plan = withContainer("periphery", (inputs) => ({ ...inputs, networksAdvanced: [{ name: "newt-periphery" }, { name: "traefik-public" }] }));
    const violations = isolationViolations(analyzeHost("racknerd-aegis", nodesOf(plan)));
    expect(violations.map((v) => [v.target.name, v.medium.label, v.sources, v.sourceCount])).toEqual([
      ["periphery", "network traefik-public", ["aegis-traefik", "aegis-crowdsec", "gerbil"], 4],
    ]);
  });

  test("periphery publishing 8120 is reached from the internet and every internet-facing container", () => {
    const plan = withContainer("periphery", (inputs) => ({ ...inputs, ports: [{ internal: 8120, external: 8120 }] }));
    const violations = isolationViolations(analyzeHost("racknerd-aegis", nodesOf(plan)));
    expect(violations).toHaveLength(1);
    expect(violations[0].medium.fromInternet).toBe(true);
    expect(violations[0].medium.label).toBe("port 0.0.0.0:8120/tcp published by periphery on racknerd-aegis");
    expect(violations[0].sources).toEqual(["aegis-traefik", "aegis-crowdsec", "gerbil"]);
    expect(violations[0].sourceCount).toBe(4);
  });

  test("a protected container that joins an edge container's namespace is reached through it", () => {
    const plan = withContainer("lldap", (inputs) => ({ ...inputs, networksAdvanced: undefined, networkMode: "container:gerbil" }));
    const labelsOf = isolationViolations(analyzeHost("racknerd-aegis", nodesOf(plan))).map((v) => v.medium.label);
    expect(labelsOf).toEqual(expect.arrayContaining(["network traefik-public", "gerbil's network namespace (network_mode: container:gerbil)"]));
  });

  test("an edge container on the host network reaches LLDAP through the host's address on identity-internal", () => {
    const plan = withExtraContainer("edge-agent", { networkMode: "host", labels: labels({ "homeops.host": "racknerd-aegis", "homeops.zone": "edge" }) });
    const violations = isolationViolations(analyzeHost("racknerd-aegis", nodesOf(plan)));
    expect(violations.map((v) => [v.target.name, v.medium.network, v.sources, v.sourceCount])).toEqual([
      ["pangolin", "pangolin-internal", ["edge-agent"], 1],
      ["pocketid", "pangolin-internal", ["edge-agent"], 1],
      ["pocketid", "identity-internal", ["edge-agent"], 1],
      ["lldap", "identity-internal", ["edge-agent"], 1],
      ["periphery", "newt-periphery", ["edge-agent"], 1],
    ]);
    expect(violations.find((v) => v.target.name === "lldap")?.medium.label).toBe("the host's address on network identity-internal");
  });

  test("host-network containers outside the edge reach protected ones without a violation (the rule is edge -> identity/management)", () => {
    expect(pathsBetween(vps(), "pangolin-client-obs", "periphery")).not.toEqual([]);
    expect(isolationViolations(vps())).toEqual([]);
  });

  test("an edge host-network container reaching a protected container's loopback port is a violation on both paths", () => {
    const reach = analyzeHost("h", [
      node("agent", { zone: "edge", networkMode: { kind: "host" } }),
      node("idp", { zone: "identity", networks: ["back"], ports: [{ internal: 3890, external: 3890, ip: "127.0.0.1", protocol: "tcp" }] }),
    ]);
    expect(isolationViolations(reach).map((v) => [v.medium.label, v.sources])).toEqual([
      ["the host's address on network back", ["agent"]],
      ["port 127.0.0.1:3890/tcp published by idp on h", ["agent"]],
    ]);
  });

  test("removing an allowance turns a designed path into a violation", () => {
    const plan = withContainer("pangolin", (inputs) => ({ ...inputs, labels: labels({ "homeops.host": "racknerd-aegis", "homeops.zone": "management" }) }));
    const violations = isolationViolations(analyzeHost("racknerd-aegis", nodesOf(plan)));
    expect(violations.map((v) => [v.target.name, v.sources])).toEqual([["pangolin", ["gerbil", "pangolin-traefik"]]]);
  });
});

describe("network namespace sharing", () => {
  test("the VPS shares gerbil's namespace only with the declared pangolin-traefik", () => {
    expect(netnsViolations(nodesOf(vpsPlan()))).toEqual([]);
  });

  test("an undeclared joiner is named with the owner and the networks it gains", () => {
    const plan = withExtraContainer("intruder", { networkMode: "container:gerbil", labels: labels({ "homeops.host": "racknerd-aegis", "homeops.zone": "app" }) });
    const [violation] = netnsViolations(nodesOf(plan));
    expect([violation.joiner.name, violation.owner?.name, violation.sharedNetworks]).toEqual(["intruder", "gerbil", ["traefik-public", "pangolin-internal"]]);
  });

  test("joining a container that is not declared is reported without an owner", () => {
    const [violation] = netnsViolations([node("a", { networkMode: { kind: "container", owner: "ghost" } })]);
    expect([violation.joiner.name, violation.owner]).toEqual(["a", undefined]);
  });
});

describe("scale", () => {
  // Half edge, half protected, all on one network: one finding per protected container, not one per pair.
  function crowdedHost(size: number): ContainerNode[] {
    return Array.from({ length: size }, (_, i) =>
      node(`c${i}`, { zone: i % 2 === 0 ? "edge" : "identity", networks: ["shared"], reachableFrom: i % 2 === 1 ? [`c${i - 1}`] : [] }),
    );
  }

  function hostNetworkEdge(count: number): ContainerNode[] {
    return Array.from({ length: count }, (_, i) => node(`h${i}`, { zone: "edge", networkMode: { kind: "host" } }));
  }

  test("findings are grouped per protected container and network", () => {
    const violations = isolationViolations(analyzeHost("big", crowdedHost(1000)));
    expect(violations).toHaveLength(500);
    expect(violations[0].sourceCount).toBe(499);
    expect(violations[0].sources).toEqual(["c2", "c4", "c6"]);
  });

  test("host-network sources are grouped per network too: one more finding per protected container", () => {
    const violations = isolationViolations(analyzeHost("big", [...crowdedHost(1000), ...hostNetworkEdge(50)]));
    const viaHostAddress = violations.filter((v) => v.medium.label === "the host's address on network shared");
    expect([violations.length, viaHostAddress.length]).toEqual([1000, 500]);
    expect([viaHostAddress[0].sources, viaHostAddress[0].sourceCount]).toEqual([["h0", "h1", "h2"], 50]);
  });

  // 10,000 edge-to-protected pairs per protected container would be 25 million; linear work is a few milliseconds.
  test("10,000 containers on one network, and 1,000 on the host network, are checked in well under a second", () => {
    const containers = [...crowdedHost(10_000), ...hostNetworkEdge(1_000)];
    const started = performance.now();
    isolationViolations(analyzeHost("big", containers));
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe("a network the host keeps no address on (isolatedFromHost)", () => {
  test("is out of host-network containers' reach, while its members still reach each other", () => {
    const containers = [node("agent", { networkMode: { kind: "host" } }), node("lldap", { networks: ["identity"] }), node("pocketid", { networks: ["identity"] })];
    const open = analyzeHost("h", containers);
    const isolated = analyzeHost("h", containers, new Set(["identity"]));
    expect(pathsBetween(open, "agent", "lldap")).toEqual(["the host's address on network identity"]);
    expect(pathsBetween(isolated, "agent", "lldap")).toEqual([]);
    expect(pathsBetween(isolated, "pocketid", "lldap")).toEqual(["network identity"]);
  });
});
