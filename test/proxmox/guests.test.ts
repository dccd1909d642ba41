/**
 * The VM and container components under Pulumi's mocks (what they register, with which
 * options), and the pure builders behind them.
 */
import * as proxmox from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import { ProxmoxContainer, containerLegacyArgs, type ContainerGuestSpec } from "../../components/proxmox/container";
import { proxmoxTags } from "../../components/proxmox/guest";
import { containerGuestSpec, deployVms, vmGuestSpec, vmSecretValues } from "../../components/proxmox/inventory";
import { bridgeArgs, bridgeIgnoreChanges, vlanArgs, vlanIgnoreChanges } from "../../components/proxmox/nodeNetwork";
import { pciMappingArgs } from "../../components/proxmox/pciMapping";
import { ProxmoxCluster, providerArgs, proxmoxSecretValues } from "../../components/proxmox/proxmoxCluster";
import { ProxmoxVm, vmIgnoreChanges, vmLegacyArgs, type VmSpec } from "../../components/proxmox/vm";
import { vmsSchema, type ContainerSpec, type ProxmoxSettings } from "../../config/proxmox";
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
  networks: {
    servers: { bridge: "vmbr1", vlanId: 20, subnet: "192.168.20.0/24", gateway: "192.168.20.1", nameservers: ["192.168.20.1"], searchDomain: "lan" },
    storage: { bridge: "vmbr1", vlanId: 40, subnet: "10.40.0.0/24", gateway: "10.40.0.1", nameservers: [] },
  },
  nodes: {
    godzilla: {
      address: "192.168.20.10",
      memoryMb: 131072,
      zfsArcMaxMb: 16384,
      datastores: { local: ["iso", "snippets"], "local-zfs": ["images", "rootdir"] },
      bridges: {
        // The node's own bridge, adopted: its address and ports stay as the node has them.
        vmbr0: { existing: true, vlanAware: true },
        // A trunk over the storage VLAN interface.
        vmbr1: { existing: false, ports: ["eno2.40"], vlanAware: true, vlanIds: [20, "40-41"], mtu: 9000 },
      },
      vlans: { "eno2.40": { existing: false }, storage: { existing: false, interface: "vmbr0", vlanId: 40, address: "10.40.0.10/24", comment: "NFS" } },
    },
  },
  pciMappings: { "rtx-3090": { existing: false, comment: "RTX 3090", mediatedDevices: false, devices: [{ node: "godzilla", path: "0000:01:00.0", id: "10de:2204", iommuGroup: 14 }] } },
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

const BRIDGE = "proxmoxve:network/linux/bridge:Bridge";
const VLAN = "proxmoxve:network/linux/vlan:Vlan";
const PCI = "proxmoxve:hardware/mapping/pci:Pci";
const VM_TYPE = "proxmoxve:index/vmLegacy:VmLegacy";
const SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTestsOnly0000000000000000000000 ops@laptop";

