/**
 * The compute layer in planned stacks: the committed homelab's against the estate's tables;
 * a Talos cluster this program builds on Proxmox VMs (homeops:talos.manager: homeops), from
 * the example stack file (the homelab's own cluster is Omni's); and a cluster beyond three
 * identical VMs (Pulumi.talos-mixed.yaml): control planes and workers of their own sizes, a
 * bare-metal worker, patches and subnets.
 */
import * as pulumi from "@pulumi/pulumi";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { omniClusterTemplate } from "../../components/omni/clusterTemplate";
import { validateHomelabConfig } from "../../config/stacks";
import type { Plan } from "../../policy/contract/plan";
import { evaluatePlan } from "../../policy/evaluate";
import { policyConfigForStack } from "../../tools/plan/policyConfig";
import { planIndex, type PlanIndex } from "../support/planIndex";
import { stackPreview, type StackPreview } from "../support/previews";
import { specTable } from "../support/specTables";
import { stackConfigData } from "../support/stackConfig";
import { talosSchemaValidator } from "../talos/talosSchema";
import { TALOS_EXAMPLE_FILE } from "./talosExample";

const VM = "proxmoxve:index/vmLegacy:VmLegacy";
const SNIPPET = "proxmoxve:index/fileLegacy:FileLegacy";
const IMAGE = "proxmoxve:download/file:File";
const NODE_CONFIGURATION = "pulumi-nodejs:dynamic/talos:TalosNodeConfiguration";

