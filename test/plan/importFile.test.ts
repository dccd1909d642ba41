import { join } from "node:path";
import { ID_PLACEHOLDER, importPlanFor, liveInventoryOf, type ImportFile } from "../../tools/plan/importFile";
import { readHomeopsSettings } from "../../tools/plan/stackConfig";
import { plannedResource, type Plan } from "../../policy/contract/plan";
import { stackPreview } from "../support/previews";
import { ROOT } from "../support/stackConfig";

const homeopsConfig = (stack: string) => readHomeopsSettings(join(ROOT, `Pulumi.${stack}.yaml`));

/** The fields `pulumi import --file` reads (pulumi/pulumi pkg/cmd/pulumi/operations/import.go, importSpec). */
const SPEC_FIELDS = new Set(["type", "name", "id", "parent", "provider", "version", "pluginDownloadUrl", "properties", "component", "remote", "logicalName"]);

function expectDocumentedShape(file: ImportFile, plan: Plan) {
  expect(Object.keys(file).sort()).toEqual(["nameTable", "resources"]);
  const urns = new Set(plan.resources.map((resource) => resource.urn));
  for (const urn of Object.values(file.nameTable)) expect(urns).toContain(urn);
  for (const resource of file.resources) {
    for (const key of Object.keys(resource)) expect(SPEC_FIELDS).toContain(key);
    expect(typeof resource.type).toBe("string");
    expect(typeof resource.name).toBe("string");
    // A custom resource has an id; a component is created by the import.
    expect(resource.component === true ? resource.id : typeof resource.id).toBe(resource.component === true ? undefined : "string");
    if (resource.parent) expect(file.nameTable).toHaveProperty([resource.parent]);
    if (resource.provider) expect(file.nameTable).toHaveProperty([resource.provider]);
  }
}

describe("the bulk import file", () => {
  let vps: Plan;
  beforeAll(async () => {
    vps = (await stackPreview("vps")).plan;
  });

  it("has the documented shape and every live Docker resource of the VPS", () => {
    const { file, targets } = importPlanFor(vps, liveInventoryOf(homeopsConfig("vps")));
    expectDocumentedShape(file, vps);
    const dockerResources = vps.resources.filter((resource) => ["docker:index/container:Container", "docker:index/volume:Volume", "docker:index/network:Network"].includes(resource.type));
    expect(file.resources.filter((resource) => !resource.component).map((resource) => resource.name).sort()).toEqual(dockerResources.map((resource) => resource.name).sort());
    // A volume's id is its name; containers and networks wait for npm run import-ids.
    expect(file.resources.find((resource) => resource.name === "aegis-identity/lldap-data")?.id).toBe("pangolin-identity_lldap-data");
    expect(file.resources.find((resource) => resource.name === "aegis-identity/lldap")).toMatchObject({ id: ID_PLACEHOLDER, parent: "Stack:aegis-identity", provider: "docker:racknerd-aegis" });
    // The stacks are components the import creates; the host component and its provider come first, targeted.
    expect(file.resources.filter((resource) => resource.component).map((resource) => resource.name)).toContain("aegis-identity");
    expect(targets).toEqual(["urn:pulumi:vps::homeops::homeops:docker:Host::racknerd-aegis", "urn:pulumi:vps::homeops::homeops:docker:Host$pulumi:providers:docker::racknerd-aegis"]);
  });

  it("leaves out what the estate lacks, and gives LXCs and VMs their node/vmid", () => {
    const plan: Plan = {
      project: "homeops",
      stack: "homelab",
      resources: [
        { urn: "urn:s", type: "pulumi:pulumi:Stack", name: "homeops-homelab", parent: "" },
        { urn: "urn:p", type: "pulumi:providers:proxmoxve", name: "pve", parent: "urn:s" },
        { urn: "urn:c", type: "proxmoxve:index/containerLegacy:ContainerLegacy", name: "komodo", parent: "urn:s", provider: "urn:p", inputs: { nodeName: "pve1", vmId: 200 } },
        { urn: "urn:v", type: "proxmoxve:index/vmLegacy:VmLegacy", name: "talos-cp-1", parent: "urn:s", provider: "urn:p", inputs: {} },
        { urn: "urn:w", type: "proxmoxve:index/vmLegacy:VmLegacy", name: "seaweedfs", parent: "urn:s", provider: "urn:p", inputs: { nodeName: "r720xd", vmId: 100 } },
        { urn: "urn:a", type: "docker:index/container:Container", name: "server04-alloy/server04-alloy-alloy-1", parent: "urn:s", provider: "urn:p", inputs: {} },
        { urn: "urn:z", type: "aws:route53/zone:Zone", name: "sharmamohit.com", parent: "urn:s", provider: "", inputs: {} },
      ].map(({ urn, type, name, inputs, ...extra }) => plannedResource(urn, type, name, inputs, extra)),
    };
    const config = { proxmoxContainers: { komodo: {} }, proxmoxVms: { seaweedfs: {} }, dockerStacks: [{ name: "server04-alloy", host: "server04", deviations: [{ field: "stack" }], containers: [{ name: "server04-alloy-alloy-1" }] }], dns: { existingZoneId: "Z123" } };
    const { file } = importPlanFor(plan, liveInventoryOf(config));
    expect(file.resources).toEqual([
      { type: "proxmoxve:index/containerLegacy:ContainerLegacy", name: "komodo", id: "pve1/200", provider: "proxmoxve:pve" },
      // A VM the stack file declares runs; the Talos VM it does not declare is to be created.
      { type: "proxmoxve:index/vmLegacy:VmLegacy", name: "seaweedfs", id: "r720xd/100", provider: "proxmoxve:pve" },
      { type: "aws:route53/zone:Zone", name: "sharmamohit.com", id: "Z123" },
    ]);
  });
});

