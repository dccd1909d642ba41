/**
 * Generic VMs with cloud-init, several network devices and PCI passthrough, and the nodes'
 * bridges and VLAN interfaces: each bad value is refused with its key before anything runs.
 */
import { talosExampleData } from "../homelab-compute/talosExample";
import { brokenConfig, configProblems, copy, stackConfigData } from "../support/stackConfig";
import { GPU_VM, withGpuAndVlans } from "./gpuVlanFixture";

type Case = [string, (config: Record<string, any>) => void, string, RegExp];

const VM = `homeops:proxmoxVms.${GPU_VM}`;
const R720XD = "homeops:proxmox.nodes.r720xd";
const gpuVm = (c: Record<string, any>) => c.proxmoxVms[GPU_VM];
/** The homelab with the fixture, then `mutate`. */
const broken = (mutate: (config: Record<string, any>) => void) =>
  brokenConfig("homelab", (c) => {
    withGpuAndVlans(c);
    mutate(c);
  });

test("the fixture is valid, and so is the committed homelab, whose nodes declare no bridges", () => {
  expect(broken(() => {})).toEqual([]);
  expect(configProblems("homelab", stackConfigData("homelab"))).toEqual([]);
});

describe("a VM's passthrough, memory, network devices and cloud-init", () => {
  test.each<Case>([
    ["a mapping the cluster does not declare", (c) => (gpuVm(c).pciDevices[0].mapping = "rtx4090"), `${VM}.pciDevices[0].mapping`, /unknown PCI mapping "rtx4090" \(declared: rtx3090, tesla-p4\) in homeops:proxmox\.pciMappings/],
    [
      "a mapping without a device on the VM's node",
      (c) => (c.proxmox.pciMappings.rtx3090.devices[0].node = "pve03"),
      `${VM}.pciDevices[0].mapping`,
      /PCI mapping rtx3090 has no device on node r720xd \(it has one on pve03\)/,
    ],
    [
      "PCIe on the pc machine type",
      (c) => (gpuVm(c).machine = "pc"),
      `${VM}.pciDevices[0].pcie`,
      new RegExp(`a PCIe port needs machine q35, and ${VM.replace(/\./g, "\\.")}\\.machine is pc`),
    ],
    ["a primary GPU without OVMF", (c) => (gpuVm(c).uefi = false), `${VM}.pciDevices[0].primaryGpu`, /a primary GPU \(x-vga\) needs OVMF firmware: set homeops:proxmoxVms\.ai-workbench\.uefi: true/],
    ["ballooning with passthrough", (c) => (gpuVm(c).balloonMinMb = 8192), `${VM}.balloonMinMb`, /a VM with PCI passthrough cannot balloon/],
    ["a balloon floor above the memory", (c) => Object.assign(c.proxmoxVms.seaweedfs, { balloonMinMb: 9000 }), "homeops:proxmoxVms.seaweedfs.balloonMinMb", /9000 MB is more than the VM's 8192 MB/],
    ["more than 16 PCI devices", (c) => (gpuVm(c).pciDevices = Array.from({ length: 17 }, () => ({ mapping: "rtx3090" }))), `${VM}.pciDevices`, /at most 16 PCI devices/],
    [
      "one GPU passed to two VMs on its node",
      (c) => Object.assign(c.proxmoxVms.seaweedfs, { uefi: true, pciDevices: [{ mapping: "rtx3090" }] }),
      `${VM}.pciDevices[0].mapping`,
      /PCI mapping rtx3090 has 1 device on node r720xd, already passed to homeops:proxmoxVms\.seaweedfs\.pciDevices\[0\]/,
    ],
    ["a ROM file outside /usr/share/kvm", (c) => (gpuVm(c).pciDevices[0].romFile = "/root/vbios.rom"), `${VM}.pciDevices[0].romFile`, /relative to \/usr\/share\/kvm/],
    ["an address that is neither IPv4 nor dhcp", (c) => (gpuVm(c).network[1].ip = "auto"), `${VM}.network[1].ip`, /must be an IPv4 address like 192\.168\.11\.10, or dhcp/],
    ["a DHCP device on an unknown network", (c) => (gpuVm(c).network[1].network = "iot"), `${VM}.network[1].network`, /unknown network "iot"/],
    ["a firewall flag that is no boolean", (c) => (gpuVm(c).network[0].firewall = "yes"), `${VM}.network[0].firewall`, /boolean/],
    ["a private key instead of a public one", (c) => (gpuVm(c).cloudInit.sshKeys = ["-----BEGIN OPENSSH PRIVATE KEY-----"]), `${VM}.cloudInit.sshKeys[0]`, /must be an OpenSSH public key line/],
    ["a password in plain text", (c) => (gpuVm(c).cloudInit.password = "hunter2"), `${VM}.cloudInit.password`, /must be \{configSecret: <key>\}/],
    ["a user name that is no Unix name", (c) => (gpuVm(c).cloudInit.user = "Ops Team"), `${VM}.cloudInit.user`, /must be a Unix user name/],
    ["a disk image that is no image file", (c) => (gpuVm(c).disks[0].image = "local:vztmpl/debian-12.tar.zst"), `${VM}.disks[0].image`, /must be an image file id like local:iso\/noble-server-cloudimg-amd64\.img/],
    [
      "a disk image on a datastore without its content",
      (c) => (gpuVm(c).disks[0].image = "local:import/noble-server-cloudimg-amd64.qcow2"),
      `${VM}.disks[0].image`,
      /datastore local on Proxmox node r720xd is not enabled for import \(it holds iso, vztmpl, backup, snippets\)/,
    ],
    ["a misspelt cloud-init key", (c) => (gpuVm(c).cloudInit.sshKey = []), `${VM}.cloudInit.sshKey`, /did you mean `sshKeys`\?/],
  ])("%s", (_kind, mutate, key, message) => {
    expect(broken(mutate)).toContainEqual({ key, message: expect.stringMatching(message) });
  });
});

describe("the cluster's PCI mappings", () => {
  test.each<Case>([
    ["existing that is no boolean", (c) => (c.proxmox.pciMappings["tesla-p4"].existing = "yes"), "homeops:proxmox.pciMappings.tesla-p4.existing", /boolean/],
    ["a device on an unknown node", (c) => (c.proxmox.pciMappings.rtx3090.devices[0].node = "godzilla"), "homeops:proxmox.pciMappings.rtx3090.devices[0].node", /unknown Proxmox node "godzilla"/],
    ["an upper-case PCI address", (c) => (c.proxmox.pciMappings.rtx3090.devices[0].path = "0000:42:00.0".toUpperCase() + "A"), "homeops:proxmox.pciMappings.rtx3090.devices[0].path", /must be a PCI address like 0000:01:00\.0/],
    ["a subsystem id that is not vendor:device", (c) => (c.proxmox.pciMappings.rtx3090.devices[0].subsystemId = "1458"), "homeops:proxmox.pciMappings.rtx3090.devices[0].subsystemId", /vendor:device/],
    ["a negative IOMMU group", (c) => (c.proxmox.pciMappings.rtx3090.devices[0].iommuGroup = -1), "homeops:proxmox.pciMappings.rtx3090.devices[0].iommuGroup", /greater than or equal to 0|>=0/],
    ["a mapping without devices", (c) => (c.proxmox.pciMappings.rtx3090.devices = []), "homeops:proxmox.pciMappings.rtx3090.devices", /at least 1|>=1/],
    ["a device id that is not vendor:device", (c) => (c.proxmox.pciMappings.rtx3090.devices[0].id = "10de"), "homeops:proxmox.pciMappings.rtx3090.devices[0].id", /vendor:device/],
    [
      "one address twice on a node",
      (c) => c.proxmox.pciMappings.rtx3090.devices.push({ node: "r720xd", path: "0000:42:00.0", id: "10de:2204" }),
      "homeops:proxmox.pciMappings.rtx3090.devices[1].path",
      /0000:42:00\.0 on r720xd is already devices\[0\]/,
    ],
  ])("%s", (_kind, mutate, key, message) => {
    expect(broken(mutate)).toContainEqual({ key, message: expect.stringMatching(message) });
  });
});

describe("the nodes' bridges and VLAN interfaces", () => {
  test.each<Case>([
    ["VLAN ids on a bridge that is not VLAN-aware", (c) => (c.proxmox.nodes.r720xd.bridges.vmbr1.vlanAware = false), `${R720XD}.bridges.vmbr1.vlanIds`, /only when it is VLAN-aware: set vlanAware: true/],
    ["a VLAN id above 4094", (c) => (c.proxmox.nodes.r720xd.bridges.vmbr1.vlanIds = [4095]), `${R720XD}.bridges.vmbr1.vlanIds[0]`, /VLAN ids are 1-4094/],
    ["a reversed VLAN range", (c) => (c.proxmox.nodes.r720xd.bridges.vmbr1.vlanIds = ["110-100"]), `${R720XD}.bridges.vmbr1.vlanIds[0]`, /range first-last/],
    ["a bridge name longer than the provider takes", (c) => (c.proxmox.nodes.r720xd.bridges.vmbr_trunk_1 = {}), `${R720XD}.bridges.vmbr_trunk_1`, /at most 9 letters, digits or '_'/],
    ["a bridge port that is no interface name", (c) => (c.proxmox.nodes.r720xd.bridges.vmbr1.ports = ["eno 2"]), `${R720XD}.bridges.vmbr1.ports[0]`, /must be a network interface name/],
    ["an MTU below IPv4's minimum", (c) => (c.proxmox.nodes.r720xd.bridges.vmbr1.mtu = 500), `${R720XD}.bridges.vmbr1.mtu`, /MTU is 576-65520/],
    ["existing that is no boolean", (c) => (c.proxmox.nodes.r720xd.bridges.vmbr0.existing = "yes"), `${R720XD}.bridges.vmbr0.existing`, /boolean/],
    ["a misspelt bridge key", (c) => (c.proxmox.nodes.r720xd.bridges.vmbr1.vlanAwre = true), `${R720XD}.bridges.vmbr1.vlanAwre`, /did you mean `vlanAware`\?/],
    ["an address without its prefix length", (c) => (c.proxmox.nodes.r720xd.vlans["vmbr0.40"].address = "10.40.0.15"), `${R720XD}.vlans.vmbr0.40.address`, /with its prefix length/],
    ["an interface address that is its subnet's", (c) => (c.proxmox.nodes.r720xd.vlans["vmbr0.40"].address = "10.40.0.0/24"), `${R720XD}.vlans.vmbr0.40.address`, /10\.40\.0\.0 is not a host address of its subnet 10\.40\.0\.0\/24/],
    [
      "an interface address a guest has",
      (c) => (c.proxmox.nodes.r720xd.bridges.vmbr1.address = "192.168.11.133/24"),
      "homeops:proxmoxVms.seaweedfs.network[0].ip",
      /192\.168\.11\.133 is already used by homeops:proxmox\.nodes\.r720xd\.bridges\.vmbr1\.address/,
    ],
    ["a gateway without an address", (c) => (c.proxmox.nodes.r720xd.bridges.vmbr1.gateway = "10.30.0.1"), `${R720XD}.bridges.vmbr1.gateway`, /needs the interface's own address/],
    ["a gateway off the interface's subnet", (c) => Object.assign(c.proxmox.nodes.r720xd.vlans["vmbr0.40"], { gateway: "10.20.0.1" }), `${R720XD}.vlans.vmbr0.40.gateway`, /10\.20\.0\.1 is not on the interface's subnet 10\.40\.0\.0\/24/],
    [
      "two default gateways on a node",
      (c) => {
        Object.assign(c.proxmox.nodes.r720xd.bridges.vmbr0, { address: "192.168.11.15/24", gateway: "192.168.11.1" });
        c.proxmox.nodes.r720xd.vlans["vmbr0.40"].gateway = "10.40.0.1";
      },
      `${R720XD}.vlans.vmbr0.40.gateway`,
      /a node has one default gateway, and homeops:proxmox\.nodes\.r720xd\.bridges\.vmbr0\.gateway sets it already/,
    ],
    ["a VLAN its bridge does not carry", (c) => (c.proxmox.nodes.r720xd.vlans = { "vmbr1.40": {} }), `${R720XD}.vlans.vmbr1.40`, /VLAN 40 rides on bridge vmbr1, which carries VLANs 30, 100-110 only \(homeops:proxmox\.nodes\.r720xd\.bridges\.vmbr1\.vlanIds\)/],
    ["a dotted name with its own tag", (c) => (c.proxmox.nodes.r720xd.vlans["vmbr0.40"].vlanId = 41), `${R720XD}.vlans.vmbr0.40.vlanId`, /the name vmbr0\.40 gives the device and the VLAN already/],
    ["a named VLAN without its device", (c) => (c.proxmox.nodes.r720xd.vlans = { storage: { vlanId: 40 } }), `${R720XD}.vlans.storage`, /needs interface and vlanId/],
  ])("%s", (_kind, mutate, key, message) => {
    expect(broken(mutate)).toContainEqual({ key, message: expect.stringMatching(message) });
  });

  test("the node's own address may sit on its bridge, and a named VLAN with its device and tag passes", () => {
    expect(
      broken((c) => {
        Object.assign(c.proxmox.nodes.r720xd.bridges.vmbr0, { address: "192.168.11.15/24", gateway: "192.168.11.1" });
        c.proxmox.nodes.r720xd.vlans = { storage: { interface: "vmbr0", vlanId: 40, address: "10.40.0.15/24" } };
      }),
    ).toEqual([]);
  });
});

describe("a guest on a VLAN its bridge does not carry is refused, whatever the guest", () => {
  test.each<Case>([
    ["a VM's second device", (c) => (c.proxmox.networks.storage.vlanId = 30), `${VM}.network[1].network`, /network storage is VLAN 30 on bridge vmbr0, which on node r720xd carries VLANs 20, 40 only \(homeops:proxmox\.nodes\.r720xd\.bridges\.vmbr0\.vlanIds\)/],
    [
      "an LXC on a bridge that is not VLAN-aware",
      (c) => {
        c.proxmoxContainers.nvr.node = "r720xd";
        c.proxmoxContainers.nvr.rootDisk.datastore = "ssdpool0-store";
        c.proxmoxContainers.nvr.network = [{ network: "lab", ip: "10.105.0.89" }];
        c.proxmox.nodes.r720xd.bridges.vmbr1 = { ports: ["eno2"] };
      },
      "homeops:proxmoxContainers.nvr.network[0].network",
      /network lab is VLAN 105 on bridge vmbr1, which on node r720xd is not VLAN-aware \(homeops:proxmox\.nodes\.r720xd\.bridges\.vmbr1\.vlanAware\)/,
    ],
    [
      "a guest on a bridge its node does not declare",
      (c) => (c.proxmox.networks.storage.bridge = "vmbr9"),
      `${VM}.network[1].network`,
      /network storage is on bridge vmbr9, which node r720xd does not declare \(homeops:proxmox\.nodes\.r720xd\.bridges: vmbr0, vmbr1\)/,
    ],
  ])("%s", (_kind, mutate, key, message) => {
    expect(broken(mutate)).toContainEqual({ key, message: expect.stringMatching(message) });
  });

  test("a Talos node's VM on the cluster's network", () => {
    const config = copy(talosExampleData());
    config.proxmox.networks.lan.vlanId = 11;
    config.proxmox.nodes.pve2.bridges = { vmbr0: { vlanAware: true, vlanIds: [20] } };
    const issues = configProblems("homelab", config);
    expect(issues).toContainEqual({
      key: "homeops:talos.nodes[1].proxmoxNode",
      message: "network lan is VLAN 11 on bridge vmbr0, which on node pve2 carries VLANs 20 only (homeops:proxmox.nodes.pve2.bridges.vmbr0.vlanIds)",
    });
    // The nodes that declare no bridges keep their network to themselves.
    expect(issues.filter((issue) => /nodes\[[02]\]/.test(issue.key))).toEqual([]);
  });

  test("the issue's stack file: a network declares its bridge VLAN-aware, and every node that declares the bridge must agree", () => {
    expect(broken((c) => (c.proxmox.networks.servers.vlanAware = true))).toEqual([]);
    expect(
      broken((c) => {
        c.proxmox.networks.lab.vlanAware = true;
        c.proxmox.nodes.r720xd.bridges.vmbr1 = { ports: ["eno2"] };
      }),
    ).toEqual([
      {
        key: `${R720XD}.bridges.vmbr1.vlanAware`,
        message: "network lab declares bridge vmbr1 VLAN-aware (homeops:proxmox.networks.lab.vlanAware), but node r720xd declares it without vlanAware: true: set it here, or leave the network's out",
      },
    ]);
    // A node that declares no bridges takes the network's word for it.
    const config = copy(talosExampleData());
    Object.assign(config.proxmox.networks.lan, { vlanId: 11, vlanAware: true });
    expect(configProblems("homelab", config)).toEqual([]);
  });

  test.each<Case>([
    ["a tagged network whose bridge is declared not VLAN-aware", (c) => (c.proxmox.networks.servers.vlanAware = false), "homeops:proxmox.networks.servers.vlanAware", /^network servers is VLAN 20, which only a VLAN-aware bridge carries here: set vlanAware: true or leave it out$/],
    ["a bridge's VLAN list on a network", (c) => (c.proxmox.networks.servers.vlanIds = [20]), "homeops:proxmox.networks.servers.vlanIds", /^vlanIds is a setting of the bridge on each node: declare it as homeops:proxmox\.nodes\.<node>\.bridges\.vmbr0\.vlanIds \(the network gives its vlanId\)$/],
    [
      "a tagged guest where neither the network nor the node's bridge is VLAN-aware",
      (c) => (c.proxmox.nodes.r720xd.bridges.vmbr0 = { existing: true }),
      `${VM}.network[0].network`,
      /^network servers is VLAN 20 on bridge vmbr0, which on node r720xd is not VLAN-aware \(homeops:proxmox\.nodes\.r720xd\.bridges\.vmbr0\.vlanAware\)$/,
    ],
  ])("%s", (_kind, mutate, key, message) => {
    expect(broken(mutate)).toContainEqual({ key, message: expect.stringMatching(message) });
  });
});
