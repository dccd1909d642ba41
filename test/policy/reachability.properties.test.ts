/** Properties of the reachability model, on generated hosts. */
import fc from "fast-check";
import type { NetworkMode, PublishedPort } from "../../policy/contract/docker";
import { TRUST_ZONES } from "../../policy/contract/labels";
import {
  analyzeHost,
  isLoopback,
  isolationViolations,
  pathsBetween,
  reachableTargets,
  type ContainerNode,
  type HostReachability,
} from "../../policy/reachability";

const RUNS = { numRuns: 150 };
const NETWORKS = ["front", "back", "data"];

interface Host {
  containers: ContainerNode[];
  isolated: Set<string>;
}

const publishedPort: fc.Arbitrary<PublishedPort> = fc.record({
  ip: fc.constantFrom("0.0.0.0", "127.0.0.1", "192.0.2.10"),
  external: fc.integer({ min: 1, max: 65535 }),
  internal: fc.integer({ min: 1, max: 65535 }),
  protocol: fc.constantFrom("tcp", "udp"),
});

/**
 * A host's containers c0..cN. Each is on some networks, on the host's network, on none, or
 * joins the namespace of an earlier container (or of one that is not declared), so namespace
 * chains are acyclic as the config checks require.
 */
const host: fc.Arbitrary<Host> = fc.integer({ min: 2, max: 7 }).chain((size) => {
  const names = Array.from({ length: size }, (_, index) => `c${index}`);
  const container = (index: number): fc.Arbitrary<ContainerNode> => {
    const mode: fc.Arbitrary<NetworkMode> = fc.oneof(
      { weight: 4, arbitrary: fc.constant({ kind: "networks" as const }) },
      { weight: 1, arbitrary: fc.constant({ kind: "host" as const }) },
      { weight: 1, arbitrary: fc.constant({ kind: "none" as const }) },
      { weight: index > 0 ? 2 : 0, arbitrary: fc.nat(Math.max(index - 1, 0)).map((owner) => ({ kind: "container" as const, owner: `c${owner}` })) },
      { weight: 1, arbitrary: fc.constant({ kind: "container" as const, owner: "undeclared" }) },
    );
    return fc.record({
      networkMode: mode,
      networks: fc.subarray(NETWORKS),
      zone: fc.constantFrom(...TRUST_ZONES),
      ports: fc.array(publishedPort, { maxLength: 2 }),
      reachableFrom: fc.subarray(names),
    }).map((fields) => ({
      id: `urn:${names[index]}`,
      name: names[index],
      ...fields,
      // Only a container on bridge networks lists them; the config refuses networks beside networkMode.
      networks: fields.networkMode.kind === "networks" ? fields.networks : [],
      netnsSharedWith: [],
    }));
  };
  return fc.record({ containers: fc.tuple(...names.map((_, index) => container(index))), isolated: fc.subarray(NETWORKS).map((list) => new Set(list)) });
});

const names = ({ containers }: Host) => containers.map((container) => container.name);
/** The threat model's words: the edge and tunnel zones, or a port on a non-loopback address, face the internet; identity and management are protected. */
const isInternetFacing = (container: ContainerNode) => container.zone === "edge" || container.zone === "tunnel" || container.ports.some((port) => !["127.0.0.1", "localhost", "::1"].includes(port.ip));
const isProtected = (container: ContainerNode) => container.zone === "identity" || container.zone === "management";
const reaches = (reach: HostReachability, from: string, to: string) => pathsBetween(reach, from, to).length > 0;
const pairs = (host: Host) => names(host).flatMap((from) => names(host).filter((to) => to !== from).map((to) => [from, to] as const));

/**
 * The model's rules (reachability.ts, design.md "Policies") stated pair by pair, without the
 * media the implementation groups paths into: the pairs `from -> to` that reach.
 */
function reachingPairsByRules({ containers, isolated }: Host): string[] {
  const byName = new Map(containers.map((container) => [container.name, container]));
  const root = (container: ContainerNode): ContainerNode => {
    const mode = container.networkMode;
    const owner = mode.kind === "container" ? byName.get(mode.owner) : undefined;
    return owner ? root(owner) : container;
  };
  const onHostNetwork = (container: ContainerNode) => container.networkMode.kind === "host";
  const bridged = (container: ContainerNode) => (container.networkMode.kind === "networks" ? container.networks : []);
  const publishedBy = (namespace: ContainerNode) => containers.filter((container) => root(container) === namespace).flatMap((container) => container.ports);
  const rule = (a: ContainerNode, b: ContainerNode) =>
    a === b ||
    bridged(a).some((network) => bridged(b).includes(network)) ||
    (onHostNetwork(a) && onHostNetwork(b)) ||
    (onHostNetwork(a) && bridged(b).some((network) => !isolated.has(network))) ||
    (!onHostNetwork(b) && publishedBy(b).some((port) => !isLoopback(port.ip) || onHostNetwork(a)));
  return containers.flatMap((from) => containers.filter((to) => to !== from && rule(root(from), root(to))).map((to) => `${from.name} -> ${to.name}`));
}

