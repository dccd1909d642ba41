/**
 * Policies on the Docker estate: memory limits, trust labels, published ports, and the
 * network isolation the seed's boundary table describes.
 */
import type { Policies } from "@pulumi/policy";
import { LABELS, NETWORK_LABELS, TRUST_ZONES } from "./contract/labels";
import { capacityProblems, describeCapacityProblem } from "./capacity";
import {
  CONTAINER_TYPE,
  DECLARED,
  NETWORK_TYPE,
  containerNameOf,
  containersByHost,
  readContainer,
  readNetwork,
} from "./docker-inputs";
import type { DockerDeclarations } from "./config";
import { capacityMap, nameList, resourcePolicy, stackPolicy, type Finding } from "./framework";
import {
  analyzeHost,
  formatPort,
  isLoopback,
  isProtected,
  isolationViolations,
  membersOf,
  netnsViolations,
  type HostReachability,
  type IsolationViolation,
  type NetnsViolation,
} from "./reachability";
import type { ResourceView } from "./resource-view";
import { describe, listSome } from "./values";

const isContainer = (type: string) => type === CONTAINER_TYPE;


function positiveMb(memory: unknown): number | undefined {
  return typeof memory === "number" && Number.isFinite(memory) && memory > 0 ? memory : undefined;
}

const containerMemory = resourcePolicy({
  name: "docker-container-memory",
  description: "Every Docker container sets `memory`, a positive limit in MB.",
  severity: "medium",
  remediationSteps: "Set `memory` (MB) on the container, sized from the host's inventory.",
  settings: {},
  appliesTo: isContainer,
  check(resource) {
    const memory = resource.props.memory;
    if (positiveMb(memory) !== undefined) return [];
    const name = containerNameOf(resource);
    const what = memory === undefined ? "sets no memory limit" : `has memory ${describe(memory)}, not a positive number of MB`;
    return [{ message: `Container ${name} ${what}.`, fix: `Set memory (MB) on ${name}.` }];
  },
});

const trustLabels = resourcePolicy({
  name: "docker-container-trust-labels",
  description: `Every Docker container has a declared host and a valid trust zone (its ${LABELS.host} and ${LABELS.zone} labels, or the pack configuration's declarations), which the isolation policies rely on.`,
  severity: "high",
  remediationSteps: `Declare the container in the stack file (its host and zone reach the pack through \`npm run plan -- <stack> --policy-config\`), or label it ${LABELS.host}=<inventory host> and ${LABELS.zone}=<one of ${TRUST_ZONES.join(", ")}>.`,
  settings: DECLARED,
  appliesTo: isContainer,
  check(resource, { declared }) {
    const { hostDeclared, node } = readContainer(resource, declared);
    const findings: Finding[] = [];
    if (!hostDeclared) {
      findings.push({ message: `Container ${node.name} has no ${LABELS.host} label and is not in the pack configuration's declarations.`, fix: `Label ${node.name} with ${LABELS.host}=<the inventory host it runs on>, or declare it in the stack file.` });
    }
    if (!(TRUST_ZONES as readonly string[]).includes(node.zone ?? "")) {
      const found = node.zone === undefined ? "no" : `the unknown value "${node.zone}" for its`;
      findings.push({ message: `Container ${node.name} has ${found} ${LABELS.zone} label.`, fix: `Label ${node.name} with ${LABELS.zone}=<one of ${TRUST_ZONES.join(", ")}>, or declare its zone in the stack file.` });
    }
    return findings;
  },
});

const managementNoPorts = resourcePolicy({
  name: "docker-management-no-published-ports",
  description: "Management containers (zone management, e.g. Komodo Periphery, Pangolin) publish no ports, not even on loopback.",
  severity: "high",
  remediationSteps: "Remove the published ports; reach the container over an internal network or the tunnel.",
  settings: DECLARED,
  appliesTo: isContainer,
  check(resource, { declared }) {
    const { node } = readContainer(resource, declared);
    if (node.zone !== "management" || node.ports.length === 0) return [];
    return [{
      message: `Management container ${node.name} publishes ${node.ports.map(formatPort).join(", ")}.`,
      fix: `Remove the ports of ${node.name}; reach it over an internal network or the tunnel, as Newt reaches Periphery on newt-periphery.`,
    }];
  },
});

