/** The Talos cluster's plan, pure: images, per-node versions, snippets, VMs, and the generated configs. */
import { TALOS_KUBE_PRISM, ciliumValues } from "../../components/kubernetes-platform/charts/cilium";
import {
  DISABLE_KUBE_PROXY_PATCH,
  SERVE_LOAD_BALANCERS_PATCH,
  clusterConfigInput,
  factoryDiskImageUrl,
  isPlannedVm,
  planTalosCluster,
  snippetFileName,
  stableMacAddress,
  talosVmSpec,
} from "../../components/talos/clusterPlan";
import { generateMachineConfig } from "../../components/talos/machineConfig";
import type { TalosClusterSpec } from "../../config/talos";
import { stabilitySecrets } from "../talos/conformance";
import { talosSchemaValidator } from "../talos/talosSchema";
import { copy } from "../support/stackConfig";
import { talosExampleConfig } from "./talosExample";

function exampleCompute() {
  const config = talosExampleConfig();
  return { talos: config.talos, lan: config.proxmox!.networks.lan };
}

const { talos, lan } = exampleCompute();
const NEXT_RELEASE = "v1.13.10";
const OTHER_SCHEMATIC = "376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba";

/** The example plus a worker, to see what only control planes get. */
const withWorker: TalosClusterSpec = {
  ...copy(talos),
  nodes: [...talos.nodes, { name: "talos-worker-1", role: "worker", proxmoxNode: "pve1", vmId: 304, ip: "192.168.11.64", patches: [] }],
};

test("one factory image per Proxmox node and release, as a .img the iso content accepts", () => {
  const plan = planTalosCluster(talos, lan);
  expect(plan.images.map((image) => [image.key, image.datastore])).toEqual([
    ["pve1/talos-v1.13.9-ce4c9805-nocloud-amd64", "local"],
    ["pve2/talos-v1.13.9-ce4c9805-nocloud-amd64", "local"],
    ["pve3/talos-v1.13.9-ce4c9805-nocloud-amd64", "local"],
  ]);
  expect(plan.images[0]).toMatchObject({ fileName: "talos-v1.13.9-ce4c9805-nocloud-amd64.img", url: factoryDiskImageUrl(talos.schematicId, "v1.13.9") });
  expect(plan.images[0].url).toBe(`https://factory.talos.dev/image/${talos.schematicId}/v1.13.9/nocloud-amd64.raw.gz`);
  expect(planTalosCluster(withWorker, lan).images).toHaveLength(3);
});

test("pinning one node to a new release moves that node only", () => {
  const spec = copy(talos);
  spec.nodes[1].talosVersion = NEXT_RELEASE;
  spec.nodes[2].schematicId = OTHER_SCHEMATIC;
  const before = planTalosCluster(talos, lan);
  const after = planTalosCluster(spec, lan);
  expect(after.nodes.map((node) => node.installerImage)).toEqual([
    before.nodes[0].installerImage,
    `factory.talos.dev/nocloud-installer/${talos.schematicId}:${NEXT_RELEASE}`,
    `factory.talos.dev/nocloud-installer/${OTHER_SCHEMATIC}:v1.13.9`,
  ]);
  expect(after.nodes.map((node) => node.talosVersion)).toEqual(["v1.13.9", NEXT_RELEASE, "v1.13.9"]);
  expect(after.nodes[1].machine).toMatchObject({ diskImage: "pve2/talos-v1.13.10-ce4c9805-nocloud-amd64" });
  // Everything else a node is made of stays as it was.
  for (const index of [0, 1, 2]) {
    const { installerImage: _a, talosVersion: _b, machine: newMachine, config: newConfig, ...rest } = after.nodes[index];
    const { installerImage: _d, talosVersion: _e, machine: oldMachine, config: oldConfig, ...restBefore } = before.nodes[index];
    expect(rest).toEqual(restBefore);
    expect({ ...newMachine, diskImage: undefined }).toEqual({ ...oldMachine, diskImage: undefined });
    expect({ ...newConfig, install: undefined }).toEqual({ ...oldConfig, install: undefined });
  }
});

test("nodes, endpoint and bootstrap node follow the inventory", () => {
  const plan = planTalosCluster(withWorker, lan);
  expect(plan.endpoint).toBe("https://192.168.11.60:6443");
  expect(plan.controlPlaneIps).toEqual(["192.168.11.61", "192.168.11.62", "192.168.11.63"]);
  expect(plan.bootstrapNode.name).toBe("talos-cp-1");
  expect(plan.nodes.filter(isPlannedVm).map((node) => [node.name, node.address, node.machine.snippetFileName])).toEqual([
    ["talos-cp-1", "192.168.11.61/24", "homeops-talos-cp-1.user-data.yaml"],
    ["talos-cp-2", "192.168.11.62/24", "homeops-talos-cp-2.user-data.yaml"],
    ["talos-cp-3", "192.168.11.63/24", "homeops-talos-cp-3.user-data.yaml"],
    ["talos-worker-1", "192.168.11.64/24", "homeops-talos-worker-1.user-data.yaml"],
  ]);
  expect(snippetFileName("lab", "n1")).toBe("lab-n1.user-data.yaml");
});

