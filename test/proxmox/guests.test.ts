/**
 * The VM and container components under Pulumi's mocks (what they register, with which
 * options), and the pure builders behind them.
 */
import * as proxmox from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import { ProxmoxContainer, containerLegacyArgs, type ContainerGuestSpec } from "../../components/proxmox/container";
import { proxmoxTags } from "../../components/proxmox/guest";
import { containerGuestSpec } from "../../components/proxmox/inventory";
import { ProxmoxCluster, providerArgs, proxmoxSecretValues } from "../../components/proxmox/proxmoxCluster";
import { ProxmoxVm, vmIgnoreChanges, vmLegacyArgs, type VmSpec } from "../../components/proxmox/vm";
import type { ContainerSpec, ProxmoxSettings } from "../../config/proxmox";
import { installRecordingMocks } from "../../tools/plan/recorder";
import type { PlannedResource } from "../../policy/contract/plan";

const { resources: recorded } = installRecordingMocks(
  { newResource: ({ name, inputs }) => ({ id: `${name}-id`, state: inputs }), call: () => ({}) },
  "homeops",
  "guests",
);

const settings: ProxmoxSettings = {
  endpoint: "https://192.168.20.10:8006/",
  apiToken: { configSecret: "proxmoxApiToken" },
  insecure: false,
  ssh: { username: "root", agent: true },
  networks: { servers: { bridge: "vmbr1", vlanId: 20, subnet: "192.168.20.0/24", gateway: "192.168.20.1", nameservers: ["192.168.20.1"], searchDomain: "lan" } },
  nodes: { godzilla: { address: "192.168.20.10", memoryMb: 131072, zfsArcMaxMb: 16384, datastores: { local: ["iso", "snippets"], "local-zfs": ["images", "rootdir"] } } },
};

/** Seed 002's GPU host: a UEFI VM with the GPU passed through by its resource mapping. */
const gpuVm: VmSpec = {
  name: "gpu-worker",
  node: "godzilla",
  vmId: 410,
  cpu: { cores: 8 },
  memoryMb: 32768,
  uefi: true,
  disks: [{ datastore: "local-zfs", sizeGb: 64, imageFileId: "local:iso/noble-server-cloudimg-amd64.img" }, { datastore: "local-zfs", sizeGb: 500, interface: "virtio1" }],
  networkDevices: [{ bridge: "vmbr1", vlanId: 20 }],
  cloudInit: { datastore: "local-zfs", ipConfigs: [{ address: "192.168.20.41/24", gateway: "192.168.20.1" }], userDataFileId: "local:snippets/gpu.yaml" },
  guestAgent: true,
  pciDevices: [{ mapping: "rtx-3090", primaryGpu: false }],
  tags: ["GPU", "ml", "gpu"],
  holdsData: true,
};

function registered(type: string, name: string): PlannedResource {
  const found = recorded.find((resource) => resource.type === type && resource.name === name);
  if (!found) throw new Error(`${type} ${name} was not registered`);
  return found;
}

const urnOf = (resource: pulumi.Resource) => new Promise<string>((resolve) => resource.urn.apply(resolve));

describe("under mocks", () => {
  let providerUrn: string;
  beforeAll(async () => {
    const cluster = new ProxmoxCluster("lab", { settings, apiToken: pulumi.secret("root@pam!homeops=token") });
    const vm = new ProxmoxVm("gpu-worker", gpuVm, { parent: cluster, provider: cluster.provider });
    const container = new ProxmoxContainer(
      "scratch",
      { ...containerGuestSpec("scratch", scratch, (name) => settings.networks[name]), holdsData: false },
      { parent: cluster, provider: cluster.provider },
    );
    [providerUrn] = await Promise.all([urnOf(cluster.provider), urnOf(vm.vm), urnOf(container.container)]);
  });

  test("the provider gets the API token as a secret and SSH addresses for every node", () => {
    const provider = registered("pulumi:providers:proxmoxve", "lab");
    expect(provider.inputs).toMatchObject({ endpoint: "https://192.168.20.10:8006/", apiToken: "[secret]", insecure: "false" });
    expect(JSON.parse(provider.inputs.ssh as string)).toEqual({ username: "root", agent: true, nodes: [{ name: "godzilla", address: "192.168.20.10" }] });
  });

  test("a VM is registered through the cluster's provider, protected, replaced only delete-first", () => {
    const vm = registered("proxmoxve:index/vmLegacy:VmLegacy", "gpu-worker");
    expect(vm.provider).toBe(providerUrn);
    expect(vm.parent).toMatch(/homeops:proxmox:Vm::gpu-worker$/);
    expect(vm).toMatchObject({ protect: true, deleteBeforeReplace: true, ignoreChanges: ["initialization.userDataFileId", "disks[0].fileId"] });
    expect(vm.inputs).toMatchObject({
      nodeName: "godzilla",
      vmId: 410,
      bios: "ovmf",
      efiDisk: { datastoreId: "local-zfs", type: "4m" },
      memory: { dedicated: 32768 },
      hostpcis: [{ device: "hostpci0", mapping: "rtx-3090", pcie: true, xvga: false }],
      networkDevices: [{ bridge: "vmbr1", vlanId: 20, model: "virtio" }],
      tags: ["gpu", "ml"],
    });
  });

  test("a container without data is not protected, and ignores only its template", () => {
    const container = registered("proxmoxve:index/containerLegacy:ContainerLegacy", "scratch");
    expect(container.provider).toBe(providerUrn);
    expect(container).toMatchObject({ protect: false, deleteBeforeReplace: true, ignoreChanges: ["operatingSystem.templateFileId"] });
  });
});