describe("the committed homelab", () => {
  const CONTAINER = "proxmoxve:index/containerLegacy:ContainerLegacy";

  let plan: Plan;
  let index: PlanIndex;
  beforeAll(async () => {
    ({ plan } = await stackPreview("homelab"));
    index = planIndex(plan.resources);
  });

  const config = stackConfigData("homelab");
  const gb = (text: string) => Number(/^(\d+) GB$/.exec(text)![1]) * 1024;

  describe("the Proxmox nodes", () => {
    test("each node of the estate, at its address, with its memory, ZFS ARC and storages", () => {
      const rows = specTable("### Proxmox nodes");
      expect(Object.keys(config.proxmox.nodes)).toEqual(rows.map(([node]) => node));
      for (const [node, address, memory, arc, storages] of rows) {
        const declared = config.proxmox.nodes[node];
        expect({ node, address: declared.address, memoryMb: declared.memoryMb, zfsArcMaxMb: declared.zfsArcMaxMb }).toEqual({ node, address, memoryMb: gb(memory), zfsArcMaxMb: gb(arc) });
        const guestStorages = Object.entries(declared.datastores as Record<string, string[]>).filter(([, content]) => content.includes("images")).map(([name]) => name);
        expect({ node, guestStorages }).toEqual({ node, guestStorages: storages.split(", ") });
      }
    });
  });

  describe("the estate's guests", () => {
    const guestRows = (kind: RegExp) => specTable("### Proxmox guests and Docker hosts").filter(([, , guestKind]) => kind.test(guestKind));

    test("every LXC of the estate, at its address, and no other", () => {
      const expected = guestRows(/LXC/).map(([host, address]) => [host, `${address}/24`]);
      expect(expected.map(([host]) => host)).toEqual(["komodo", "nvr", "omni"]);
      const declared = index.ofType(CONTAINER).map((resource) => [resource.name, (resource.inputs.initialization as { ipConfigs: { ipv4: { address: string } }[] }).ipConfigs[0].ipv4.address]);
      expect(declared.sort()).toEqual(expected.sort());
      const ct = guestRows(/CT\d+/)[0];
      expect(index.named(CONTAINER, ct[0]).inputs.vmId).toBe(Number(/CT(\d+)/.exec(ct[2])![1]));
    });

    test("every VM of the estate on its node, and no other: the Talos machines are no VMs", () => {
      const expected = guestRows(/VM on Proxmox/).map(([host, , kind]) => [host, /\((\S+)\)/.exec(kind)![1]]);
      expect(expected).toEqual([["seaweedfs", "r720xd"]]);
      expect(index.ofType(VM).map((vm) => [vm.name, vm.inputs.nodeName])).toEqual(expected);
      // The guest configures its own address: Proxmox gets no cloud-init drive for it.
      expect(index.named(VM, "seaweedfs").inputs.initialization).toBeUndefined();
    });

    test("unprivileged Docker hosts with nesting, and the devices the estate names", () => {
      for (const container of index.ofType(CONTAINER)) {
        expect(container.inputs).toMatchObject({ unprivileged: true, features: { nesting: true }, startOnBoot: true });
      }
      expect(index.named(CONTAINER, "nvr").inputs.devicePassthroughs).toEqual([{ path: "/dev/apex_0" }, { path: "/dev/dri/renderD128" }]);
      expect(index.named(CONTAINER, "omni").inputs.devicePassthroughs).toEqual([{ path: "/dev/net/tun" }]);
      expect(index.named(CONTAINER, "komodo").inputs.devicePassthroughs).toEqual([]);
    });

    test("they hold data: protected, replaced only delete-first, LXCs adopted without a template", () => {
      for (const container of index.ofType(CONTAINER)) {
        expect(container).toMatchObject({ protect: true, deleteBeforeReplace: true, ignoreChanges: ["operatingSystem.templateFileId"] });
      }
      for (const vm of index.ofType(VM)) expect(vm).toMatchObject({ protect: true, deleteBeforeReplace: true });
    });
  });

  describe("the Talos cluster", () => {
    test("Omni's three machines of the estate: address and UUID, Talos v1.12.0 with its extensions", () => {
      const rows = specTable("### Talos machines");
      expect(config.talos).toMatchObject({ manager: "omni", talosVersion: "v1.12.0", systemExtensions: ["siderolabs/amd-ucode", "siderolabs/iscsi-tools", "siderolabs/util-linux-tools"] });
      expect(config.talos.machines.map((machine: { name: string; address: string; uuid: string }) => [machine.name, machine.address, machine.uuid])).toEqual(rows);
    });

    test("Omni's cluster template, from the stack file, with the service account key as a secret", () => {
      const templates = index.ofType("pulumi-nodejs:dynamic/omni:ClusterTemplate");
      expect(templates.map((resource) => resource.name)).toEqual(["minipcs"]);
      const validated = validateHomelabConfig(config);
      if ("issues" in validated || validated.config.talos.manager !== "omni") throw new Error("the committed cluster is not Omni's");
      expect(templates[0].inputs).toMatchObject({
        clusterName: "minipcs",
        template: omniClusterTemplate(validated.config.talos),
        endpoint: "https://omni.sharmamohit.com:8090",
        serviceAccountKey: "[secret]",
        omnictl: "omnictl",
      });
    });

    test("no Talos VM, image or snippet: Omni's machines are bare metal", () => {
      const talosResources = plan.resources.filter((resource) => /talos/i.test(resource.type) || resource.type === "proxmoxve:download/file:File" || resource.type === "proxmoxve:index/fileLegacy:FileLegacy");
      expect(talosResources).toEqual([]);
    });
  });
});