describe("the platform's objects in the import file", () => {
  it("imports each Namespace, Secret and object that runs by namespace/name, and none of the charts or new NetworkPolicies", () => {
    const resource = (type: string, name: string, metadata: Record<string, string>) => plannedResource(`urn:${name}`, type, name, { metadata }, { parent: "urn:s", provider: "urn:cluster" });
    const plan: Plan = {
      project: "homeops",
      stack: "homelab",
      resources: [
        { ...resource("pulumi:pulumi:Stack", "homeops-homelab", {}), custom: false, parent: "", provider: "" },
        { ...resource("pulumi:providers:kubernetes", "cluster", {}), provider: "" },
        resource("kubernetes:core/v1:Namespace", "platform/monitoring", { name: "monitoring" }),
        resource("kubernetes:networking.k8s.io/v1:NetworkPolicy", "platform/monitoring/default-deny", { name: "default-deny", namespace: "monitoring" }),
        resource("kubernetes:core/v1:Secret", "platform/monitoring/grafana-admin", { name: "grafana-admin", namespace: "monitoring" }),
        resource("kubernetes:ceph.rook.io/v1:CephBlockPool", "platform/CephBlockPool/rook-ceph/ceph-blockpool", { name: "ceph-blockpool", namespace: "rook-ceph" }),
        resource("kubernetes:storage.k8s.io/v1:StorageClass", "platform/StorageClass/ceph-block", { name: "ceph-block" }),
        resource("kubernetes:storage.k8s.io/v1:StorageClass", "platform/StorageClass/new-class", { name: "new-class" }),
        resource("kubernetes:helm.sh/v4:Chart", "platform/monitoring", {}),
      ],
    };
    const platform = {
      namespaces: { monitoring: {} },
      secrets: [{ name: "grafana-admin", namespace: "monitoring" }],
      objects: [
        { manifest: { kind: "CephBlockPool", metadata: { name: "ceph-blockpool", namespace: "rook-ceph" } } },
        { manifest: { kind: "StorageClass", metadata: { name: "ceph-block" } } },
        { manifest: { kind: "StorageClass", metadata: { name: "new-class" } } },
      ],
      deviations: [{ field: "StorageClass new-class", reason: "not in the estate" }],
    };
    const { file } = importPlanFor(plan, liveInventoryOf({ platform }));
    expect(file.resources.map(({ type, name, id }) => ({ type, name, id }))).toEqual([
      { type: "kubernetes:core/v1:Namespace", name: "platform/monitoring", id: "monitoring" },
      { type: "kubernetes:core/v1:Secret", name: "platform/monitoring/grafana-admin", id: "monitoring/grafana-admin" },
      { type: "kubernetes:ceph.rook.io/v1:CephBlockPool", name: "platform/CephBlockPool/rook-ceph/ceph-blockpool", id: "rook-ceph/ceph-blockpool" },
      { type: "kubernetes:storage.k8s.io/v1:StorageClass", name: "platform/StorageClass/ceph-block", id: "ceph-block" },
    ]);
  });
});

