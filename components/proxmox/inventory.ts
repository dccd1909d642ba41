import type * as pulumi from "@pulumi/pulumi";
import type { ContainerSpec, ProxmoxNetworkSpec } from "../../config/proxmox";
import { ProxmoxContainer, type ContainerGuestSpec } from "./container";
import { cidrAddress, guestDns } from "./network";
import type { ProxmoxCluster } from "./proxmoxCluster";

/** An inventory container as the container component takes it; only the first interface routes out. */
export function containerGuestSpec(name: string, spec: ContainerSpec, network: (name: string) => ProxmoxNetworkSpec): ContainerGuestSpec {
  const interfaces = spec.network.map((nic, index) => {
    const lan = network(nic.network);
    return { bridge: lan.bridge, vlanId: lan.vlanId, address: cidrAddress(nic.ip, lan), gateway: index === 0 ? lan.gateway : undefined };
  });
  return {
    node: spec.node,
    vmId: spec.vmId,
    hostname: name,
    description: spec.description,
    template: spec.template,
    osType: spec.osType,
    cores: spec.cores,
    memoryMb: spec.memoryMb,
    swapMb: spec.swapMb,
    rootDisk: spec.rootDisk,
    networkInterfaces: interfaces,
    dns: guestDns(network(spec.network[0].network)),
    unprivileged: spec.unprivileged,
    features: spec.features,
    mountPoints: spec.mountPoints,
    devices: spec.devices,
    startOnBoot: spec.startOnBoot,
    tags: spec.tags,
    holdsData: spec.holdsData,
  };
}

/** The inventory's containers on the cluster, by name. */
export function deployContainers(
  cluster: ProxmoxCluster,
  containers: Record<string, ContainerSpec>,
  opts?: pulumi.ComponentResourceOptions,
): Record<string, ProxmoxContainer> {
  return Object.fromEntries(
    Object.entries(containers).map(([name, spec]) => [
      name,
      new ProxmoxContainer(name, containerGuestSpec(name, spec, (network) => cluster.network(network)), { parent: cluster, ...opts, provider: cluster.provider }),
    ]),
  );
}