test("MAC addresses are locally administered, unicast and distinct per VMID", () => {
  expect(stableMacAddress(301)).toBe("02:00:00:00:01:2d");
  expect(stableMacAddress(999_999_999)).toBe("02:00:3b:9a:c9:ff");
  const first = parseInt(stableMacAddress(100).slice(0, 2), 16);
  expect(first & 0b10).toBe(0b10);
  expect(first & 0b01).toBe(0);
  expect(new Set([100, 101, 256, 65536].map(stableMacAddress)).size).toBe(4);
});

describe("generated machine configs", () => {
  const plan = planTalosCluster(withWorker, lan);
  const cluster = clusterConfigInput(withWorker, stabilitySecrets());
  const configs = Object.fromEntries(plan.nodes.map((node) => [node.name, generateMachineConfig(cluster, node.config)]));
  const kinds = (name: string) => configs[name].map((document) => document.kind ?? "v1alpha1");

  test("only control planes announce the VIP", () => {
    for (const name of ["talos-cp-1", "talos-cp-2", "talos-cp-3"]) {
      expect(configs[name]).toContainEqual({ apiVersion: "v1alpha1", kind: "Layer2VIPConfig", name: "192.168.11.60", link: "net0" });
    }
    expect(kinds("talos-worker-1")).not.toContain("Layer2VIPConfig");
    expect(kinds("talos-worker-1")).toEqual(["v1alpha1", "HostnameConfig", "LinkAliasConfig", "LinkConfig", "ResolverConfig"]);
  });

  test("each node selects its link by the MAC its VM gets, with its address, route and resolver", () => {
    const node = plan.nodes.filter(isPlannedVm)[1];
    expect(configs[node.name]).toContainEqual(expect.objectContaining({ kind: "LinkAliasConfig", selector: { match: `mac(link.hardware_addr) == "${node.macAddress}"` } }));
    expect(configs[node.name]).toContainEqual(
      expect.objectContaining({ kind: "LinkConfig", name: "net0", addresses: [{ address: "192.168.11.62/24" }], routes: [{ gateway: "192.168.11.1" }] }),
    );
    const vm = talosVmSpec(withWorker, node, lan, { systemImage: "local:iso/talos.img", userData: "local:snippets/cp2.yaml" });
    expect(vm.networkDevices).toEqual([{ bridge: "vmbr0", vlanId: undefined, macAddress: node.macAddress }]);
  });

  test("the endpoint is the VIP; install disk and each node's installer image are set", () => {
    const [v1alpha1] = configs["talos-cp-1"] as [{ cluster: { controlPlane: { endpoint: string } }; machine: { install: { disk: string; image: string }; certSANs: string[] } }];
    expect(v1alpha1.cluster.controlPlane.endpoint).toBe("https://192.168.11.60:6443");
    expect(v1alpha1.machine.install).toMatchObject({ disk: "/dev/sda", image: plan.nodes[0].installerImage });
    expect(v1alpha1.machine.certSANs).toContain("192.168.11.60");
  });

  test("control planes that run workloads may answer for LoadBalancer IPs", () => {
    const [v1alpha1] = configs["talos-cp-1"] as [{ machine: { nodeLabels?: Record<string, string> } }];
    expect(v1alpha1.machine.nodeLabels ?? {}).not.toHaveProperty(["node.kubernetes.io/exclude-from-external-load-balancers"]);
    expect(clusterConfigInput({ ...withWorker, allowSchedulingOnControlPlanes: false }, stabilitySecrets()).patches).not.toContainEqual(SERVE_LOAD_BALANCERS_PATCH);
    expect(cluster.patches).toContainEqual(SERVE_LOAD_BALANCERS_PATCH);
  });
});

