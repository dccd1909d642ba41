import type * as pulumi from "@pulumi/pulumi";
import type { ConfigSecretRef, ContainerSpec, ProxmoxNetworkSpec, ProxmoxVmEntry } from "../../config/proxmox";
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

/** The inventory's containers on the cluster, by name, each after the bridges it plugs into. */
export function deployContainers(cluster: ProxmoxCluster, containers: Record<string, ContainerSpec>): Record<string, ProxmoxContainer> {
  return Object.fromEntries(
    Object.entries(containers).map(([name, spec]) => [
      name,
      new ProxmoxContainer(name, containerGuestSpec(name, spec, (network) => cluster.network(network)), {
        parent: cluster,
        dependsOn: cluster.attachments(spec.node, spec.network.map((nic) => nic.network)),
        provider: cluster.provider,
      }),
    ]),
  );
}

/**
 * An inventory VM as the VM component takes it; addresses and the user go to Proxmox only
 * through a cloud-init drive, the first device's network giving the gateway and resolvers.
 */
export function vmGuestSpec(
  name: string,
  spec: ProxmoxVmEntry,
  network: (name: string) => ProxmoxNetworkSpec,
  secret: (ref: ConfigSecretRef) => pulumi.Input<string>,
): VmSpec {
  const nics = spec.network.map((nic) => ({ nic, lan: network(nic.network) }));
  const cloudInit = spec.cloudInit;
  return {
    name,
    node: spec.node,
    vmId: spec.vmId,
    description: spec.description,
    cpu: { cores: spec.cores, type: spec.cpuType },
    memoryMb: spec.memoryMb,
    balloonMinMb: spec.balloonMinMb,
    machine: spec.machine,
    uefi: spec.uefi,
    disks: spec.disks.map((disk) => ({ interface: disk.interface, datastore: disk.datastore, sizeGb: disk.sizeGb, imageFileId: disk.image })),
    networkDevices: nics.map(({ nic, lan }) => ({ bridge: lan.bridge, vlanId: lan.vlanId, macAddress: nic.macAddress, firewall: nic.firewall })),
    cloudInit: cloudInit && {
      datastore: cloudInit.datastore,
      ipConfigs: nics.map(({ nic, lan }, index) =>
        nic.ip === "dhcp" ? { address: "dhcp" } : { address: cidrAddress(nic.ip, lan), gateway: index === 0 ? lan.gateway : undefined },
      ),
      dns: guestDns(nics[0].lan),
      userAccount:
        cloudInit.user === undefined && cloudInit.sshKeys.length === 0 && cloudInit.password === undefined
          ? undefined
          : { username: cloudInit.user, sshKeys: cloudInit.sshKeys, password: cloudInit.password && secret(cloudInit.password) },
    },
    pciDevices: spec.pciDevices.map((device) => ({ mapping: device.mapping, pcie: device.pcie, primaryGpu: device.primaryGpu, rombar: device.rombar, romFile: device.romFile })),
    guestAgent: spec.guestAgent,
    startOnBoot: spec.startOnBoot,
    tags: spec.tags,
    holdsData: spec.holdsData,
  };
}

/** The config secrets the VMs refer to (cloud-init passwords), for StackSecrets. */
export function vmSecretValues(vms: Record<string, ProxmoxVmEntry>): ConfigSecretRef[] {
  return Object.values(vms).flatMap((vm) => (vm.cloudInit?.password ? [vm.cloudInit.password] : []));
}

/** The inventory's VMs (homeops:proxmoxVms) on the cluster, by name, each after its bridges and PCI mappings. */
export function deployVms(
  cluster: ProxmoxCluster,
  vms: Record<string, ProxmoxVmEntry>,
  secret: (ref: ConfigSecretRef) => pulumi.Input<string>,
): Record<string, ProxmoxVm> {
  return Object.fromEntries(
    Object.entries(vms).map(([name, spec]) => [
      name,
      new ProxmoxVm(name, vmGuestSpec(name, spec, (network) => cluster.network(network), secret), {
        parent: cluster,
        dependsOn: cluster.attachments(
          spec.node,
          spec.network.map((nic) => nic.network),
          spec.pciDevices.map((device) => device.mapping),
        ),
        provider: cluster.provider,
      }),
    ]),
  );
}
