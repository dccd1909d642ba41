import { connectorDockerStack, type CloudflareTunnelSpec } from "../../config/cloudflareTunnel";
import type { DockerHostSpec, DockerStackSpec } from "../../config/docker";
import { ConfigError } from "../../config/errors";
import { CONFIG_NAMESPACE, parseConfigValue } from "../../config/load";
import { platformPolicyAllowances } from "../../config/platform";
import { guestMemoryMb } from "../../config/proxmox";
import { stackConfigValidators } from "../../config/stacks";
import type { DockerDeclarations, PackConfig } from "../../policy/config";
import { readOfflineConfig } from "./stackConfig";

/** The parts of a stack's inventory the policy pack needs to know. */
export interface PolicyInventory {
  dockerHosts: Record<string, DockerHostSpec>;
  dockerStacks: DockerStackSpec[];
  proxmox?: { nodes: Record<string, { memoryMb: number; zfsArcMaxMb?: number }> };
  platform?: Parameters<typeof platformPolicyAllowances>[0];
  /** A Cloudflare Tunnel's cloudflared on a Docker host is one more stack there. */
  dns?: { cloudflare?: { tunnel?: CloudflareTunnelSpec } };
}

/** What the stack file declares of each container and network, as their `homeops.*` labels carry it (policy/config.ts). */
export function dockerDeclarationsOf(hosts: Record<string, DockerHostSpec>, stacks: DockerStackSpec[]): DockerDeclarations {
  const declarations: DockerDeclarations = Object.fromEntries(
    Object.entries(hosts).map(([host, spec]) => [
      host,
      { containers: {}, networks: Object.fromEntries(Object.entries(spec.networks).map(([name, network]) => [name, network.egressReason ? { egressReason: network.egressReason } : {}])) },
    ]),
  );
  for (const stack of stacks) {
    for (const container of stack.containers) {
      declarations[stack.host].containers[container.name] = {
        zone: container.zone,
        image: container.image,
        ...(container.reachableFrom.length > 0 ? { reachableFrom: container.reachableFrom } : {}),
        ...(container.netnsSharedWith.length > 0 ? { netnsSharedWith: container.netnsSharedWith } : {}),
        ...(container.networkMode ? { networkMode: container.networkMode } : { networks: container.networks }),
        hostPaths: container.mounts.flatMap((mount) => (mount.kind === "bind" ? [mount.source] : [])),
        ports: container.ports,
      };
    }
  }
  return declarations;
}

/**
 * The policy pack's configuration for one stack, derived from its inventory: what each
 * container and network declares (zones, allowances, images, egress reasons), what each
 * host may publish and run with host networking or the Docker socket, each machine's
 * memory capacity, and the chart workloads the platform declares allowances for. Written by `npm run plan -- <stack> --policy-config <file>` for
 * `pulumi preview --policy-pack policy --policy-pack-config <file>`.
 */
export function policyConfigFor(inventory: PolicyInventory): PackConfig {
  const hosts = Object.entries(inventory.dockerHosts);
  const allowances = inventory.platform && platformPolicyAllowances(inventory.platform);
  const containersAllowed = (pick: (host: DockerHostSpec) => string[], kubernetesWorkloads: string[] = []) => ({
    dockerContainers: [...new Set(hosts.flatMap(([, host]) => pick(host)))].sort(),
    kubernetesWorkloads,
  });
  const connector = connectorDockerStack(inventory.dns?.cloudflare?.tunnel);
  const declared = dockerDeclarationsOf(inventory.dockerHosts, connector ? [...inventory.dockerStacks, connector] : inventory.dockerStacks);
  return {
    "docker-container-trust-labels": { declared },
    "docker-management-no-published-ports": { declared },
    "docker-isolation-boundaries": { declared },
    "docker-shared-netns-declared": { declared },
    "docker-protected-network-internal": { declared },
    "docker-published-ports-allowed": { allowedPorts: Object.fromEntries(hosts.map(([name, host]) => [name, host.publicPorts ?? []])), declared },
    "docker-image-digest-pinned": { declared, hosts: hosts.filter(([, host]) => host.requireImageDigests).map(([name]) => name) },
    "docker-host-memory-capacity": { capacityMb: Object.fromEntries(hosts.map(([name, host]) => [name, host.memoryMb])) },
    "proxmox-node-memory-capacity": { capacityMb: Object.fromEntries(Object.entries(inventory.proxmox?.nodes ?? {}).map(([name, node]) => [name, guestMemoryMb(node)])) },
    "host-network-allowed": { ...containersAllowed((host) => host.hostNetworkAllowed, allowances?.hostNetwork), declared },
    "docker-socket-mount-allowed": { ...containersAllowed((host) => host.dockerSocketAllowed), declared },
    "kubernetes-workload-namespace-default-deny": {
      exemptions: (allowances?.unfencedWorkloads ?? []).map(({ workload, reason }) => ({ resource: workload, reason })),
    },
  };
}

/** The pack configuration of a stack, from its stack settings file (validated as the program validates it). */
export function policyConfigForStack(stack: string, stackFile: string): PackConfig {
  const validate = stackConfigValidators[stack];
  const { values } = readOfflineConfig(stackFile, CONFIG_NAMESPACE);
  const raw = Object.fromEntries(
    Object.entries(values)
      .filter(([key]) => key.startsWith(`${CONFIG_NAMESPACE}:`))
      .map(([key, value]) => [key.slice(CONFIG_NAMESPACE.length + 1), parseConfigValue(value)]),
  );
  const result = validate(raw);
  if ("issues" in result) throw new ConfigError(result.issues);
  return policyConfigFor(result.config);
}
