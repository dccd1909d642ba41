import {
  analyzeHost,
  isolationViolations,
  membersOf,
  netnsViolations,
  pathsBetween,
  reachableTargets,
  type ContainerNode,
} from "../../policy/reachability";
import { specTable } from "../support/specTables";
import { containerNames, inNetworkOrder, inPlanOrder, reachabilityOf, PUBLIC_EDGE, vpsStack, withContainer, withContainerOn, withDeclaration, withExtraContainer, withNetwork, type Vps } from "./fixtures/vps";
import { labels } from "./harness";

let stack: Vps;
beforeAll(async () => {
  stack = await vpsStack();
});

const vps = () => reachabilityOf(stack);

function node(name: string, extra: Partial<ContainerNode> = {}): ContainerNode {
  return { id: name, name, networks: [], networkMode: { kind: "networks" }, ports: [], reachableFrom: [], netnsSharedWith: [], ...extra };
}

const ALLOY = "racknerd-aegis-alloy-alloy-1";
// Pulumi.vps.yaml: LLDAP's network, which the host keeps no address on (isolatedFromHost).
const IDENTITY_NETWORK = "aegis-identity_identity-internal";

describe("the seed's security boundaries on the VPS", () => {
  // docs/requirements.md, "Security boundaries that must hold": can a compromised <row> reach <column>?
  const columns = ["periphery", "lldap", "pangolin"];
  const cells = specTable("### Security boundaries that must hold (seed L3)").flatMap(([from, ...row]) =>
    row.flatMap((cell, column) => (cell === "-" ? [] : [[from, columns[column], cell === "yes"] as const])),
  );

  test("the table has a cell for each of its seven containers and three targets", () => {
    expect(cells).toHaveLength(7 * 3 - 1);
  });

  test.each(cells)("%s reaches %s: %s", (from, to, expected) => {
    expect(pathsBetween(vps(), from, to).length > 0).toBe(expected);
  });

  test("no internet-facing container reaches identity or management without an allowance", () => {
    expect(isolationViolations(vps())).toEqual([]);
  });
});