const publishedPortsAllowed = resourcePolicy({
  name: "docker-published-ports-allowed",
  description: "Ports published on non-loopback addresses are limited to the host's allowed list.",
  severity: "high",
  remediationSteps: "Bind the port to 127.0.0.1, remove it, or add it to the host's allowedPorts if it must be served publicly.",
  settings: {
    allowedPorts: {
      type: "object",
      description: "Per Docker host (homeops.host): ports allowed on public addresses, as <port>/<tcp|udp|sctp>.",
      additionalProperties: { type: "array", items: { type: "string", pattern: "^[0-9]{1,5}/(tcp|udp|sctp)$" } },
    },
    ...DECLARED,
  },
  appliesTo: isContainer,
  check(resource, { allowedPorts, declared }) {
    const { node, host } = readContainer(resource, declared);
    const allowed = Object.hasOwn(allowedPorts, host) ? allowedPorts[host] : [];
    const offending = node.ports.filter((port) => !isLoopback(port.ip) && !allowed.includes(`${port.external}/${port.protocol}`));
    return offending.map((port) => ({
      message: `Container ${node.name} publishes ${formatPort(port)} on ${host}, which allows ${allowed.length > 0 ? `only ${allowed.join(", ")}` : "no ports"} on public addresses.`,
      fix: `Bind it to 127.0.0.1 or remove it; if ${host} must serve it publicly, add "${port.external ?? "<port>"}/${port.protocol}" to allowedPorts["${host}"].`,
      subjects: [node.name],
    }));
  },
});

/** `@sha256:<64 hex>` ends a reference pinned to one content digest. */
const PINNED_BY_DIGEST = /@sha256:[a-f0-9]{64}$/;

const imageDigestPinned = resourcePolicy({
  name: "docker-image-digest-pinned",
  description: "On the Docker hosts the configuration names, every container runs an image pinned by digest (repository:tag@sha256:<digest>), so a tag pushed again cannot change what runs.",
  severity: "high",
  remediationSteps: "Write the image as repository:tag@sha256:<digest>; `docker buildx imagetools inspect repository:tag` prints the digest.",
  settings: { ...DECLARED, hosts: nameList('Docker hosts (homeops.host) whose containers must run images pinned by digest; "*" for every host.') },
  appliesTo: isContainer,
  check(resource, { declared, hosts }) {
    const { host, node, image } = readContainer(resource, declared);
    if (!hosts.includes("*") && !hosts.includes(host)) return [];
    if (image !== undefined && PINNED_BY_DIGEST.test(image)) return [];
    if (image === undefined) {
      return [{
        message: `Container ${node.name} on ${host} runs an image whose reference is unknown (its image input is an image id, and neither a ${LABELS.image} label nor the pack configuration's declarations name it), so its digest cannot be checked.`,
        fix: `Declare ${node.name}'s image in the stack file as repository:tag@sha256:<digest>, or pass that reference as its image.`,
        subjects: [node.name],
      }];
    }
    return [{
      message: `Container ${node.name} on ${host} runs ${image}, which is not pinned by digest.`,
      fix: `Write the image as ${image}@sha256:<digest> (\`docker buildx imagetools inspect ${image}\` prints it).`,
      subjects: [node.name],
    }];
  },
});

/** Every Docker host's reachability. */
export function hostReachability(resources: readonly ResourceView[], declared: DockerDeclarations): HostReachability[] {
  const isolated = new Map<string, Set<string>>();
  for (const resource of resources.filter((candidate) => candidate.type === NETWORK_TYPE)) {
    const network = readNetwork(resource, declared);
    if (network.isolatedFromHost) isolated.set(network.host, (isolated.get(network.host) ?? new Set()).add(network.name));
  }
  return [...containersByHost(resources, declared)].map(([host, containers]) => analyzeHost(host, containers.map((c) => c.node), isolated.get(host)));
}

function isolationFix(violation: IsolationViolation): string {
  const { target, medium, sources } = violation;
  if (medium.fromInternet) return `Do not publish ${target.name}'s ports on a public address; reach it over an internal network or the tunnel.`;
  const allowance = `if this path is part of the design, list ${sources.join(", ")} in ${target.name}'s reachableFrom (${LABELS.reachableFrom}).`;
  // Moving the target to another network does not help: the host holds an address on every one.
  if (medium.sourceKind === "host-network") return `Give ${sources.join(", ")} bridge networks instead of network_mode: host; ${allowance}`;
  return `Take ${target.name} off ${medium.label} (or the others off it); ${allowance}`;
}

function isolationFinding(violation: IsolationViolation): Finding {
  const { target, medium, sources, sourceCount } = violation;
  const hostNetwork = medium.sourceKind === "host-network" ? " (network_mode: host)" : "";
  const facing = sourceCount > 0 ? `internet-facing ${listSome(sources, sourceCount)}${hostNetwork}` : "";
  const from = medium.fromInternet ? `the internet${facing ? ` and ${facing}` : ""}` : facing;
  return {
    message: `${target.name} (zone ${target.zone}) is reachable over ${medium.label} from ${from}, which its reachableFrom (${LABELS.reachableFrom}) does not allow.`,
    fix: isolationFix(violation),
    urn: target.id,
    subjects: [target.name],
  };
}