describe("the cluster's CNI", () => {
  type V1Alpha1 = { cluster: { network: { cni?: { name: string } }; proxy?: { disabled?: boolean; image?: string } }; machine: { features: { kubePrism: { enabled: boolean; port: number } } } };
  const configsWith = (cni: TalosClusterSpec["cni"]) => {
    const spec = { ...copy(withWorker), cni };
    const plan = planTalosCluster(spec, lan);
    return Object.fromEntries(plan.nodes.map((node) => [node.name, generateMachineConfig(clusterConfigInput(spec, stabilitySecrets()), node.config)]));
  };
  const v1alpha1 = (documents: ReturnType<typeof generateMachineConfig>) => documents[0] as unknown as V1Alpha1;

  test("the committed choice is Cilium with kube-proxy replacement", () => {
    expect(talos.cni).toEqual({ name: "cilium", kubeProxyReplacement: true });
  });

  test("Cilium: Talos installs no CNI and no kube-proxy, on control planes and workers alike; the configs stay valid", () => {
    const validate = talosSchemaValidator();
    for (const [name, documents] of Object.entries(configsWith({ name: "cilium", kubeProxyReplacement: true }))) {
      const { cluster } = v1alpha1(documents);
      expect({ name, cni: cluster.network.cni, proxyDisabled: cluster.proxy?.disabled }).toEqual({ name, cni: { name: "none" }, proxyDisabled: true });
      for (const document of documents) expect({ name, kind: document.kind, errors: validate(document) }).toEqual({ name, kind: document.kind, errors: [] });
    }
    // The control planes keep the kube-proxy image field Talos writes; only `disabled` is added.
    expect(v1alpha1(configsWith({ name: "cilium", kubeProxyReplacement: true })["talos-cp-1"]).cluster.proxy).toEqual({ image: "registry.k8s.io/kube-proxy:v1.35.0", disabled: true });
  });

  test("Cilium beside kube-proxy: no CNI from Talos, kube-proxy stays", () => {
    for (const documents of Object.values(configsWith({ name: "cilium", kubeProxyReplacement: false }))) {
      const { cluster } = v1alpha1(documents);
      expect(cluster.network.cni).toEqual({ name: "none" });
      expect(cluster.proxy?.disabled).toBeUndefined();
    }
    expect(clusterConfigInput({ ...withWorker, cni: { name: "cilium", kubeProxyReplacement: false } }, stabilitySecrets()).patches).not.toContainEqual(DISABLE_KUBE_PROXY_PATCH);
  });

  test("a custom release as the CNI: no CNI from Talos, kube-proxy stays unless the cluster's patches disable it; the configs stay valid", () => {
    const validate = talosSchemaValidator();
    for (const [name, documents] of Object.entries(configsWith({ name: "custom", release: "calico" }))) {
      const { cluster } = v1alpha1(documents);
      expect({ name, cni: cluster.network.cni, proxyDisabled: cluster.proxy?.disabled }).toEqual({ name, cni: { name: "none" }, proxyDisabled: undefined });
      for (const document of documents) expect({ name, kind: document.kind, errors: validate(document) }).toEqual({ name, kind: document.kind, errors: [] });
    }
    // A CNI that replaces kube-proxy (Calico's eBPF data plane) is told so through homeops:talos.patches.
    const spec: TalosClusterSpec = { ...copy(withWorker), cni: { name: "custom", release: "calico" }, patches: [{ cluster: { proxy: { disabled: true } } }] };
    const [node] = planTalosCluster(spec, lan).nodes;
    expect(v1alpha1(generateMachineConfig(clusterConfigInput(spec, stabilitySecrets()), node.config)).cluster.proxy?.disabled).toBe(true);
  });

  test("Flannel: the config leaves the CNI to Talos's default, as talosctl gen config does", () => {
    for (const documents of Object.values(configsWith({ name: "flannel" }))) {
      const { cluster } = v1alpha1(documents);
      expect(cluster.network).not.toHaveProperty("cni");
      expect(cluster.proxy?.disabled).toBeUndefined();
    }
  });

  test("Cilium reaches the API server through the KubePrism every node enables", () => {
    const values = ciliumValues({ name: "cilium", kubeProxyReplacement: true });
    for (const documents of Object.values(configsWith({ name: "cilium", kubeProxyReplacement: true }))) {
      expect(v1alpha1(documents).machine.features.kubePrism).toEqual({ enabled: true, port: values.k8sServicePort });
    }
    expect(values.k8sServiceHost).toBe(TALOS_KUBE_PRISM.host);
  });
});

test("a node's VM: system disk from the factory image, Ceph data disks, snippet, protected", () => {
  const plan = planTalosCluster(talos, lan);
  const vm = talosVmSpec(talos, plan.nodes.filter(isPlannedVm)[0], lan, { systemImage: "local:iso/talos.img", userData: "local:snippets/cp1.yaml" });
  expect(vm).toMatchObject({
    node: "pve1",
    vmId: 301,
    memoryMb: talos.vm?.memoryMb,
    disks: [
      { datastore: "local-zfs", sizeGb: 32, imageFileId: "local:iso/talos.img" },
      { datastore: "local-zfs", sizeGb: 200 },
    ],
    cloudInit: { datastore: "local-zfs", ipConfigs: [{ address: "192.168.11.61/24", gateway: "192.168.11.1" }], userDataFileId: "local:snippets/cp1.yaml" },
    guestAgent: true,
    holdsData: true,
  });
  expect(vm.disks[1].imageFileId).toBeUndefined();
});