/** An inventory entry as the stack file gives it, parsed (defaults filled in). */
const inventoryVm = vmsSchema.parse({
  "ai-workbench": {
    node: "godzilla",
    vmId: 411,
    cores: 8,
    memoryMb: 16384,
    uefi: true,
    disks: [{ datastore: "local-zfs", sizeGb: 64 }],
    network: [
      { network: "servers", ip: "192.168.20.50", firewall: true },
      { network: "storage", ip: "dhcp" },
    ],
    cloudInit: { datastore: "local-zfs", user: "ops", sshKeys: [SSH_KEY], password: { configSecret: "aiWorkbenchPassword" } },
    pciDevices: [{ mapping: "rtx-3090", primaryGpu: true }],
  },
});

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
    const inventoryVms = deployVms(cluster, inventoryVm, (ref) => pulumi.secret(`value of ${ref.configSecret}`));
    const container = new ProxmoxContainer(
      "scratch",
      { ...containerGuestSpec("scratch", scratch, (name) => settings.networks[name]), holdsData: false },
      { parent: cluster, provider: cluster.provider },
    );
    [providerUrn] = await Promise.all([urnOf(cluster.provider), urnOf(vm.vm), urnOf(container.container), urnOf(inventoryVms["ai-workbench"].vm)]);
  });

  const urnNamed = (type: string, name: string) => registered(type, name).urn;

  test("each node's declared bridges and VLAN interfaces are the provider's, protected and kept if removed", () => {
    const vmbr1 = registered(BRIDGE, "lab/godzilla/vmbr1");
    expect(vmbr1.parent).toMatch(/homeops:proxmox:NodeNetwork::lab\/godzilla$/);
    expect(vmbr1.provider).toBe(providerUrn);
    expect(vmbr1).toMatchObject({ protect: true, retainOnDelete: true, ignoreChanges: ["address6", "gateway6"] });
    expect(vmbr1.inputs).toMatchObject({ nodeName: "godzilla", name: "vmbr1", ports: ["eno2.40"], vlanAware: true, vids: "20 40-41", mtu: 9000 });
    // vmbr1 bridges the VLAN interface eno2.40, and the VLAN interface "storage" rides on vmbr0.
    expect(vmbr1.dependencies).toEqual([urnNamed(VLAN, "lab/godzilla/eno2.40")]);
    expect(registered(VLAN, "lab/godzilla/storage").dependencies).toEqual([urnNamed(BRIDGE, "lab/godzilla/vmbr0")]);
    expect(registered(VLAN, "lab/godzilla/storage").inputs).toMatchObject({ name: "storage", interface: "vmbr0", vlan: 40, address: "10.40.0.10/24", comment: "NFS" });
  });

  test("an adopted bridge leaves what its entry does not state as the node has it", () => {
    const vmbr0 = registered(BRIDGE, "lab/godzilla/vmbr0");
    expect(vmbr0.ignoreChanges.sort()).toEqual(["address", "address6", "autostart", "comment", "gateway", "gateway6", "mtu", "ports", "vids"]);
    expect(vmbr0.inputs).toMatchObject({ name: "vmbr0", vlanAware: true });
    expect(vmbr0.inputs.address).toBeUndefined();
  });

  test("the cluster's PCI mapping, and a VM waits for it and for its bridge", () => {
    const mapping = registered(PCI, "lab/pci/rtx-3090");
    expect(mapping.inputs).toMatchObject({ name: "rtx-3090", maps: [{ node: "godzilla", path: "0000:01:00.0", id: "10de:2204", iommuGroup: 14 }] });
    const vm = registered(VM_TYPE, "ai-workbench");
    expect(vm.dependencies.sort()).toEqual([mapping.urn, urnNamed(BRIDGE, "lab/godzilla/vmbr1")].sort());
  });

  test("a VM from the inventory: devices with their tags and firewall, cloud-init's user with its password secret, no ballooning", () => {
    const vm = registered(VM_TYPE, "ai-workbench");
    expect(vm.inputs).toMatchObject({
      machine: "q35",
      bios: "ovmf",
      memory: { dedicated: 16384, floating: 0 },
      networkDevices: [
        { bridge: "vmbr1", vlanId: 20, firewall: true },
        { bridge: "vmbr1", vlanId: 40, firewall: false },
      ],
      hostpcis: [{ device: "hostpci0", mapping: "rtx-3090", pcie: true, xvga: true, rombar: true }],
    });
    const initialization = vm.inputs.initialization as Record<string, any>;
    expect(initialization.ipConfigs).toEqual([{ ipv4: { address: "192.168.20.50/24", gateway: "192.168.20.1" } }, { ipv4: { address: "dhcp" } }]);
    expect(initialization.userAccount).toEqual({ username: "ops", keys: [SSH_KEY], password: "[secret]" });
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

describe("node network arguments", () => {
  test("a new bridge states what it is; the provider takes bridge-vids as one space-separated string", () => {
    const vmbr1 = settings.nodes.godzilla.bridges.vmbr1;
    expect(bridgeArgs("godzilla", "vmbr1", vmbr1)).toEqual({
      nodeName: "godzilla",
      name: "vmbr1",
      ports: ["eno2.40"],
      vlanAware: true,
      vids: "20 40-41",
      address: undefined,
      gateway: undefined,
      mtu: 9000,
      comment: undefined,
    });
    expect(bridgeIgnoreChanges(vmbr1)).toEqual(["address6", "gateway6"]);
  });

  test("an adopted interface ignores exactly the settings its entry leaves out", () => {
    expect(bridgeIgnoreChanges({ existing: true, address: "192.168.20.10/24", gateway: "192.168.20.1", ports: ["eno1"], vlanAware: true, vlanIds: [20] })).toEqual([
      "address6",
      "gateway6",
      "mtu",
      "comment",
      "autostart",
    ]);
    expect(vlanIgnoreChanges({ existing: true, address: "10.40.0.10/24" })).toEqual(["address6", "gateway6", "gateway", "mtu", "comment", "autostart"]);
    expect(vlanIgnoreChanges({ existing: false })).toEqual(["address6", "gateway6"]);
  });

  test("a VLAN interface named <device>.<vlan> gives the provider its name only", () => {
    expect(vlanArgs("godzilla", "eno2.40", { existing: false })).toEqual({ nodeName: "godzilla", name: "eno2.40", address: undefined, gateway: undefined, mtu: undefined, comment: undefined });
    expect(vlanArgs("godzilla", "storage", settings.nodes.godzilla.vlans.storage)).toMatchObject({ name: "storage", interface: "vmbr0", vlan: 40 });
  });

  test("a PCI mapping lists its device per node", () => {
    expect(pciMappingArgs("rtx-3090", settings.pciMappings["rtx-3090"])).toEqual({
      name: "rtx-3090",
      comment: "RTX 3090",
      mediatedDevices: false,
      maps: [{ node: "godzilla", path: "0000:01:00.0", id: "10de:2204", iommuGroup: 14, subsystemId: undefined, comment: undefined }],
    });
  });
});

describe("an inventory VM", () => {
  const spec = vmGuestSpec("ai-workbench", inventoryVm["ai-workbench"], (name) => settings.networks[name], (ref) => `value of ${ref.configSecret}`);

  test("cloud-init without a user, keys or password leaves the image's user alone", () => {
    const plain = vmsSchema.parse({ plain: { ...inventoryVm["ai-workbench"], cloudInit: { datastore: "local-zfs" }, pciDevices: [] } }).plain;
    expect(vmGuestSpec("plain", plain, (name) => settings.networks[name], () => "unused").cloudInit?.userAccount).toBeUndefined();
  });

  test("ballooning only when asked for, never with passthrough", () => {
    expect(vmLegacyArgs({ ...spec, pciDevices: [], balloonMinMb: 4096 }).memory).toEqual({ dedicated: 16384, floating: 4096 });
    expect(() => vmLegacyArgs({ ...spec, balloonMinMb: 4096 })).toThrow(/PCI passthrough cannot balloon/);
    expect(vmLegacyArgs({ ...spec, pciDevices: [] }).hostpcis).toBeUndefined();
  });

  test("a user account and a user-data file exclude each other", () => {
    expect(() => vmLegacyArgs({ ...spec, cloudInit: { ...spec.cloudInit!, userDataFileId: "local:snippets/x.yaml" } })).toThrow(/a user account or a user-data file, not both/);
  });

  test("its password is declared to StackSecrets", () => {
    expect(vmSecretValues(inventoryVm)).toEqual([{ configSecret: "aiWorkbenchPassword" }]);
    expect(vmSecretValues({})).toEqual([]);
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
