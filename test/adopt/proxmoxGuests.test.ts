/** The pure mapping of Proxmox API answers to stack-file entries (tools/adopt/proxmoxGuests.ts). */
import { containerEntry, nodeDatastores, nodeInterfaces, pciMappingEntry, propertyString, sizeGb, vmEntry } from "../../tools/adopt/proxmoxGuests";

test("property strings: the first bare item is the default, later bare items are flags", () => {
  expect(propertyString("local-zfs:subvol-200-disk-0,size=64G")).toEqual({ default: "local-zfs:subvol-200-disk-0", size: "64G" });
  expect(propertyString("name=eth0,bridge=vmbr0,ip=dhcp")).toEqual({ name: "eth0", bridge: "vmbr0", ip: "dhcp" });
  expect(propertyString("host,flags=+aes")).toEqual({ default: "host", flags: "+aes" });
});

test("sizes in whole GB, rounded up; anything else is refused", () => {
  expect([sizeGb("64G"), sizeGb("512M"), sizeGb("2T"), sizeGb("1536M"), sizeGb("4294967296")]).toEqual([64, 1, 2048, 2, 4]);
  expect(() => sizeGb("64GB")).toThrow('"64GB" is not a Proxmox size');
});

test("a node's datastores: enabled ones, with the content kinds the stack file knows, sorted", () => {
  expect(
    nodeDatastores([
      { storage: "local", content: "vztmpl,iso,backup" },
      { storage: "nfs-old", content: "images", enabled: 0 },
      { storage: "pbs", content: "backup" },
      { storage: "cephfs", content: "" },
    ]),
  ).toEqual({ local: ["backup", "iso", "vztmpl"], pbs: ["backup"] });
});

describe("a container's config", () => {
  const base = { hostname: "ct", cores: 2, memory: 1024, rootfs: "local-zfs:subvol-300-disk-0,size=8G", net0: "name=eth0,bridge=vmbr1,tag=20,gw=10.0.20.1,ip=10.0.20.5/24,type=veth" };

  test("a VLAN-tagged interface is a network of its own, keyed by bridge and tag", () => {
    const { entry, networks } = containerEntry("pve", 300, base);
    expect(entry.network).toEqual([{ network: "vmbr1-vlan20", ip: "10.0.20.5" }]);
    expect(networks).toEqual([{ bridge: "vmbr1", vlanId: 20, subnet: "10.0.20.0/24", gateway: "10.0.20.1" }]);
    // Privileged unless it says otherwise; swap as Proxmox defaults it.
    expect(entry).toMatchObject({ unprivileged: false, swapMb: 512, startOnBoot: false });
  });

  test("a volume mount point keeps its datastore and size; a read-only bind mount says so", () => {
    const { entry } = containerEntry("pve", 300, { ...base, mp0: "tank:subvol-300-disk-1,mp=/data,size=100G,backup=1", mp1: "/srv/media,mp=/media,ro=1" });
    expect(entry.mountPoints).toEqual([
      { datastore: "tank", sizeGb: 100, path: "/data" },
      { hostPath: "/srv/media", path: "/media", readOnly: true },
    ]);
  });

  test("what the stack file cannot say is listed by key: DHCP, raw LXC keys, other features", () => {
    const { unmapped } = containerEntry("pve", 300, { ...base, net0: "name=eth0,bridge=vmbr0,ip=dhcp", "lxc.apparmor.profile": "unconfined", features: "nesting=1,mount=nfs" });
    expect(unmapped.map(({ key }) => key).sort()).toEqual(["features.mount", "lxc.apparmor.profile", "net0"]);
  });
});

