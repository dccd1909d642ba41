/**
 * The stack file's Talos cluster beyond three identical VMs: role and node VM sizes, workers,
 * bare-metal nodes, patches, pod and service subnets, and Talos's support matrix; each refused
 * with its key path when wrong.
 */
import { kubernetesSupportIssue } from "../../config/talosSupport";
import { talosExampleData } from "../homelab-compute/talosExample";
import { configProblems, copy, stackConfigData } from "../support/stackConfig";

type Case = [string, (config: Record<string, any>) => void, string, RegExp];

const BARE_METAL = { name: "metal-1", role: "worker", ip: "192.168.11.70", bareMetal: { macAddress: "0c:c4:7a:12:34:56" }, installDisk: "/dev/nvme0n1" };
const WORKER_VM = { name: "talos-w-1", role: "worker", proxmoxNode: "pve2", vmId: 304, ip: "192.168.11.64" };

/** The example stack file (three control-plane VMs) changed by `mutate`. */
function problems(mutate: (config: Record<string, any>) => void) {
  const config = copy(talosExampleData());
  mutate(config);
  return configProblems("homelab", config);
}
/** The example's LAN (homeops:proxmox.networks.lan) declared in homeops:talos.network itself. */
const inlineLan = (c: Record<string, any>) => {
  const { bridge: _bridge, ...lan } = c.proxmox.networks.lan;
  c.talos.network = lan;
};
/** Three bare-metal control planes on a LAN of their own, and no homeops:proxmox, LXC or VM. */
const bareMetalOnly = (c: Record<string, any>) => {
  inlineLan(c);
  c.talos.nodes = [0, 1, 2].map((index) => ({ ...BARE_METAL, role: "controlplane", name: `metal-${index}`, ip: `192.168.11.7${index}`, bareMetal: { macAddress: `0c:c4:7a:00:00:0${index}` } }));
  delete c.talos.vm;
  for (const key of ["proxmox", "proxmoxContainers", "proxmoxVms"]) delete c[key];
};
const withNodes = (...nodes: object[]) => (c: Record<string, any>) => c.talos.nodes.push(...copy(nodes));
/** One GPU on pve2, as a cluster PCI mapping. */
const GPU_ON_PVE2 = { rtx3090: { devices: [{ node: "pve2", path: "0000:01:00.0", id: "10de:2204" }] } };
/** The example with a worker VM on pve2 that gets `gpu` as its devices. */
const withGpuWorker = (...pciDevices: object[]) => (c: Record<string, any>) => {
  c.proxmox.pciMappings = copy(GPU_ON_PVE2);
  c.talos.nodes.push({ ...WORKER_VM, vm: { pciDevices } });
};

describe("what the stack file may now say", () => {
  test.each<[string, (config: Record<string, any>) => void]>([
    ["a worker VM of its own size", withNodes({ ...WORKER_VM, vm: { cores: 2, memoryMb: 4096, dataDisks: [] } })],
    ["a bare-metal worker (no proxmoxNode, no vmId)", withNodes(BARE_METAL)],
    ["a bare-metal control plane among VMs, answering in maintenance mode on its DHCP lease", (c) => {
      c.talos.nodes.push({ ...BARE_METAL, role: "controlplane", bareMetal: { macAddress: "0C:C4:7A:12:34:56", maintenanceAddress: "192.168.11.150" } });
      c.talos.evenControlPlanesAcknowledged = true;
    }],
    ["role sizes and patches, cluster patches as a mapping and as YAML text, node patches", (c) => {
      c.talos.roles = { worker: { vm: { memoryMb: 8192 }, patches: [{ machine: { nodeLabels: { "node-role.kubernetes.io/worker": "" } } }] } };
      c.talos.patches = [{ machine: { sysctls: { "net.core.somaxconn": "65535" } } }, "apiVersion: v1alpha1\nkind: TimeSyncConfig\nntp:\n  servers: [time.cloudflare.com]\n"];
      c.talos.nodes.push({ ...WORKER_VM, patches: [{ machine: { kernel: { modules: [{ name: "nvidia" }] } } }] });
    }],
    ["a worker VM with a GPU passed through by the cluster's PCI mapping", withGpuWorker({ mapping: "rtx3090" })],
    ["seed 001's pod and service subnets", (c) => Object.assign(c.talos, { podSubnets: ["10.42.0.0/16"], serviceSubnets: ["10.43.0.0/16"] })],
    ["Cilium's native routing over a CIDR holding the pods", (c) => Object.assign(c.talos, { podSubnets: ["10.42.0.0/16"], cni: { name: "cilium", routing: { mode: "native", podCidr: "10.42.0.0/15" } } })],
    ["a cluster of bare-metal machines only, without a vm shape", (c) => {
      c.talos.nodes = [0, 1, 2].map((index) => ({ ...BARE_METAL, role: "controlplane", name: `metal-${index}`, ip: `192.168.11.7${index}`, bareMetal: { macAddress: `0c:c4:7a:00:00:0${index}` } }));
      delete c.talos.vm;
    }],
    ["a bare-metal cluster on a LAN of its own (homeops:talos.network inline), without homeops:proxmox", bareMetalOnly],
    ["a bare-metal cluster on a LAN of its own beside Proxmox guests", (c) => {
      const guests = copy({ proxmox: c.proxmox, proxmoxContainers: c.proxmoxContainers });
      bareMetalOnly(c);
      Object.assign(c, guests);
    }],
  ])("%s", (_what, mutate) => {
    expect(problems(mutate)).toEqual([]);
  });

  test("the committed homelab (Omni's cluster) stays valid", () => {
    expect(configProblems("homelab", stackConfigData("homelab"))).toEqual([]);
  });
});

