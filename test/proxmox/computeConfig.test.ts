import { controlPlaneCountIssue } from "../../config/checks/proxmox";
import { brokenConfig, configProblems, stackConfigData } from "../support/stackConfig";

const valid = stackConfigData("homelab");

const broken = (mutate: (config: Record<string, any>) => void) => brokenConfig("homelab", mutate);

const node = (config: Record<string, any>, index: number) => config.talos.nodes[index];

test("the committed homelab config is valid", () => {
  expect(configProblems("homelab", valid)).toEqual([]);
});

describe("bad compute config is refused with the key and the rule", () => {
  test.each<[string, (config: Record<string, any>) => void, string, RegExp]>([
    // VMIDs: one space for containers and VMs
    ["a VMID used twice", (c) => (node(c, 0).vmId = 200), "homeops:talos.nodes[0].vmId", /VMID 200 is already used by homeops:proxmoxContainers\.komodo$/],
    ["a VMID below 100", (c) => (c.proxmoxContainers.omni.vmId = 99), "homeops:proxmoxContainers.omni.vmId", /VMIDs start at 100/],
    // addresses
    ["an IP used twice", (c) => (node(c, 1).ip = "192.168.11.89"), "homeops:talos.nodes[1].ip", /192\.168\.11\.89 is already used by homeops:proxmoxContainers\.nvr\.network\[0\]\.ip/],
    ["a guest on a Proxmox node's address", (c) => (c.proxmoxContainers.omni.network[0].ip = "192.168.11.13"), "homeops:proxmoxContainers.omni.network[0].ip", /already used by homeops:proxmox\.nodes\.pve3\.address/],
    ["an IP outside its subnet", (c) => (c.proxmoxContainers.nvr.network[0].ip = "192.168.12.89"), "homeops:proxmoxContainers.nvr.network[0].ip", /not a host address of network lan \(192\.168\.11\.0\/24\)/],
    ["the subnet's broadcast address", (c) => (node(c, 2).ip = "192.168.11.255"), "homeops:talos.nodes[2].ip", /not a host address of network lan/],
    ["a VIP outside the subnet", (c) => (c.talos.vip = "10.0.0.60"), "homeops:talos.vip", /10\.0\.0\.60 is outside network lan \(192\.168\.11\.0\/24\)/],
    ["a VIP that is a node's address", (c) => (node(c, 0).ip = c.talos.vip), "homeops:talos.nodes[0].ip", /192\.168\.11\.60 is already used by homeops:talos\.vip/],
    ["a gateway outside the subnet", (c) => (c.proxmox.networks.lan.gateway = "192.168.1.1"), "homeops:proxmox.networks.lan.gateway", /not a host address of the network's subnet/],
    ["a subnet with host bits", (c) => (c.proxmox.networks.lan.subnet = "192.168.11.1/24"), "homeops:proxmox.networks.lan.subnet", /no host bits/],
    // VLANs
    ["a VLAN id above 4094", (c) => (c.proxmox.networks.lan.vlanId = 4095), "homeops:proxmox.networks.lan.vlanId", /VLAN ids are 1-4094/],
    ["VLAN id 0", (c) => (c.proxmox.networks.lan.vlanId = 0), "homeops:proxmox.networks.lan.vlanId", /VLAN ids are 1-4094/],
    // capacity
    [
      "guests beyond a node's memory",
      (c) => (c.proxmox.nodes.pve1.memoryMb = 16384),
      "homeops:proxmox.nodes.pve1.memoryMb",
      /guests on pve1 have 24576 MB of dedicated memory in total \(komodo 8192, talos-cp-1 16384\), more than the node's 16384 MB/,
    ],
    ["a container without memory", (c) => delete c.proxmoxContainers.komodo.memoryMb, "homeops:proxmoxContainers.komodo.memoryMb", /is required but not set/],
    // references
    ["a container on an unknown Proxmox node", (c) => (c.proxmoxContainers.omni.node = "pve4"), "homeops:proxmoxContainers.omni.node", /unknown Proxmox node "pve4" \(declared: pve1, pve2, pve3\)/],
    ["a Talos VM on an unknown Proxmox node", (c) => (node(c, 2).proxmoxNode = "pve9"), "homeops:talos.nodes[2].proxmoxNode", /unknown Proxmox node "pve9"/],
    ["a container on an unknown network", (c) => (c.proxmoxContainers.komodo.network[0].network = "iot"), "homeops:proxmoxContainers.komodo.network[0].network", /unknown network "iot" \(declared: lan\)/],
    ["the cluster on an unknown network", (c) => (c.talos.network = "servers"), "homeops:talos.network", /unknown network "servers"/],
    ["an unknown datastore", (c) => (c.proxmoxContainers.komodo.rootDisk.datastore = "tank"), "homeops:proxmoxContainers.komodo.rootDisk.datastore", /unknown datastore "tank" \(declared: local, local-lvm\) on Proxmox node pve1/],
    [
      "snippets on a datastore without snippets",
      (c) => (c.talos.vm.snippetsDatastore = "local-lvm"),
      "homeops:talos.vm.snippetsDatastore",
      /datastore local-lvm on Proxmox node pve1 is not enabled for snippets \(it holds images, rootdir\)/,
    ],
    ["a template on a datastore without templates", (c) => (c.proxmoxContainers.nvr.template = "local-lvm:vztmpl/debian.tar.zst"), "homeops:proxmoxContainers.nvr.template", /not enabled for vztmpl/],
    ["a node name used twice", (c) => (node(c, 1).name = "talos-cp-1"), "homeops:talos.nodes[1].name", /"talos-cp-1" is already used by homeops:talos\.nodes\[0\]/],
    // etcd quorum
    ["an even control-plane count", (c) => c.talos.nodes.pop(), "homeops:talos.nodes", /2 control planes: etcd needs a majority.*evenControlPlanesAcknowledged/],
    ["no control plane", (c) => c.talos.nodes.forEach((n: { role: string }) => (n.role = "worker")), "homeops:talos.nodes", /at least one controlplane/],
    // values
    ["a plaintext API token", (c) => (c.proxmox.apiToken = "root@pam!homeops=0000"), "homeops:proxmox.apiToken", /must be \{configSecret: <key>\}/],
    ["a plain-http API", (c) => (c.proxmox.endpoint = "http://192.168.11.11:8006/"), "homeops:proxmox.endpoint", /must be an https:\/\/ URL/],
    ["a malformed schematic id", (c) => (c.talos.schematicId = "ce4c9805"), "homeops:talos.schematicId", /64 lowercase hex/],
    ["a Talos version without v", (c) => (node(c, 0).talosVersion = "1.13.10"), "homeops:talos.nodes[0].talosVersion", /like v1\.13\.9/],
    ["a device outside /dev", (c) => (c.proxmoxContainers.omni.devices = [{ path: "net/tun" }]), "homeops:proxmoxContainers.omni.devices[0].path", /must be a \/dev path/],
    ["a misspelt key", (c) => (c.proxmoxContainers.nvr.memoryMB = 8192), "homeops:proxmoxContainers.nvr.memoryMB", /^unknown key; did you mean `memoryMb`\?$/],
    // Docker hosts that are containers
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
  ])("%s", (_kind, mutate, key, message) => {
    expect(broken(mutate)).toContainEqual({ key, message: expect.stringMatching(message) });
  });
});

test("an even count passes once acknowledged", () => {
  const issues = broken((c) => {
    c.talos.nodes.pop();
    c.talos.evenControlPlanesAcknowledged = true;
  });
  expect(issues.filter((issue) => issue.key === "homeops:talos.nodes")).toEqual([]);
});

test("etcd quorum: odd counts pass, even ones need the acknowledgement", () => {
  expect([1, 3, 5].map((count) => controlPlaneCountIssue(count, false))).toEqual([undefined, undefined, undefined]);
  expect(controlPlaneCountIssue(4, false)).toMatch(/4 nodes survive no more failures than 3/);
  expect(controlPlaneCountIssue(4, true)).toBeUndefined();
  expect(controlPlaneCountIssue(0, true)).toMatch(/at least one controlplane/);
});