describe("a Talos cluster this program builds on Proxmox VMs", () => {
  const NODES = ["talos-cp-1", "talos-cp-2", "talos-cp-3"];

  let plan: Plan;
  let index: PlanIndex;
  let machineConfigs: Record<string, string>;
  let outputs: StackPreview["outputs"];
  beforeAll(async () => {
    ({ plan, machineConfigs, outputs } = await stackPreview("homelab", TALOS_EXAMPLE_FILE));
    index = planIndex(plan.resources);
  });

  const urnOf = (type: string, name: string) => index.named(type, name).urn;
  const proxmoxProvider = () => index.named("pulumi:providers:proxmoxve", "proxmox");
  /** The Talos cluster names what it creates for a node from its own name. */
  const inCluster = (name: string) => `homeops/${name}`;

  /** A registered resource's outputs in the mock monitor, secrets still marked. */
  function registeredOutputs(urnSuffix: string): Record<string, unknown> {
    const urn = Object.keys(outputs).find((candidate) => candidate.endsWith(urnSuffix));
    if (!urn) throw new Error(`nothing registered as ${urnSuffix}`);
    return outputs[urn];
  }
  const isSecret = (value: unknown) => (value as Record<string, unknown>)?.[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;

  describe("the Talos cluster's VMs", () => {
    test("three control-plane VMs, one per Proxmox node, protected and replaced only delete-first", () => {
      expect(index.ofType(VM).map((vm) => [vm.inputs.name, vm.inputs.nodeName, vm.protect, vm.deleteBeforeReplace]).sort()).toEqual([
        ["talos-cp-1", "pve1", true, true],
        ["talos-cp-2", "pve2", true, true],
        ["talos-cp-3", "pve3", true, true],
      ]);
    });

    test("neither a new snippet nor a new image replaces a VM", () => {
      for (const vm of index.ofType(VM)) expect(vm.ignoreChanges).toEqual(["initialization.userDataFileId", "disks[0].fileId"]);
    });

    test("each VM boots its node's snippet and the factory image on its own Proxmox node", () => {
      for (const name of NODES) {
        const vm = index.named(VM, inCluster(name));
        const image = index.ofType(IMAGE).find((file) => file.inputs.nodeName === vm.inputs.nodeName)!;
        expect(vm.propertyDependencies.disks).toEqual([image.urn]);
        expect(vm.propertyDependencies.initialization).toEqual([urnOf(SNIPPET, inCluster(`${name}-user-data`))]);
        expect(image.inputs).toMatchObject({
          contentType: "iso",
          datastoreId: "local",
          decompressionAlgorithm: "gz",
          url: expect.stringMatching(/^https:\/\/factory\.talos\.dev\/image\/[0-9a-f]{64}\/v1\.13\.9\/nocloud-amd64\.raw\.gz$/),
        });
      }
    });

    test("snippets are secret, keep their name, and a replaced one leaves the file to its successor", () => {
      for (const name of NODES) {
        const snippet = index.named(SNIPPET, inCluster(`${name}-user-data`));
        expect(snippet.inputs).toEqual({
          nodeName: index.named(VM, inCluster(name)).inputs.nodeName,
          datastoreId: "local",
          contentType: "snippets",
          sourceRaw: { data: "[secret]", fileName: `homeops-${name}.user-data.yaml` },
        });
        expect(snippet).toMatchObject({ retainOnDelete: true, deleteBeforeReplace: false, protect: false });
      }
    });

    test("every Proxmox resource goes through the cluster's provider", () => {
      const proxmoxResources = plan.resources.filter((resource) => resource.type.startsWith("proxmoxve:"));
      // Three images, snippets and VMs, and the example's one LXC.
      expect(proxmoxResources).toHaveLength(3 + 3 + 3 + 1);
      for (const resource of proxmoxResources) expect(resource.provider).toBe(proxmoxProvider().urn);
      expect(proxmoxProvider().inputs.apiToken).toBe("[secret]");
    });
  });

  describe("bootstrap, rollout and credentials", () => {
    test("etcd is bootstrapped once, on the first control plane, after every VM exists", () => {
      const [bootstrap] = index.ofType("pulumi-nodejs:dynamic/talos:TalosBootstrap");
      expect(bootstrap.inputs).toMatchObject({ node: "192.168.11.61", port: 50000, clientKeyPem: "[secret]", clientCertPem: "[secret]" });
      for (const name of NODES) expect(bootstrap.dependencies).toContain(urnOf(VM, inCluster(name)));
    });

    test("node configurations roll out one node at a time, each after its VM", () => {
      const configurationDependencies = (name: string) =>
        index.named(NODE_CONFIGURATION, inCluster(name)).dependencies.filter((urn) => urn.includes("TalosNodeConfiguration") || urn.includes("vmLegacy"));
      expect(configurationDependencies("talos-cp-1")).toEqual([urnOf(VM, inCluster("talos-cp-1"))]);
      expect(configurationDependencies("talos-cp-2").sort()).toEqual([urnOf(VM, inCluster("talos-cp-2")), urnOf(NODE_CONFIGURATION, inCluster("talos-cp-1"))].sort());
      expect(configurationDependencies("talos-cp-3").sort()).toEqual([urnOf(VM, inCluster("talos-cp-3")), urnOf(NODE_CONFIGURATION, inCluster("talos-cp-2"))].sort());
      expect(index.named(NODE_CONFIGURATION, inCluster("talos-cp-2")).inputs).toMatchObject({ node: "192.168.11.62", machineConfig: "[secret]", talosVersion: "v1.13.9" });
    });

    test("kubeconfig and talosconfig are secrets; the Kubernetes provider waits for the bootstrap", () => {
      const provider = index.named("pulumi:providers:kubernetes", "homeops");
      expect(provider.inputs.kubeconfig).toBe("[secret]");
      expect(provider.dependencies).toContain(index.ofType("pulumi-nodejs:dynamic/talos:TalosBootstrap")[0].urn);
      const stackOutputs = registeredOutputs("pulumi:pulumi:Stack::homeops-homelab");
      expect(isSecret(stackOutputs.kubeconfig)).toBe(true);
      expect(isSecret(stackOutputs.talosconfig)).toBe(true);
    });

    test("only control planes announce the VIP, every control plane does", () => {
      expect(Object.keys(machineConfigs).sort()).toEqual(NODES);
      for (const [name, text] of Object.entries(machineConfigs)) {
        const documents = parseAllDocuments(text).map((document) => document.toJS() as Record<string, any>);
        const type = documents[0].machine.type;
        const vip = documents.filter((document) => document.kind === "Layer2VIPConfig");
        expect({ name, vip: vip.map((document) => document.name) }).toEqual({ name, vip: type === "controlplane" ? ["192.168.11.60"] : [] });
      }
    });

    test("each node's config selects the NIC its VM has", () => {
      for (const name of NODES) {
        const vmState = registeredOutputs(`VmLegacy::${inCluster(name)}`) as { macAddresses: string[] };
        expect(machineConfigs[name]).toContain(`match: mac(link.hardware_addr) == "${vmState.macAddresses[0]}"`);
      }
    });

    test("no machine-config secret appears in the recorded plan", () => {
      const text = JSON.stringify(plan);
      const [v1alpha1] = parseAllDocuments(machineConfigs["talos-cp-1"]).map((document) => document.toJS() as Record<string, any>);
      for (const secret of [v1alpha1.cluster.secret, v1alpha1.cluster.token, v1alpha1.machine.token, v1alpha1.cluster.ca.key, v1alpha1.cluster.secretboxEncryptionSecret]) {
        expect(typeof secret).toBe("string");
        expect(text).not.toContain(secret);
      }
    });
  });
});

describe("a cluster beyond three identical VMs", () => {
  const STACK_FILE = join(__dirname, "Pulumi.talos-mixed.yaml");
  const BOOTSTRAP = "pulumi-nodejs:dynamic/talos:TalosBootstrap";
  const inCluster = (name: string) => `mixed/${name}`;

  let plan: Plan;
  let index: PlanIndex;
  let machineConfigs: Record<string, string>;
  beforeAll(async () => {
    ({ plan, machineConfigs } = await stackPreview("homelab", STACK_FILE));
    index = planIndex(plan.resources);
  });

  const documentsOf = (name: string) => parseAllDocuments(machineConfigs[name]).map((document) => document.toJS() as Record<string, any>);

  test("five VMs, each of its role's or its own size; the bare-metal worker has none, nor a snippet", () => {
    const vms = index.ofType(VM).map((vm) => [vm.inputs.name, vm.inputs.nodeName, (vm.inputs.memory as { dedicated: number }).dedicated, (vm.inputs.cpu as { cores: number }).cores]);
    expect(vms.sort()).toEqual([
      ["talos-cp-1", "pve1", 8192, 2],
      ["talos-cp-2", "pve2", 8192, 2],
      ["talos-cp-3", "pve3", 8192, 2],
      ["talos-w-1", "pve1", 16384, 4],
      ["talos-w-2", "pve2", 32768, 8],
    ]);
    expect(index.ofType(SNIPPET).map((snippet) => snippet.name).sort()).toEqual(["talos-cp-1", "talos-cp-2", "talos-cp-3", "talos-w-1", "talos-w-2"].map((name) => inCluster(`${name}-user-data`)));
    expect(index.ofType(IMAGE)).toHaveLength(3);
  });

  test("the bare-metal worker's configuration is applied in maintenance mode, in its turn after the VMs before it", () => {
    const metal = index.named(NODE_CONFIGURATION, inCluster("metal-w-1"));
    expect(metal.inputs).toMatchObject({
      node: "192.168.11.70",
      maintenanceAddress: "192.168.11.150",
      machineConfig: "[secret]",
      installerImage: expect.stringMatching(/^factory\.talos\.dev\/metal-installer\/[0-9a-f]{64}:v1\.13\.9$/),
    });
    expect(metal.dependencies).toContain(index.named(NODE_CONFIGURATION, inCluster("talos-w-2")).urn);
    expect(metal.dependencies.filter((urn) => urn.includes("vmLegacy"))).toEqual([]);
    expect(index.named(NODE_CONFIGURATION, inCluster("talos-w-1")).inputs).not.toHaveProperty("maintenanceAddress");
  });

  test("etcd is bootstrapped on the first control plane once every VM exists and the bare-metal machine is configured", () => {
    const [bootstrap] = index.ofType(BOOTSTRAP);
    expect(bootstrap.inputs).toMatchObject({ node: "192.168.11.61" });
    for (const name of ["talos-cp-1", "talos-cp-2", "talos-cp-3", "talos-w-1", "talos-w-2"]) expect(bootstrap.dependencies).toContain(index.named(VM, inCluster(name)).urn);
    expect(bootstrap.dependencies).toContain(index.named(NODE_CONFIGURATION, inCluster("metal-w-1")).urn);
  });

  test("workers get worker configs without the VIP; every config has the cluster's subnets, its patches and validates", () => {
    const validate = talosSchemaValidator();
    expect(Object.keys(machineConfigs).sort()).toEqual(["metal-w-1", "talos-cp-1", "talos-cp-2", "talos-cp-3", "talos-w-1", "talos-w-2"]);
    for (const name of Object.keys(machineConfigs)) {
      const documents = documentsOf(name);
      const [v1alpha1] = documents;
      const worker = !name.startsWith("talos-cp");
      expect({ name, type: v1alpha1.machine.type, vip: documents.some((document) => document.kind === "Layer2VIPConfig") }).toEqual({ name, type: worker ? "worker" : "controlplane", vip: !worker });
      expect(v1alpha1.cluster.network).toMatchObject({ podSubnets: ["10.42.0.0/16"], serviceSubnets: ["10.43.0.0/16"] });
      expect(documents).toContainEqual({ apiVersion: "v1alpha1", kind: "TimeSyncConfig", ntp: { servers: ["time.cloudflare.com"] } });
      expect(v1alpha1.machine.nodeLabels?.["example.com/pool"]).toBe(worker ? "general" : undefined);
      for (const document of documents) expect({ name, kind: document.kind, errors: validate(document) }).toEqual({ name, kind: document.kind, errors: [] });
    }
    expect(documentsOf("metal-w-1")[0].machine).toMatchObject({ install: { disk: "/dev/nvme0n1" }, kernel: { modules: [{ name: "nvidia" }] } });
  });

  test("the policy pack finds nothing to refuse", async () => {
    const report = await evaluatePlan(plan, policyConfigForStack("homelab", STACK_FILE));
    expect(report.violations).toEqual([]);
  });
});