describe("refused, with the key and the rule", () => {
  test.each<Case>([
    // bare metal
    ["a node with neither a VM nor bareMetal", withNodes({ name: "x", role: "worker", ip: "192.168.11.71" }), "homeops:talos.nodes[3].proxmoxNode", /is required but not set \(a machine outside Proxmox declares bareMetal/],
    ["a bare-metal node with a VMID", withNodes({ ...BARE_METAL, vmId: 305 }), "homeops:talos.nodes[3].vmId", /a bare-metal node \(bareMetal\) has no Proxmox VM/],
    ["a bare-metal node with a VM size", withNodes({ ...BARE_METAL, vm: { cores: 4 } }), "homeops:talos.nodes[3].vm", /has no Proxmox VM/],
    ["a malformed MAC", withNodes({ ...BARE_METAL, bareMetal: { macAddress: "0c:c4:7a:12:34" } }), "homeops:talos.nodes[3].bareMetal.macAddress", /must be a MAC address/],
    ["two bare-metal nodes on one NIC", withNodes(BARE_METAL, { ...BARE_METAL, name: "metal-2", ip: "192.168.11.72", bareMetal: { macAddress: "0C:C4:7A:12:34:56" } }), "homeops:talos.nodes[4].bareMetal.macAddress", /0c:c4:7a:12:34:56 is already the NIC of homeops:talos\.nodes\[3\]/],
    ["a bare-metal node's address used twice", withNodes({ ...BARE_METAL, ip: "192.168.11.200" }), "homeops:talos.nodes[3].ip", /already used by homeops:proxmoxContainers\.komodo/],
    ["VM nodes without the cluster's vm", (c) => delete c.talos.vm, "homeops:talos.vm", /is required but not set: the Proxmox VM nodes \(nodes\[0\], nodes\[1\], nodes\[2\]\) take their shape from it/],
    // a LAN of the cluster's own (homeops:talos.network inline), and no homeops:proxmox
    ["a VM node without homeops:proxmox", (c) => {
      const vm = c.talos.vm;
      bareMetalOnly(c);
      c.talos.vm = vm;
      c.talos.nodes.push(WORKER_VM);
    }, "homeops:talos.nodes[3].proxmoxNode", /a node on a Proxmox VM needs homeops:proxmox, which is not set/],
    ["the VMs' shape without homeops:proxmox", (c) => {
      const vm = c.talos.vm;
      bareMetalOnly(c);
      c.talos.vm = vm;
    }, "homeops:talos.vm", /runs on Proxmox, and homeops:proxmox is not set/],
    ["a VM node on a LAN of the cluster's own (no bridge)", inlineLan, "homeops:talos.nodes[0].proxmoxNode", /needs a bridge: set homeops:talos\.network to a homeops:proxmox\.networks name/],
    ["an LXC without homeops:proxmox", (c) => {
      const { proxmoxContainers } = c;
      bareMetalOnly(c);
      c.proxmoxContainers = proxmoxContainers;
    }, "homeops:proxmoxContainers.komodo", /an LXC runs on Proxmox, and homeops:proxmox is not set/],
    ["a VM without homeops:proxmox", (c) => {
      bareMetalOnly(c);
      c.proxmoxVms = { "ai-1": { node: "pve2", vmId: 410, cores: 4, memoryMb: 4096, disks: [{ datastore: "local-lvm", sizeGb: 32 }], network: [{ network: "lan", ip: "192.168.11.90" }] } };
    }, "homeops:proxmoxVms.ai-1", /a VM runs on Proxmox, and homeops:proxmox is not set/],
    ["a network name without homeops:proxmox", (c) => {
      bareMetalOnly(c);
      c.talos.network = "lan";
    }, "homeops:talos.network", /names network "lan", but homeops:proxmox is not set: declare the LAN here instead/],
    ["an inline LAN's subnet with host bits", (c) => {
      bareMetalOnly(c);
      c.talos.network.subnet = "192.168.11.1/24";
    }, "homeops:talos.network.subnet", /must be an IPv4 subnet/],
    ["a node outside the inline LAN", (c) => {
      bareMetalOnly(c);
      c.talos.nodes[2].ip = "192.168.12.72";
    }, "homeops:talos.nodes[2].ip", /192\.168\.12\.72 is not a host address of the cluster's LAN homeops:talos\.network \(192\.168\.11\.0\/24\)/],
    ["Services on the inline LAN", (c) => {
      bareMetalOnly(c);
      c.talos.serviceSubnets = ["192.168.0.0/16"];
    }, "homeops:talos.serviceSubnets[0]", /192\.168\.0\.0\/16 overlaps the nodes' network 192\.168\.11\.0\/24/],
    // sizes
    ["a node VM below Talos's minimum", withNodes({ ...WORKER_VM, vm: { memoryMb: 512 } }), "homeops:talos.nodes[3].vm.memoryMb", /at least 1024 MB/],
    ["a control plane sized down below a control plane's minimum", (c) => (c.talos.roles = { controlplane: { vm: { cores: 1 } } }), "homeops:talos.nodes[0]", /a control plane needs at least 2 cores, its VM has 1/],
    ["an unknown key in a role", (c) => (c.talos.roles = { worker: { size: {} } }), "homeops:talos.roles.worker.size", /.+/],
    ["a role that is none", (c) => (c.talos.roles = { master: {} }), "homeops:talos.roles.master", /.+/],
    [
      "a worker's memory counted on its Proxmox node",
      (c) => {
        c.talos.nodes.push({ ...WORKER_VM, vm: { memoryMb: 60000 } });
      },
      "homeops:proxmox.nodes.pve2.memoryMb",
      /guests on pve2 have 76384 MB of dedicated memory in total \(talos-cp-2 16384, talos-w-1 60000\)/,
    ],
    [
      "a role's data disk on a datastore its node lacks",
      (c) => (c.talos.roles = { worker: { vm: { dataDisks: [{ datastore: "ceph", sizeGb: 100 }] } } }) && c.talos.nodes.push(WORKER_VM),
      "homeops:talos.roles.worker.vm.dataDisks[0].datastore",
      /unknown datastore "ceph".* on Proxmox node pve2/,
    ],
    // PCI passthrough
    ["a Talos VM's device by a mapping the cluster lacks", withGpuWorker({ mapping: "rtx4090" }), "homeops:talos.nodes[3].vm.pciDevices[0].mapping", /unknown PCI mapping "rtx4090" \(declared: rtx3090\) in homeops:proxmox\.pciMappings/],
    [
      "a role's GPU on a node without the device",
      (c) => {
        c.proxmox.pciMappings = copy(GPU_ON_PVE2);
        c.talos.roles = { controlplane: { vm: { pciDevices: [{ mapping: "rtx3090" }] } } };
      },
      "homeops:talos.roles.controlplane.vm.pciDevices[0].mapping",
      /PCI mapping rtx3090 has no device on node pve1/,
    ],
    ["a Talos VM's primary GPU (Talos VMs boot SeaBIOS)", withGpuWorker({ mapping: "rtx3090", primaryGpu: true }), "homeops:talos.nodes[3].vm.pciDevices[0].primaryGpu", /needs OVMF firmware: Talos VMs boot with SeaBIOS here/],
    [
      "one GPU for a Talos VM and a VM on the same node",
      (c) => {
        withGpuWorker({ mapping: "rtx3090" })(c);
        c.proxmoxVms = { "ai-1": { node: "pve2", vmId: 410, cores: 4, memoryMb: 4096, disks: [{ datastore: "local-lvm", sizeGb: 32 }], network: [{ network: "lan", ip: "192.168.11.90" }], pciDevices: [{ mapping: "rtx3090" }] } };
      },
      "homeops:talos.nodes[3].vm.pciDevices[0].mapping",
      /PCI mapping rtx3090 has 1 device on node pve2, already passed to homeops:proxmoxVms\.ai-1\.pciDevices\[0\]/,
    ],
    // patches
    ["a patch that is a list", (c) => (c.talos.patches = [[{ machine: {} }]]), "homeops:talos.patches[0]", /must be a Talos machine-config patch/],
    // subnets
    ["a pod subnet with host bits", (c) => (c.talos.podSubnets = ["10.244.0.1/16"]), "homeops:talos.podSubnets[0]", /must be an IPv4 subnet/],
    ["two pod subnets", (c) => (c.talos.podSubnets = ["10.244.0.0/16", "10.245.0.0/16"]), "homeops:talos.podSubnets", /takes one IPv4 pod subnet/],
    ["pods and Services overlapping", (c) => Object.assign(c.talos, { podSubnets: ["10.96.0.0/16"] }), "homeops:talos.podSubnets[0]", /10\.96\.0\.0\/16 overlaps the service subnet 10\.96\.0\.0\/12/],
    ["Services on the nodes' network", (c) => (c.talos.serviceSubnets = ["192.168.0.0/16"]), "homeops:talos.serviceSubnets[0]", /192\.168\.0\.0\/16 overlaps the nodes' network lan 192\.168\.11\.0\/24/],
    // versions
    ["Kubernetes newer than the Talos release supports", (c) => (c.talos.kubernetesVersion = "1.37.0"), "homeops:talos.kubernetesVersion", /^Talos v1\.13 supports Kubernetes 1\.31 to 1\.36, not 1\.37\.0 \(Talos's support matrix\)$/],
    ["Kubernetes older than the Talos release supports", (c) => Object.assign(c.talos, { kubernetesVersion: "1.30.4" }), "homeops:talos.kubernetesVersion", /supports Kubernetes 1\.31 to 1\.36, not 1\.30\.4/],
    ["a release whose configs the program does not generate", (c) => (c.talos.nodes[1].talosVersion = "v1.12.4"), "homeops:talos.nodes[1].talosVersion", /generates machine configs for the Talos v1\.13 config contract only/],
    ["Omni's cluster on a Kubernetes its Talos does not run", (c) => Object.assign(c.talos, { kubernetesVersion: "1.29.0" }), "homeops:talos.kubernetesVersion", /Talos v1\.12\.0 supports Kubernetes 1\.30 to 1\.35, not 1\.29\.0/],
  ])("%s", (kind, mutate, key, message) => {
    const data = kind.startsWith("Omni") ? stackConfigData("homelab") : copy(talosExampleData());
    mutate(data);
    expect(configProblems("homelab", data)).toContainEqual({ key, message: expect.stringMatching(message) });
  });
});

test("a Kubernetes release outside the matrix is reported once, not once per node pinned to a release of the same line", () => {
  const config = copy(talosExampleData());
  config.talos.kubernetesVersion = "1.37.0";
  config.talos.nodes[1].talosVersion = "v1.13.10";
  const issues = configProblems("homelab", config).filter((issue) => issue.key === "homeops:talos.kubernetesVersion");
  expect(issues).toEqual([{ key: "homeops:talos.kubernetesVersion", message: "Talos v1.13 supports Kubernetes 1.31 to 1.36, not 1.37.0 (Talos's support matrix)" }]);
});

test("the support matrix: each Talos minor's six Kubernetes minors, nothing outside", () => {
  expect(kubernetesSupportIssue("v1.13.9", "1.31.0")).toBeUndefined();
  expect(kubernetesSupportIssue("v1.13.9", "v1.36.2")).toBeUndefined();
  expect(kubernetesSupportIssue("v1.10.6", "1.33.0")).toBeUndefined(); // seed 003's pair
  expect(kubernetesSupportIssue("v1.10.6", "1.34.0")).toMatch(/Talos v1\.10\.6 supports Kubernetes 1\.28 to 1\.33/);
  expect(kubernetesSupportIssue("v1.13.0", "2.31.0")).toMatch(/not 2\.31\.0/);
  expect(kubernetesSupportIssue("v1.14.0", "1.35.0")).toMatch(/Talos v1\.14\.0 is not in the support matrix this program knows/);
});