const isolationBoundaries = stackPolicy({
  name: "docker-isolation-boundaries",
  description: "On each Docker host, no internet-facing container (zone edge or tunnel, or publishing a public port) reaches an identity or management container unless that container's homeops.reachable-from allows it.",
  severity: "critical",
  remediationSteps: "Detach the protected container from networks it shares with internet-facing ones, or declare the intended path in its homeops.reachable-from label.",
  settings: DECLARED,
  check: (resources, { declared }) => hostReachability(resources, declared).flatMap((reach) => isolationViolations(reach).map(isolationFinding)),
});

function netnsFinding(host: string, violation: NetnsViolation): Finding {
  const { joiner, owner, sharedNetworks } = violation;
  const ownerName = joiner.networkMode.kind === "container" ? joiner.networkMode.owner : "";
  if (!owner) {
    return {
      message: `Container ${joiner.name} uses network_mode container:${ownerName}, but no container ${ownerName} is declared on ${host}.`,
      fix: `Declare ${ownerName} on ${host}, or give ${joiner.name} its own networks.`,
      urn: joiner.id,
      subjects: [joiner.name],
    };
  }
  const shared = sharedNetworks.length > 0 ? `${sharedNetworks.join(", ")} and ` : "";
  return {
    message: `Container ${joiner.name} joins ${owner.name}'s network namespace (network_mode: container:${owner.name}), sharing ${shared}${owner.name}'s localhost, but ${owner.name}'s netnsSharedWith (${LABELS.netnsSharedWith}) does not list ${joiner.name}.`,
    fix: `Give ${joiner.name} its own networks, or add ${joiner.name} to ${owner.name}'s netnsSharedWith (${LABELS.netnsSharedWith}) if the sharing is intended.`,
    urn: joiner.id,
    subjects: [joiner.name],
  };
}

const sharedNetnsDeclared = stackPolicy({
  name: "docker-shared-netns-declared",
  description: "A container joins another's network namespace (network_mode: container:<x>) only when <x>'s homeops.netns-shared-with lists it.",
  severity: "high",
  remediationSteps: "Give the container its own networks, or list it in the namespace owner's homeops.netns-shared-with label.",
  settings: DECLARED,
  check: (resources, { declared }) => hostReachability(resources, declared).flatMap((reach) => netnsViolations(reach.containers).map((violation) => netnsFinding(reach.host, violation))),
});

const protectedNetworkInternal = stackPolicy({
  name: "docker-protected-network-internal",
  description: "A Docker network that holds identity or management containers is internal, unless its homeops.egress-reason label says why they need egress.",
  severity: "high",
  remediationSteps: "Set internal: true on the network, or label it homeops.egress-reason with why its containers need egress.",
  settings: DECLARED,
  check(resources, { declared }) {
    const reachByHost = new Map(hostReachability(resources, declared).map((reach) => [reach.host, reach]));
    return resources.filter((resource) => resource.type === NETWORK_TYPE).flatMap((resource): Finding[] => {
      const network = readNetwork(resource, declared);
      const reach = reachByHost.get(network.host);
      const held = reach ? membersOf(reach, network.name).filter(isProtected).map((c) => c.name) : [];
      if (held.length === 0 || network.internal || network.egressReason) return [];
      return [{
        message: `Network ${network.name} on ${network.host} holds identity/management containers ${held.join(", ")} but is not internal and has no egressReason (${NETWORK_LABELS.egressReason}).`,
        fix: `Set internal: true on ${network.name}, or give it an egressReason (${NETWORK_LABELS.egressReason}): why ${held.join(", ")} need egress.`,
        urn: network.urn,
        subjects: [network.name],
      }];
    });
  },
});

const hostMemoryCapacity = stackPolicy({
  name: "docker-host-memory-capacity",
  description: "On each Docker host, the containers' memory limits add up to no more than the host's capacity.",
  severity: "medium",
  remediationSteps: "Lower memory limits or move containers; declare each host's capacity (MB) in capacityMb.",
  settings: { capacityMb: capacityMap("Per Docker host (homeops.host): memory available to containers, in MB.") },
  check(resources, { capacityMb }) {
    const claims = [...containersByHost(resources).values()].flat().map((c) => ({ machine: c.host, claimant: c.node.name, mb: positiveMb(c.memory) }));
    return capacityProblems(claims, capacityMb).map((problem) => ({
      message: describeCapacityProblem(problem, "Docker host"),
      fix: problem.capacityMb === undefined
        ? `Declare "${problem.machine}": <MB> in docker-host-memory-capacity.capacityMb, from the host's inventory.`
        : `Lower container memory limits on ${problem.machine} or move containers elsewhere, or correct its capacity if the inventory understates it.`,
      subjects: [problem.machine],
    }));
  },
});

export const dockerPolicies: Policies = [
  containerMemory,
  trustLabels,
  managementNoPorts,
  publishedPortsAllowed,
  imageDigestPinned,
  isolationBoundaries,
  sharedNetnsDeclared,
  protectedNetworkInternal,
  hostMemoryCapacity,
];
