import type * as pulumi from "@pulumi/pulumi";
import type { ContainerSpec, ProxmoxNetworkSpec, ProxmoxVmEntry } from "../../config/proxmox";
import { ProxmoxContainer, type ContainerGuestSpec } from "./container";
import { cidrAddress, guestDns } from "./network";
import type { ProxmoxCluster } from "./proxmoxCluster";
import { ProxmoxVm, type VmSpec } from "./vm";

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

/** An inventory VM as the VM component takes it; addresses go to Proxmox only through a cloud-init drive. */
export function vmGuestSpec(name: string, spec: ProxmoxVmEntry, network: (name: string) => ProxmoxNetworkSpec): VmSpec {
  const nics = spec.network.map((nic) => ({ nic, lan: network(nic.network) }));
  return {
    name,
    node: spec.node,
    vmId: spec.vmId,
    description: spec.description,
    cpu: { cores: spec.cores, type: spec.cpuType },
    memoryMb: spec.memoryMb,
    machine: spec.machine,
    uefi: spec.uefi,
    disks: spec.disks.map((disk) => ({ interface: disk.interface, datastore: disk.datastore, sizeGb: disk.sizeGb })),
    networkDevices: nics.map(({ nic, lan }) => ({ bridge: lan.bridge, vlanId: lan.vlanId, macAddress: nic.macAddress })),
    cloudInit: spec.cloudInit && {
      datastore: spec.cloudInit.datastore,
      ipConfigs: nics.map(({ nic, lan }, index) => ({ address: cidrAddress(nic.ip, lan), gateway: index === 0 ? lan.gateway : undefined })),
      dns: guestDns(nics[0].lan),
    },
    guestAgent: spec.guestAgent,
    startOnBoot: spec.startOnBoot,
    tags: spec.tags,
    holdsData: spec.holdsData,
  };
}

/** The inventory's VMs (homeops:proxmoxVms) on the cluster, by name. */
export function deployVms(cluster: ProxmoxCluster, vms: Record<string, ProxmoxVmEntry>, opts?: pulumi.ComponentResourceOptions): Record<string, ProxmoxVm> {
  return Object.fromEntries(
    Object.entries(vms).map(([name, spec]) => [
      name,
      new ProxmoxVm(name, vmGuestSpec(name, spec, (network) => cluster.network(network)), { parent: cluster, ...opts, provider: cluster.provider }),
    ]),
  );
}
