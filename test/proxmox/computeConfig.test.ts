import { controlPlaneCountIssue } from "../../config/checks/proxmox";
import { talosExampleData } from "../homelab-compute/talosExample";
import { brokenConfig, configProblems, copy, stackConfigData } from "../support/stackConfig";

type Case = [string, (config: Record<string, any>) => void, string, RegExp];

const broken = (mutate: (config: Record<string, any>) => void) => brokenConfig("homelab", mutate);
/** The example stack file with a Talos cluster of this program's on Proxmox VMs, changed by `mutate`. */
const brokenExample = (mutate: (config: Record<string, any>) => void) => {
  const config = copy(talosExampleData());
  mutate(config);
  return configProblems("homelab", config);
};

const node = (config: Record<string, any>, index: number) => config.talos.nodes[index];
const machine = (config: Record<string, any>, index: number) => config.talos.machines[index];

test("the committed homelab config and the Talos-on-Proxmox example are valid", () => {
  expect(configProblems("homelab", stackConfigData("homelab"))).toEqual([]);
  expect(configProblems("homelab", talosExampleData())).toEqual([]);
});

describe("bad compute config is refused with the key and the rule", () => {
  test.each<Case>([
    // VMIDs: one space for containers and VMs
    ["a VMID used twice", (c) => (c.proxmoxVms.seaweedfs.vmId = 200), "homeops:proxmoxVms.seaweedfs.vmId", /VMID 200 is already used by homeops:proxmoxContainers\.komodo$/],
    ["a VMID below 100", (c) => (c.proxmoxContainers.omni.vmId = 99), "homeops:proxmoxContainers.omni.vmId", /VMIDs start at 100/],
    // addresses
    ["an IP used twice", (c) => (machine(c, 1).address = "192.168.11.89"), "homeops:talos.machines[1].address", /192\.168\.11\.89 is already used by homeops:proxmoxContainers\.nvr\.network\[0\]\.ip/],
    ["a guest on a Proxmox node's address", (c) => (c.proxmoxContainers.omni.network[0].ip = "192.168.11.15"), "homeops:proxmoxContainers.omni.network[0].ip", /already used by homeops:proxmox\.nodes\.r720xd\.address/],
    ["an IP outside its subnet", (c) => (c.proxmoxContainers.nvr.network[0].ip = "192.168.12.89"), "homeops:proxmoxContainers.nvr.network[0].ip", /not a host address of network lan \(192\.168\.11\.0\/24\)/],
    ["a VM on the subnet's broadcast address", (c) => (c.proxmoxVms.seaweedfs.network[0].ip = "192.168.11.255"), "homeops:proxmoxVms.seaweedfs.network[0].ip", /not a host address of network lan/],
    ["a gateway outside the subnet", (c) => (c.proxmox.networks.lan.gateway = "192.168.1.1"), "homeops:proxmox.networks.lan.gateway", /not a host address of the network's subnet/],
    ["a subnet with host bits", (c) => (c.proxmox.networks.lan.subnet = "192.168.11.1/24"), "homeops:proxmox.networks.lan.subnet", /no host bits/],
    // VLANs
    ["a VLAN id above 4094", (c) => (c.proxmox.networks.lan.vlanId = 4095), "homeops:proxmox.networks.lan.vlanId", /VLAN ids are 1-4094/],
    ["VLAN id 0", (c) => (c.proxmox.networks.lan.vlanId = 0), "homeops:proxmox.networks.lan.vlanId", /VLAN ids are 1-4094/],
    // capacity: the node's memory less its ZFS ARC
    [
      "guests beyond a node's memory less its ARC",
      (c) => (c.proxmoxVms.seaweedfs.memoryMb = 70000),
      "homeops:proxmox.nodes.r720xd.memoryMb",
      /guests on r720xd have 70000 MB of dedicated memory in total \(seaweedfs 70000\), more than the node's 65536 MB for guests \(its 262144 MB less 196608 MB for the ZFS ARC\)/,
    ],
    ["an ARC as large as the node", (c) => (c.proxmox.nodes.pve03.zfsArcMaxMb = 30720), "homeops:proxmox.nodes.pve03.zfsArcMaxMb", /30720 MB leaves nothing of the node's 30720 MB for its guests/],
    ["a container without memory", (c) => delete c.proxmoxContainers.komodo.memoryMb, "homeops:proxmoxContainers.komodo.memoryMb", /is required but not set/],
    // references
    ["a container on an unknown Proxmox node", (c) => (c.proxmoxContainers.omni.node = "pve4"), "homeops:proxmoxContainers.omni.node", /unknown Proxmox node "pve4" \(declared: r720xd, pve03\)/],
    ["a VM on an unknown Proxmox node", (c) => (c.proxmoxVms.seaweedfs.node = "truenas"), "homeops:proxmoxVms.seaweedfs.node", /unknown Proxmox node "truenas"/],
    ["a container on an unknown network", (c) => (c.proxmoxContainers.komodo.network[0].network = "iot"), "homeops:proxmoxContainers.komodo.network[0].network", /unknown network "iot" \(declared: lan\)/],
    ["an unknown datastore", (c) => (c.proxmoxContainers.komodo.rootDisk.datastore = "tank"), "homeops:proxmoxContainers.komodo.rootDisk.datastore", /unknown datastore "tank" \(declared: local, local-zfs\) on Proxmox node pve03/],
    ["a VM disk where no disk images go", (c) => (c.proxmoxVms.seaweedfs.disks[0].datastore = "local"), "homeops:proxmoxVms.seaweedfs.disks[0].datastore", /datastore local on Proxmox node r720xd is not enabled for images/],
    [
      "two VM disks in one slot",
      (c) => c.proxmoxVms.seaweedfs.disks.push({ interface: "scsi0", datastore: "pool0-store", sizeGb: 100 }),
      "homeops:proxmoxVms.seaweedfs.disks[1].interface",
      /scsi0 is already used by disks\[0\]/,
    ],
    ["a template on a datastore without templates", (c) => (c.proxmoxContainers.nvr.template = "local-zfs:vztmpl/debian.tar.zst"), "homeops:proxmoxContainers.nvr.template", /not enabled for vztmpl/],
    ["a bind mount of a relative path", (c) => (c.proxmoxContainers.nvr.mountPoints = [{ hostPath: "mnt/nvr", path: "/media/frigate" }]), "homeops:proxmoxContainers.nvr.mountPoints[0].hostPath", /must be an absolute path on the node/],
    ["a mount point neither volume nor bind", (c) => (c.proxmoxContainers.nvr.mountPoints = [{ path: "/media/frigate" }]), "homeops:proxmoxContainers.nvr.mountPoints[0]", /must be \{datastore, sizeGb, path\} \(a volume\) or \{hostPath, path\}/],
    // Omni's machines
    ["a machine UUID used twice", (c) => (machine(c, 2).uuid = machine(c, 0).uuid), "homeops:talos.machines[2].uuid", /uuid 03000200-0400-0500-0019-000000000019 is already used by homeops:talos\.machines\[0\]/],
    ["a machine name used twice", (c) => (machine(c, 1).name = "talos01"), "homeops:talos.machines[1].name", /name talos01 is already used by homeops:talos\.machines\[0\]/],
    ["a machine off the cluster's network", (c) => (machine(c, 0).address = "10.0.0.19"), "homeops:talos.machines[0].address", /10\.0\.0\.19 is not a host address of network lan/],
    ["a malformed UUID", (c) => (machine(c, 0).uuid = "03000200-0400-0500-0019"), "homeops:talos.machines[0].uuid", /must be a UUID/],
    ["an even control-plane count", (c) => c.talos.machines.pop(), "homeops:talos.machines", /2 control planes: etcd needs a majority.*evenControlPlanesAcknowledged/],
    ["an unknown cluster manager", (c) => (c.talos.manager = "rancher"), "homeops:talos.manager", /manager must be homeops .* or omni/],
    ["Omni's key in plain text", (c) => (c.talos.omni.serviceAccountKey = "eyJu..."), "homeops:talos.omni.serviceAccountKey", /must be \{configSecret: <key>\}/],
    // values
    ["a plaintext API token", (c) => (c.proxmox.apiToken = "root@pam!homeops=0000"), "homeops:proxmox.apiToken", /must be \{configSecret: <key>\}/],
    ["a plain-http API", (c) => (c.proxmox.endpoint = "http://192.168.11.15:8006/"), "homeops:proxmox.endpoint", /must be an https:\/\/ URL/],
    ["a device outside /dev", (c) => (c.proxmoxContainers.omni.devices = [{ path: "net/tun" }]), "homeops:proxmoxContainers.omni.devices[0].path", /must be a \/dev path/],
    ["a misspelt key", (c) => (c.proxmoxContainers.nvr.memoryMB = 8192), "homeops:proxmoxContainers.nvr.memoryMB", /^unknown key; did you mean `memoryMb`\?$/],
    // Docker hosts that are guests
    [
      "a Docker host larger than its container",
      (c) => (c.dockerHosts = { komodo: { address: "192.168.11.200", sshUser: "root", memoryMb: 9000 } }),
      "homeops:dockerHosts.komodo.memoryMb",
      /9000 MB is more than the 8192 MB Proxmox container komodo has/,
    ],
    [
      "a Docker host at another address than its container",
      (c) => (c.dockerHosts = { komodo: { address: "192.168.11.201", sshUser: "root", memoryMb: 4096 } }),
      "homeops:dockerHosts.komodo.address",
      /Proxmox container komodo has 192\.168\.11\.200, not 192\.168\.11\.201/,
    ],
    [
      "a Docker host larger than its VM",
      (c) => (c.dockerHosts = { seaweedfs: { address: "192.168.11.133", sshUser: "root", memoryMb: 9000 } }),
      "homeops:dockerHosts.seaweedfs.memoryMb",
      /9000 MB is more than the 8192 MB Proxmox VM seaweedfs has/,
    ],
  ])("%s", (_kind, mutate, key, message) => {
    expect(broken(mutate)).toContainEqual({ key, message: expect.stringMatching(message) });
  });
});

describe("a Talos cluster on Proxmox VMs (the example) is refused with the key and the rule", () => {
  test.each<Case>([
    ["a VMID used twice", (c) => (node(c, 0).vmId = 200), "homeops:talos.nodes[0].vmId", /VMID 200 is already used by homeops:proxmoxContainers\.komodo$/],
    ["an IP used twice", (c) => (node(c, 1).ip = "192.168.11.200"), "homeops:talos.nodes[1].ip", /192\.168\.11\.200 is already used by homeops:proxmoxContainers\.komodo\.network\[0\]\.ip/],
    ["the subnet's broadcast address", (c) => (node(c, 2).ip = "192.168.11.255"), "homeops:talos.nodes[2].ip", /not a host address of network lan/],
    ["a VIP outside the subnet", (c) => (c.talos.vip = "10.0.0.60"), "homeops:talos.vip", /10\.0\.0\.60 is outside network lan \(192\.168\.11\.0\/24\)/],
    ["a VIP that is a node's address", (c) => (node(c, 0).ip = c.talos.vip), "homeops:talos.nodes[0].ip", /192\.168\.11\.60 is already used by homeops:talos\.vip/],
    [
      "guests beyond a node's memory",
      (c) => (c.proxmox.nodes.pve1.memoryMb = 16384),
      "homeops:proxmox.nodes.pve1.memoryMb",
      /guests on pve1 have 24576 MB of dedicated memory in total \(komodo 8192, talos-cp-1 16384\), more than the node's 8192 MB for guests \(its 16384 MB less 8192 MB for the ZFS ARC\)/,
    ],
    ["a Talos VM on an unknown Proxmox node", (c) => (node(c, 2).proxmoxNode = "pve9"), "homeops:talos.nodes[2].proxmoxNode", /unknown Proxmox node "pve9"/],
    ["the cluster on an unknown network", (c) => (c.talos.network = "servers"), "homeops:talos.network", /unknown network "servers"/],
    [
      "snippets on a datastore without snippets",
      (c) => (c.talos.vm.snippetsDatastore = "local-zfs"),
      "homeops:talos.vm.snippetsDatastore",
      /datastore local-zfs on Proxmox node pve1 is not enabled for snippets \(it holds images, rootdir\)/,
    ],
    ["a node name used twice", (c) => (node(c, 1).name = "talos-cp-1"), "homeops:talos.nodes[1].name", /"talos-cp-1" is already used by homeops:talos\.nodes\[0\]/],
    ["an even control-plane count", (c) => c.talos.nodes.pop(), "homeops:talos.nodes", /2 control planes: etcd needs a majority.*evenControlPlanesAcknowledged/],
    ["no control plane", (c) => c.talos.nodes.forEach((n: { role: string }) => (n.role = "worker")), "homeops:talos.nodes", /at least one controlplane/],
    ["a malformed schematic id", (c) => (c.talos.schematicId = "ce4c9805"), "homeops:talos.schematicId", /64 lowercase hex/],
    ["a Talos version without v", (c) => (node(c, 0).talosVersion = "1.13.10"), "homeops:talos.nodes[0].talosVersion", /like v1\.13\.9/],
  ])("%s", (_kind, mutate, key, message) => {
    expect(brokenExample(mutate)).toContainEqual({ key, message: expect.stringMatching(message) });
  });

  test("an even count passes once acknowledged", () => {
    const issues = brokenExample((c) => {
      c.talos.nodes.pop();
      c.talos.evenControlPlanesAcknowledged = true;
    });
    expect(issues.filter((issue) => issue.key === "homeops:talos.nodes")).toEqual([]);
  });
});

test("etcd quorum: odd counts pass, even ones need the acknowledgement", () => {
  expect([1, 3, 5].map((count) => controlPlaneCountIssue(count, false))).toEqual([undefined, undefined, undefined]);
  expect(controlPlaneCountIssue(4, false)).toMatch(/4 nodes survive no more failures than 3/);
  expect(controlPlaneCountIssue(4, true)).toBeUndefined();
  expect(controlPlaneCountIssue(0, true)).toMatch(/at least one controlplane/);
});