const reachingPairs = (reach: HostReachability, host: Host) => pairs(host).filter(([from, to]) => reaches(reach, from, to)).map(([from, to]) => `${from} -> ${to}`);

test("who reaches whom follows the model's rules pair by pair", () => {
  fc.assert(
    fc.property(host, (generated) => {
      expect(reachingPairs(analyzeHost("h", generated.containers, generated.isolated), generated)).toEqual(reachingPairsByRules(generated));
    }),
    RUNS,
  );
});

test("reachability is symmetric on a shared network", () => {
  fc.assert(
    fc.property(host, (generated) => {
      const reach = analyzeHost("h", generated.containers, generated.isolated);
      const bridged = generated.containers.filter((container) => container.networkMode.kind === "networks");
      for (const a of bridged) {
        for (const b of bridged) {
          const shared = a.networks.find((network) => b.networks.includes(network));
          if (a === b || shared === undefined) continue;
          expect(pathsBetween(reach, a.name, b.name)).toContain(`network ${shared}`);
          expect(pathsBetween(reach, b.name, a.name)).toContain(`network ${shared}`);
        }
      }
    }),
    RUNS,
  );
});

test("a container that joins another's namespace reaches, and is reached by, exactly whom its owner is", () => {
  fc.assert(
    fc.property(host, (generated) => {
      const reach = analyzeHost("h", generated.containers, generated.isolated);
      const declared = new Set(names(generated));
      for (const joiner of generated.containers) {
        if (joiner.networkMode.kind !== "container" || !declared.has(joiner.networkMode.owner)) continue;
        const owner = joiner.networkMode.owner;
        expect(reaches(reach, joiner.name, owner) && reaches(reach, owner, joiner.name)).toBe(true);
        for (const other of names(generated).filter((name) => name !== joiner.name && name !== owner)) {
          expect([other, reaches(reach, joiner.name, other), reaches(reach, other, joiner.name)]).toEqual([other, reaches(reach, owner, other), reaches(reach, other, owner)]);
        }
      }
    }),
    RUNS,
  );
});

test("a port published on a public address is reachable from every container on the host", () => {
  fc.assert(
    fc.property(host, (generated) => {
      const reach = analyzeHost("h", generated.containers, generated.isolated);
      const exposed = generated.containers.filter((container) => container.networkMode.kind === "networks" && container.ports.some((port) => !isLoopback(port.ip)));
      for (const target of exposed) for (const from of names(generated)) if (from !== target.name) expect([from, reaches(reach, from, target.name)]).toEqual([from, true]);
    }),
    RUNS,
  );
});

test("the targets listed for a container are exactly those it has paths to, with the same paths", () => {
  fc.assert(
    fc.property(host, (generated) => {
      const reach = analyzeHost("h", generated.containers, generated.isolated);
      for (const from of names(generated)) {
        const expected = names(generated).flatMap((to) => (reaches(reach, from, to) ? [[to, pathsBetween(reach, from, to)] as const] : []));
        expect(new Map(expected)).toEqual(reachableTargets(reach, from));
      }
    }),
    RUNS,
  );
});

test("the order containers are declared in does not change who reaches whom", () => {
  const shuffled = host.chain((generated) => fc.tuple(fc.constant(generated), fc.shuffledSubarray(generated.containers, { minLength: generated.containers.length })));
  fc.assert(
    fc.property(shuffled, ([generated, reordered]) => {
      const original = analyzeHost("h", generated.containers, generated.isolated);
      const permuted = analyzeHost("h", reordered, generated.isolated);
      expect(reachingPairs(permuted, generated)).toEqual(reachingPairs(original, generated));
    }),
    RUNS,
  );
});

test("every path from an internet-facing container to a protected one it is not allowed in by is reported, and nothing else", () => {
  fc.assert(
    fc.property(host, (generated) => {
      const reach = analyzeHost("h", generated.containers, generated.isolated);
      const byName = new Map(generated.containers.map((container) => [container.name, container]));
      const unallowed = (from: string, to: ContainerNode) => from !== to.name && isInternetFacing(byName.get(from)!) && !to.reachableFrom.includes(from);
      const violations = isolationViolations(reach);
      for (const violation of violations) {
        const offenders = names(generated).filter((from) => unallowed(from, violation.target) && pathsBetween(reach, from, violation.target.name).includes(violation.medium.label));
        expect(isProtected(violation.target)).toBe(true);
        expect(violation.sourceCount).toBe(offenders.length);
        expect(violation.sources).toHaveLength(Math.min(3, offenders.length));
        expect(offenders).toEqual(expect.arrayContaining(violation.sources));
        expect(violation.sourceCount > 0 || violation.medium.fromInternet).toBe(true);
      }
      const reported = new Set(violations.map((violation) => violation.target.name));
      const unreported = pairs(generated).filter(([from, to]) => isProtected(byName.get(to)!) && unallowed(from, byName.get(to)!) && reaches(reach, from, to) && !reported.has(to));
      expect(unreported).toEqual([]);
    }),
    RUNS,
  );
});
