/** The homelab stack's compute layer, as the offline preview records it, against the estate's tables. */
import type { Plan } from "../../policy/contract/plan";
import { planIndex, type PlanIndex } from "../support/planIndex";
import { stackPreview } from "../support/previews";
import { omniClusterTemplate } from "../../components/omni/clusterTemplate";
import { validateHomelabConfig } from "../../config/stacks";
import { specTable } from "../support/specTables";
import { stackConfigData } from "../support/stackConfig";

const VM = "proxmoxve:index/vmLegacy:VmLegacy";
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
