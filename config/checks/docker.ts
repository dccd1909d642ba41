import { findCycle, startAfter } from "../../model/order";
import { namespaceOwner } from "../../policy/contract/docker";
import type { ConfigIssue } from "../errors";
import type { ContainerSpec, DockerHostSpec, DockerStackSpec } from "../docker";
import { isSecretRef, looksLikeSecretName, type Value } from "../values";

interface DockerInventory {
  dockerHosts: Record<string, DockerHostSpec>;
  dockerStacks: DockerStackSpec[];
  generatedSecrets: Record<string, unknown>;
}

interface Located {
  container: ContainerSpec;
  stack: DockerStackSpec;
  key: string;
}

const HOSTS = "homeops:dockerHosts";
const STACKS = "homeops:dockerStacks";

/** Cross-field checks the schema alone cannot express. */
export function checkDockerInventory(inventory: DockerInventory): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const byHost = new Map<string, Located[]>();
  inventory.dockerStacks.forEach((stack, stackIndex) => {
    const stackKey = `${STACKS}[${stackIndex}]`;
    if (!inventory.dockerHosts[stack.host]) {
      issues.push({ key: `${stackKey}.host`, message: `unknown Docker host "${stack.host}" (declared: ${Object.keys(inventory.dockerHosts).join(", ")})` });
      return;
    }
    stack.containers.forEach((container, containerIndex) => {
      const located = { container, stack, key: `${stackKey}.containers[${containerIndex}]` };
      byHost.set(stack.host, [...(byHost.get(stack.host) ?? []), located]);
      issues.push(...checkContainerReferences(located, inventory));
    });
  });
  for (const [hostName, containers] of byHost) {
    const host = inventory.dockerHosts[hostName];
    issues.push(
      ...checkUniqueNames(hostName, containers),
      ...checkNetworks(hostName, host, containers),
      ...checkPublishedPorts(hostName, containers),
      ...checkSameHostReferences(hostName, containers),
      ...checkMemoryCapacity(hostName, host, containers),
    );
  }
  return issues;
}

function checkContainerReferences({ container, stack, key }: Located, inventory: DockerInventory): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  container.mounts.forEach((mount, index) => {
    if (mount.kind === "volume" && !(mount.source in stack.volumes)) {
      issues.push({ key: `${key}.mounts[${index}]`, message: `volume "${mount.source}" is not declared in stack ${stack.name}'s volumes` });
    }
  });
  const values: [string, Value][] = [
    ...Object.entries(container.env).map(([name, value]): [string, Value] => [`env.${name}`, value]),
    ...container.files.map((file, index): [string, Value] => [`files[${index}].content`, file.content]),
  ];
  for (const [path, value] of values) {
    if (isSecretRef(value) && "generated" in value && !(value.generated in inventory.generatedSecrets)) {
      issues.push({ key: `${key}.${path}`, message: `generated secret "${value.generated}" is not declared in homeops:generatedSecrets` });
    }
  }
  for (const [name, value] of Object.entries(container.env)) {
    if (!isSecretRef(value) && looksLikeSecretName(name) && value !== "") {
      issues.push({ key: `${key}.env.${name}`, message: "holds a credential in plaintext; use {generated: <name>} or {configSecret: <key>}" });
    }
  }
  if (container.networkMode === "host" && container.ports.length > 0) {
    issues.push({ key: `${key}.ports`, message: "a host-network container cannot publish ports (it listens on the host directly)" });
  }
  if (container.memoryReservationMb !== undefined && container.memoryReservationMb > container.memoryMb) {
    issues.push({ key: `${key}.memoryReservationMb`, message: `reservation ${container.memoryReservationMb} MB exceeds the limit ${container.memoryMb} MB` });
  }
  return issues;
}

function checkUniqueNames(hostName: string, containers: Located[]): ConfigIssue[] {
  const seen = new Map<string, string>();
  const issues: ConfigIssue[] = [];
  for (const { container, key } of containers) {
    const first = seen.get(container.name);
    if (first) issues.push({ key: `${key}.name`, message: `container name "${container.name}" is already used on host ${hostName} (${first})` });
    else seen.set(container.name, key);
  }
  return issues;
}

function checkNetworks(hostName: string, host: DockerHostSpec, containers: Located[]): ConfigIssue[] {
  return containers.flatMap(({ container, key }) =>
    container.networks
      .map((network, index) => ({ network, index }))
      .filter(({ network }) => !(network in host.networks))
      .map(({ network, index }) => ({
        key: `${key}.networks[${index}]`,
        message: `unknown network "${network}" on host ${hostName} (declared: ${Object.keys(host.networks).join(", ") || "none"})`,
      })),
  );
}

function checkPublishedPorts(hostName: string, containers: Located[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const taken: { ip: string; port: number; protocol: string; key: string }[] = [];
  for (const { container, key } of containers) {
    container.ports.forEach((port, index) => {
      const clash = taken.find(
        (other) => other.port === port.external && other.protocol === port.protocol && (other.ip === port.ip || other.ip === "0.0.0.0" || port.ip === "0.0.0.0"),
      );
      const where = `${key}.ports[${index}]`;
      if (clash) issues.push({ key: where, message: `${port.external}/${port.protocol} is already published on host ${hostName} by ${clash.key}` });
      else taken.push({ ip: port.ip, port: port.external, protocol: port.protocol, key: where });
    });
  }
  return issues;
}

/** dependsOn, network namespaces and reachability allowances name containers on the same host. */
function checkSameHostReferences(hostName: string, containers: Located[]): ConfigIssue[] {
  const byName = new Map(containers.map((located) => [located.container.name, located.container]));
  const issues: ConfigIssue[] = [];
  const unknown = (key: string, name: string) => issues.push({ key, message: `no container "${name}" on host ${hostName}` });
  for (const { container, key } of containers) {
    const owner = namespaceOwner(container.networkMode);
    if (owner && !byName.has(owner)) unknown(`${key}.networkMode`, owner);
    for (const [needed, condition] of Object.entries(container.dependsOn)) {
      const target = byName.get(needed);
      if (!target) unknown(`${key}.dependsOn.${needed}`, needed);
      else if (condition === "healthy" && !target.healthcheck && !target.imageHealthcheck) {
        issues.push({ key: `${key}.dependsOn.${needed}`, message: `waits for "${needed}" to be healthy, but it has no healthcheck (declare one, or imageHealthcheck: true when its image has one)` });
      }
    }
    container.reachableFrom.forEach((name, index) => byName.has(name) || unknown(`${key}.reachableFrom[${index}]`, name));
    container.netnsSharedWith.forEach((name, index) => byName.has(name) || unknown(`${key}.netnsSharedWith[${index}]`, name));
  }
  const cycle = findDependencyCycle(containers.map((located) => located.container));
  if (cycle) issues.push({ key: STACKS, message: `containers on host ${hostName} depend on each other in a cycle: ${cycle.join(" -> ")}` });
  return issues;
}

function checkMemoryCapacity(hostName: string, host: DockerHostSpec, containers: Located[]): ConfigIssue[] {
  const total = containers.reduce((sum, { container }) => sum + container.memoryMb, 0);
  return total > host.memoryMb
    ? [{ key: `${HOSTS}.${hostName}.memoryMb`, message: `containers on ${hostName} are limited to ${total} MB in total, more than the host's ${host.memoryMb} MB` }]
    : [];
}

function findDependencyCycle(containers: ContainerSpec[]): string[] | undefined {
  return findCycle(containers, (container) => container.name, startAfter);
}