describe("a VM's config", () => {
  const base = { name: "vm", cores: 2, memory: 4096, scsi0: "local-zfs:vm-400-disk-0,size=32G", net0: "virtio=bc:24:11:00:00:01,bridge=vmbr0" };

  test("i440fx unless q35; SeaBIOS unless OVMF; the MAC in upper case", () => {
    const { entry } = vmEntry("pve", 400, base);
    expect(entry).toMatchObject({ machine: "pc", uefi: false, cpuType: "kvm64", guestAgent: false });
    expect(entry.network).toEqual([{ network: "vmbr0", ip: "<the address the guest configures>", macAddress: "BC:24:11:00:00:01" }]);
    expect(vmEntry("pve", 400, { ...base, machine: "pc-q35-9.0", bios: "ovmf" }).entry).toMatchObject({ machine: "q35", uefi: true });
  });

  test("a cloud-init drive gives the datastore and the addresses; no address is left to fill", () => {
    const { entry, toFill, networks } = vmEntry("pve", 400, { ...base, ide2: "local-zfs:vm-400-cloudinit,media=cdrom", ipconfig0: "ip=192.168.11.70/24,gw=192.168.11.1" });
    expect(entry.cloudInit).toEqual({ datastore: "local-zfs" });
    expect(entry.network).toEqual([{ network: "vmbr0", ip: "192.168.11.70", macAddress: "BC:24:11:00:00:01" }]);
    expect(networks[0]).toMatchObject({ subnet: "192.168.11.0/24", gateway: "192.168.11.1" });
    expect(toFill).toEqual([]);
  });

  test("ballooning without passthrough is a floor; a mapped device is passed through by name", () => {
    expect(vmEntry("pve", 400, { ...base, memory: "8192", balloon: 2048 }).entry.balloonMinMb).toBe(2048);
    // balloon = memory (or no key) is Proxmox's default: a device that never takes memory back.
    expect(vmEntry("pve", 400, { ...base, memory: "8192", balloon: 8192 }).entry.balloonMinMb).toBeUndefined();
    const { entry, unmapped } = vmEntry("pve", 400, { ...base, hostpci0: "mapping=hba,pcie=0,rombar=0", hostpci1: "mapping=gpu,pcie=1,romfile=vbios.rom" });
    expect(entry.pciDevices).toEqual([
      { mapping: "hba", pcie: false, primaryGpu: false, rombar: false },
      { mapping: "gpu", pcie: true, primaryGpu: false, romFile: "vbios.rom" },
    ]);
    expect(unmapped).toEqual([]);
  });

  test("memory as a property string; ballooning with passthrough, sockets, an inserted ISO and a raw PCI device are unmapped", () => {
    const { entry, unmapped } = vmEntry("pve", 400, { ...base, memory: "current=6144", balloon: 2048, sockets: 2, ide2: "local:iso/ubuntu.iso,media=cdrom", hostpci0: "0000:01:00,pcie=1" });
    expect(entry.memoryMb).toBe(6144);
    expect(entry.disks).toEqual([{ interface: "scsi0", datastore: "local-zfs", sizeGb: 32 }]);
    expect(unmapped.map(({ key }) => key).sort()).toEqual(["balloon", "hostpci0", "ide2", "sockets"]);
  });
});

test("a node's bridges and VLAN interfaces, as they are; ports, bonds and OVS are the node's own", () => {
  expect(
    nodeInterfaces([
      { iface: "bond0", type: "bond" },
      { iface: "vmbr10", type: "bridge", bridge_ports: "bond0 eno3", bridge_vlan_aware: 1, bridge_vids: "10 20 100-110", mtu: "9000" },
      { iface: "vmbr2", type: "bridge", bridge_vlan_aware: 0, comments: " " },
      { iface: "ovs1", type: "OVSBridge" },
      { iface: "storage", type: "vlan", cidr: "10.40.0.15/24", "vlan-raw-device": "bond0", "vlan-id": "40" },
    ]),
  ).toEqual({
    bridges: {
      vmbr2: { existing: true, vlanAware: false },
      vmbr10: { existing: true, mtu: 9000, ports: ["bond0", "eno3"], vlanAware: true, vlanIds: [10, 20, "100-110"] },
    },
    vlans: { storage: { existing: true, address: "10.40.0.15/24", interface: "bond0", vlanId: 40 } },
  });
});

test("a PCI mapping of the cluster as an existing entry: mediated devices and each device's comment kept; a device of several functions is unmapped", () => {
  const { entry, unmapped } = pciMappingEntry({
    id: "igpu",
    mdev: 1,
    map: ["node=pve1,path=0000:00:02.0,id=8086:46a6,description=iGPU of pve1", "node=pve2,path=0000:01:00.0;0000:01:00.1,id=10de:2204"],
  });
  expect(entry).toEqual({ existing: true, mediatedDevices: true, devices: [{ node: "pve1", path: "0000:00:02.0", id: "8086:46a6", comment: "iGPU of pve1" }] });
  expect(unmapped).toEqual([{ guest: "PCI mapping igpu", key: "map[1]", reason: "the device path 0000:01:00.0;0000:01:00.1: the stack file declares one PCI address a device" }]);
});