const scratch: ContainerSpec = {
  node: "godzilla",
  vmId: 420,
  template: "local:vztmpl/debian-12-standard_12.12-1_amd64.tar.zst",
  osType: "debian",
  cores: 2,
  memoryMb: 2048,
  swapMb: 0,
  rootDisk: { datastore: "local-zfs", sizeGb: 16 },
  network: [
    { network: "servers", ip: "192.168.20.42" },
    { network: "servers", ip: "192.168.20.43" },
  ],
  unprivileged: true,
  features: { nesting: true, keyctl: true, fuse: false },
  mountPoints: [{ datastore: "local-zfs", sizeGb: 100, path: "/srv", readOnly: false, backup: false }],
  devices: [{ path: "/dev/net/tun" }, { path: "/dev/apex_0", gid: 44, mode: "0660" }],
  startOnBoot: true,
  tags: ["Docker"],
  holdsData: true,
};

describe("container arguments", () => {
  const spec: ContainerGuestSpec = containerGuestSpec("scratch", scratch, (name) => settings.networks[name]);

  test("addresses get the network's prefix, only the first interface routes out, DNS from its network", () => {
    expect(spec.networkInterfaces).toEqual([
      { bridge: "vmbr1", vlanId: 20, address: "192.168.20.42/24", gateway: "192.168.20.1" },
      { bridge: "vmbr1", vlanId: 20, address: "192.168.20.43/24", gateway: undefined },
    ]);
    expect(spec.dns).toEqual({ servers: ["192.168.20.1"], domain: "lan" });
  });

  test("unprivileged by default, Docker-ready features, devices and volumes passed on", () => {
    const args = containerLegacyArgs(spec);
    expect(args).toMatchObject({
      nodeName: "godzilla",
      vmId: 420,
      unprivileged: true,
      features: { nesting: true, keyctl: true, fuse: false },
      memory: { dedicated: 2048, swap: 0 },
      disk: { datastoreId: "local-zfs", size: 16 },
      networkInterfaces: [{ name: "eth0", bridge: "vmbr1", vlanId: 20 }, { name: "eth1" }],
      initialization: { hostname: "scratch", ipConfigs: [{ ipv4: { address: "192.168.20.42/24", gateway: "192.168.20.1" } }, { ipv4: { address: "192.168.20.43/24" } }] },
      mountPoints: [{ volume: "local-zfs", size: "100G", path: "/srv", backup: false, readOnly: false }],
      devicePassthroughs: [{ path: "/dev/net/tun" }, { path: "/dev/apex_0", gid: 44, mode: "0660" }],
      operatingSystem: { templateFileId: "local:vztmpl/debian-12-standard_12.12-1_amd64.tar.zst", type: "debian" },
      tags: ["docker"],
    });
    expect(containerLegacyArgs({ ...spec, unprivileged: undefined }).unprivileged).toBe(true);
  });
});

describe("VM arguments", () => {
  test("disks: SCSI by position with SSD emulation, none on VirtIO block devices", () => {
    const disks = vmLegacyArgs(gpuVm).disks as proxmox.types.input.VmLegacyDisk[];
    expect(disks.map((disk) => [disk.interface, disk.ssd, disk.fileId])).toEqual([
      ["scsi0", true, "local:iso/noble-server-cloudimg-amd64.img"],
      ["virtio1", undefined, undefined],
    ]);
  });

  test("creation-only inputs are ignored only when they are set", () => {
    expect(vmIgnoreChanges({ ...gpuVm, cloudInit: undefined, disks: [{ datastore: "local-zfs", sizeGb: 8 }] })).toEqual([]);
    expect(vmIgnoreChanges({ ...gpuVm, disks: [{ datastore: "local-zfs", sizeGb: 8 }, { datastore: "local-zfs", sizeGb: 8, imageFileId: "local:iso/x.img" }] })).toEqual([
      "initialization.userDataFileId",
      "disks[1].fileId",
    ]);
  });

  test("SeaBIOS without an EFI disk unless UEFI is asked for; no agent unless declared", () => {
    const args = vmLegacyArgs({ ...gpuVm, name: "plain", uefi: undefined, guestAgent: undefined, pciDevices: undefined });
    expect(args).toMatchObject({ bios: "seabios", efiDisk: undefined, agent: { enabled: false }, machine: "q35", onBoot: true });
  });

  test("impossible VMs are refused", () => {
    expect(() => vmLegacyArgs({ ...gpuVm, name: "diskless", disks: [] })).toThrow(/at least one disk/);
    expect(() => vmLegacyArgs({ ...gpuVm, name: "greedy", pciDevices: Array.from({ length: 17 }, () => ({ mapping: "nic" })) })).toThrow(/at most 16 PCI devices/);
  });
});

test("tags are stored the way Proxmox rewrites them", () => {
  expect(proxmoxTags(["Talos", "homeops", "talos", "controlplane"])).toEqual(["controlplane", "homeops", "talos"]);
  expect(proxmoxTags()).toEqual([]);
});

test("an SSH key for the provider is a secret, and both secrets are declared to StackSecrets", async () => {
  const withKey = { ...settings, ssh: { ...settings.ssh, agent: false, privateKey: { configSecret: "proxmoxSshKey" } } };
  const args = providerArgs({ settings: withKey, apiToken: "token", sshPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----" });
  const ssh = args.ssh as proxmox.types.input.ProviderSsh;
  expect(await pulumi.isSecret(ssh.privateKey as pulumi.Output<string>)).toBe(true);
  expect(ssh.agent).toBe(false);
  expect(proxmoxSecretValues(withKey)).toEqual([{ configSecret: "proxmoxApiToken" }, { configSecret: "proxmoxSshKey" }]);
  expect(proxmoxSecretValues(settings)).toEqual([{ configSecret: "proxmoxApiToken" }]);
});