describe("paths and the networks they use", () => {
  test("a shared network", () => {
    expect(pathsBetween(vps(), "pocketid", "lldap")).toEqual([`network ${IDENTITY_NETWORK}`]);
    expect(pathsBetween(vps(), "gerbil", "pangolin")).toEqual(["network pangolin-internal"]);
  });

  test("container:X inherits X's networks and shares its namespace", () => {
    expect(pathsBetween(vps(), "pangolin-traefik", "pangolin")).toEqual(["network pangolin-internal"]);
    // gerbil's networks and ports in the order Pulumi.vps.yaml lists them.
    expect(pathsBetween(vps(), "pangolin-traefik", "gerbil")).toEqual([
      "network pangolin-internal",
      "network traefik-public",
      "gerbil's network namespace (network_mode: container:gerbil)",
      "ports 0.0.0.0:51820/udp, 0.0.0.0:21820/udp published by gerbil on racknerd-aegis",
    ]);
  });

  test("host-network containers reach each other and loopback-published ports; bridged ones do not", () => {
    const reach = vps();
    expect(pathsBetween(reach, ALLOY, "pangolin-client-obs")).toEqual(["the host network of racknerd-aegis"]);
    expect(pathsBetween(reach, "pangolin-client-obs", "aegis-crowdsec")).toEqual([
      "the host's address on network traefik-public",
      "port 127.0.0.1:6060/tcp published by aegis-crowdsec on racknerd-aegis",
    ]);
    expect(pathsBetween(reach, "aegis-traefik", "aegis-crowdsec")).toEqual(["network traefik-public"]);
    expect(pathsBetween(reach, "lldap", "aegis-crowdsec")).toEqual([]);
  });

  test("host-network containers reach every container at its bridge address, except on a network isolated from the host", () => {
    const reach = vps();
    expect(pathsBetween(reach, ALLOY, "periphery")).toEqual(["the host's address on network newt-periphery"]);
    expect(pathsBetween(reach, "pangolin-client-obs", "lldap")).toEqual([]);
    expect(pathsBetween(reach, ALLOY, "pangolin-traefik")).toEqual([
      "the host's address on network pangolin-internal",
      "the host's address on network traefik-public",
      "port 127.0.0.1:8081/tcp published by gerbil on racknerd-aegis",
      "ports 0.0.0.0:51820/udp, 0.0.0.0:21820/udp published by gerbil on racknerd-aegis",
    ]);
    // PocketID is on pangolin-internal too; LLDAP only behind the isolated network.
    const others = containerNames(stack).filter((name) => name !== ALLOY && name !== "lldap");
    expect([...reachableTargets(reach, ALLOY).keys()].sort()).toEqual(others.sort());
  });

  test("an internal network the host is not isolated from is still reached at the host's address there (moby/moby#47356)", () => {
    const notIsolated = withNetwork(stack, IDENTITY_NETWORK, ({ options, ...inputs }) => inputs);
    const reach = reachabilityOf(notIsolated);
    expect(pathsBetween(reach, "pangolin-client-obs", "lldap")).toEqual([`the host's address on network ${IDENTITY_NETWORK}`]);
    expect([...reachableTargets(reach, ALLOY).keys()].sort()).toEqual(containerNames(stack).filter((name) => name !== ALLOY).sort());
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
    // Its network mate, and the containers that publish ports on public addresses.
    expect([...targets.keys()].sort()).toEqual(["aegis-traefik", "gerbil", "pangolin-traefik", "periphery"]);
  });

  test("membersOf includes namespace joiners", () => {
    expect(membersOf(vps(), "traefik-public").map((c) => c.name)).toEqual(inNetworkOrder(stack, PUBLIC_EDGE));
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
    const [violation, ...others] = isolationViolations(reachabilityOf(withContainerOn(stack, "lldap", "pangolin-internal")));
    expect(others).toEqual([]);
    expect(violation.target.name).toBe("lldap");
    expect(violation.medium.label).toBe("network pangolin-internal");
    expect(violation.sources).toEqual(["gerbil", "pangolin-traefik"]);
    expect(violation.sourceCount).toBe(2);
  });

  test("periphery attached to traefik-public is reached by every edge container there", () => {
    const violations = isolationViolations(reachabilityOf(withContainerOn(stack, "periphery", "traefik-public")));
    expect(violations.map((v) => [v.target.name, v.medium.label, v.sources, v.sourceCount])).toEqual([
      ["periphery", "network traefik-public", inNetworkOrder(stack, PUBLIC_EDGE).slice(0, 3), PUBLIC_EDGE.length],
    ]);
  });

  test("periphery publishing 8120 is reached from the internet and every internet-facing container", () => {
    const violations = isolationViolations(reachabilityOf(withContainer(stack, "periphery", (inputs) => ({ ...inputs, ports: [{ internal: 8120, external: 8120 }] }))));
    expect(violations).toHaveLength(1);
    expect(violations[0].medium.fromInternet).toBe(true);
    expect(violations[0].medium.label).toBe("port 0.0.0.0:8120/tcp published by periphery on racknerd-aegis");
    expect(violations[0].sources).toEqual(inPlanOrder(stack, PUBLIC_EDGE).slice(0, 3));
    expect(violations[0].sourceCount).toBe(PUBLIC_EDGE.length);
  });

  test("a protected container that joins an edge container's namespace is reached through it", () => {
    // As the stack file declares it: LLDAP, adopted, shows the engine its network mode as it runs.
    const joined = withContainer(stack, "lldap", ({ networksAdvanced, ...inputs }) => ({ ...inputs, networkMode: "container:gerbil" }));
    const inGerbil = withDeclaration(joined, "lldap", ({ networks, ...declared }) => ({ ...declared, networkMode: "container:gerbil" }));
    const labelsOf = isolationViolations(reachabilityOf(inGerbil)).map((v) => v.medium.label);
    expect(labelsOf).toEqual(expect.arrayContaining(["network traefik-public", "gerbil's network namespace (network_mode: container:gerbil)"]));
  });

  test("an edge container on the host network reaches the protected containers at the host's address, LLDAP not (its network is isolated from the host)", () => {
    const plan = withExtraContainer(stack, "debug", "edge-agent", { networkMode: "host", labels: labels({ "homeops.host": "racknerd-aegis", "homeops.zone": "edge" }) });
    const violations = isolationViolations(reachabilityOf(plan));
    // The protected containers (Pulumi.vps.yaml) on the networks the host keeps an address on.
    expect(violations.map((v) => [v.target.name, v.medium.network, v.sources, v.sourceCount]).sort()).toEqual([
      ["pangolin", "pangolin-internal", ["edge-agent"], 1],
      ["periphery", "newt-periphery", ["edge-agent"], 1],
      ["pocketid", "pangolin-internal", ["edge-agent"], 1],
    ]);
  });

  test("host-network containers outside the internet's zones reach protected ones without a violation (the rule is edge/tunnel -> identity/management)", () => {
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

  test("a tunnel agent carries the internet's traffic in: it reaches a protected container only where allowed", () => {
    const agent = node("newt", { zone: "tunnel", networks: ["agent-net"] });
    const unallowed = analyzeHost("h", [agent, node("ops", { zone: "management", networks: ["agent-net"] })]);
    expect(isolationViolations(unallowed).map((v) => [v.target.name, v.sources])).toEqual([["ops", ["newt"]]]);
    const allowed = analyzeHost("h", [agent, node("ops", { zone: "management", networks: ["agent-net"], reachableFrom: ["newt"] })]);
    expect(isolationViolations(allowed)).toEqual([]);
  });

  test("on the VPS, Newt reaches Periphery because Periphery allows it", () => {
    const withoutAllowance = withDeclaration(stack, "periphery", (declared) => ({ ...declared, reachableFrom: [] }));
    expect(isolationViolations(reachabilityOf(withoutAllowance)).map((v) => [v.target.name, v.sources])).toEqual([["periphery", ["pangolin-newt"]]]);
  });

  test("removing an allowance turns a designed path into a violation", () => {
    const withoutAllowance = withDeclaration(stack, "pangolin", (declared) => ({ ...declared, reachableFrom: [] }));
    const violations = isolationViolations(reachabilityOf(withoutAllowance));
    expect(violations.map((v) => [v.target.name, v.sources])).toEqual([["pangolin", ["gerbil", "pangolin-traefik"]]]);
  });
});

describe("network namespace sharing", () => {
  test("the VPS shares gerbil's namespace only with the declared pangolin-traefik", () => {
    expect(netnsViolations(vps().containers)).toEqual([]);
  });

  test("an undeclared joiner is named with the owner and the networks it gains", () => {
    const plan = withExtraContainer(stack, "debug", "intruder", { networkMode: "container:gerbil", labels: labels({ "homeops.host": "racknerd-aegis", "homeops.zone": "app" }) });
    const [violation] = netnsViolations(reachabilityOf(plan).containers);
    expect([violation.joiner.name, violation.owner?.name, violation.sharedNetworks]).toEqual(["intruder", "gerbil", ["pangolin-internal", "traefik-public"]]);
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

  /** Reads of the containers' fields while the policy checks them: the work, counted rather than timed (its time is the bench's, section 2). */
  function fieldReads(containers: ContainerNode[]): number {
    let reads = 0;
    const counted = containers.map((container) => new Proxy(container, { get: (target, key, receiver) => (reads++, Reflect.get(target, key, receiver)) }));
    isolationViolations(analyzeHost("big", counted));
    return reads;
  }

  // 10,000 edge-to-protected pairs per protected container would be 25 million: the work must grow with the containers, not their pairs.
  test("twice the containers (5,000 then 10,000 on one network, 500 then 1,000 on the host network) is about twice the work, not four times", () => {
    const [half, full] = [5_000, 10_000].map((size) => fieldReads([...crowdedHost(size), ...hostNetworkEdge(size / 10)]));
    expect(half).toBeGreaterThan(5_000);
    expect(full / half).toBeGreaterThan(1.8);
    expect(full / half).toBeLessThan(2.5);
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
