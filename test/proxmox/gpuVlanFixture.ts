/**
 * The homelab as seed 002's GPU host would write it: r720xd's LAN bridge vmbr0 adopted and
 * made VLAN-aware for a servers VLAN (20) and a storage VLAN (40) that the node joins itself
 * (vmbr0.40), a second VLAN-aware bridge on another port, a cluster PCI mapping of a GPU,
 * a VM that passes the GPU through with cloud-init's user and keys, on both VLANs, and a
 * Talos cluster of this program's on r720xd, whose worker passes through a second GPU that
 * the Proxmox UI mapped already. The
 * committed stack file declares none of this.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { ROOT } from "../support/stackConfig";
import { tempDir } from "../support/tempDirs";

export const GPU_VM = "ai-workbench";
/** The Talos worker VM that passes TALOS_GPU through. */
export const TALOS_GPU_NODE = "talos-gpu-1";
export const TALOS_GPU = "tesla-p4";
export const SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTestsOnly0000000000000000000000 ops@laptop";

/** Adds the fixture to a homelab config's `homeops:` keys (without the namespace). */
export function withGpuAndVlans(config: Record<string, any>): void {
  const r720xd = config.proxmox.nodes.r720xd;
  r720xd.bridges = {
    vmbr0: { existing: true, vlanAware: true, vlanIds: [20, 40] },
    vmbr1: { ports: ["eno2"], vlanAware: true, vlanIds: [30, "100-110"], comment: "lab trunk" },
  };
  r720xd.vlans = { "vmbr0.40": { address: "10.40.0.15/24" } };
  config.proxmox.networks.servers = { bridge: "vmbr0", vlanId: 20, subnet: "10.20.0.0/24", gateway: "10.20.0.1", nameservers: ["10.20.0.1"] };
  config.proxmox.networks.storage = { bridge: "vmbr0", vlanId: 40, subnet: "10.40.0.0/24", gateway: "10.40.0.1" };
  config.proxmox.networks.lab = { bridge: "vmbr1", vlanId: 105, subnet: "10.105.0.0/24", gateway: "10.105.0.1" };
  config.proxmox.pciMappings = {
    rtx3090: { comment: "RTX 3090", devices: [{ node: "r720xd", path: "0000:42:00.0", id: "10de:2204", subsystemId: "1458:403b", iommuGroup: 42 }] },
  };
  // A second GPU for a Talos worker (a compute card: Talos VMs boot with SeaBIOS), mapped in the Proxmox UI before.
  config.proxmox.pciMappings[TALOS_GPU] = { existing: true, devices: [{ node: "r720xd", path: "0000:43:00.0", id: "10de:1bb3" }] };
  // The Talos cluster this program builds, its VMs on r720xd's LAN bridge (vmbr0, untagged).
  r720xd.datastores.local = [...r720xd.datastores.local, "snippets"];
  config.talos = {
    manager: "homeops",
    clusterName: "lab",
    talosVersion: "v1.13.9",
    schematicId: "ce4c980550dd2ab1b17bbf2b08801c7eb59418eafe8f279833297925d67c7515", // siderolabs/qemu-guest-agent
    kubernetesVersion: "1.35.0",
    network: "lan",
    vip: "192.168.11.60",
    installDisk: "/dev/sda",
    cni: { name: "flannel" },
    vm: { cores: 4, memoryMb: 8192, osDisk: { datastore: "ssdpool0-store", sizeGb: 32 }, imageDatastore: "local", snippetsDatastore: "local", cloudInitDatastore: "ssdpool0-store" },
    nodes: [
      { name: "talos-cp-1", role: "controlplane", proxmoxNode: "r720xd", vmId: 301, ip: "192.168.11.61" },
      { name: TALOS_GPU_NODE, role: "worker", proxmoxNode: "r720xd", vmId: 302, ip: "192.168.11.62", vm: { pciDevices: [{ mapping: TALOS_GPU }] } },
    ],
  };
  config.proxmoxVms[GPU_VM] = {
    node: "r720xd",
    vmId: 150,
    cores: 8,
    memoryMb: 16384,
    uefi: true,
    disks: [{ datastore: "ssdpool0-store", sizeGb: 128, image: "local:iso/noble-server-cloudimg-amd64.img" }],
    network: [
      { network: "servers", ip: "10.20.0.50", firewall: true },
      { network: "storage", ip: "dhcp" },
    ],
    cloudInit: { datastore: "ssdpool0-store", user: "ops", sshKeys: [SSH_KEY], password: { configSecret: "aiWorkbenchPassword" } },
    pciDevices: [{ mapping: "rtx3090", primaryGpu: true }],
    guestAgent: true,
    tags: ["gpu"],
  };
}

/** The committed homelab stack file with the fixture, written to a file of its own (named for the shared preview cache). */
export function gpuVlanStackFile(): string {
  const settings = parse(readFileSync(join(ROOT, "Pulumi.homelab.yaml"), "utf8"));
  const config: Record<string, any> = { proxmox: settings.config["homeops:proxmox"], proxmoxVms: settings.config["homeops:proxmoxVms"] };
  withGpuAndVlans(config);
  Object.assign(settings.config, { "homeops:proxmox": config.proxmox, "homeops:proxmoxVms": config.proxmoxVms, "homeops:talos": config.talos });
  const file = join(tempDir("homeops-gpu-vlan-"), "Pulumi.gpu-vlans.yaml");
  writeFileSync(file, stringify(settings));
  return file;
}
