/** The docs' picture of a cluster under Omni (tools/diagrams/omniCluster.ts), from a recorded template resource. */
import { omniClusterTemplate } from "../../components/omni/clusterTemplate";
import { plannedResource, type Plan } from "../../policy/contract/plan";
import { OMNI_TEMPLATE_TYPE, omniClustersOf, renderOmniCluster } from "../../tools/diagrams/omniCluster";

const machines = [
  { name: "cp-1", uuid: "5f0c1d2e-0000-4000-8000-000000000001", address: "10.0.0.11", role: "controlplane" as const, installDisk: "/dev/sda" },
  { name: "w-1", uuid: "5f0c1d2e-0000-4000-8000-000000000002", address: "10.0.0.21", role: "worker" as const, installDisk: "/dev/nvme0n1" },
];
const template = omniClusterTemplate({
  manager: "omni",
  clusterName: "lab",
  talosVersion: "v1.12.0",
  kubernetesVersion: "1.35.0",
  network: "lan",
  systemExtensions: ["siderolabs/iscsi-tools"],
  cni: { name: "flannel" },
  patches: [],
  omni: { endpoint: "https://omni.example.com", serviceAccountKey: { configSecret: "omniServiceAccountKey" } },
  evenControlPlanesAcknowledged: false,
  machines,
});
const plan: Plan = {
  stack: "lab",
  project: "homeops",
  resources: [
    plannedResource("urn:t", OMNI_TEMPLATE_TYPE, "lab", {
      clusterName: "lab",
      template,
      endpoint: "https://omni.example.com",
      serviceAccountKey: "[secret]",
      machines: machines.map(({ name, uuid, address, role }) => ({ name, uuid, address, role })),
    }),
  ],
} as Plan;

test("the machines with their role and the install disk the template gives each", () => {
  expect(omniClustersOf(plan)).toEqual([
    { name: "lab", endpoint: "https://omni.example.com", talosVersion: "v1.12.0", kubernetesVersion: "v1.35.0", systemExtensions: ["siderolabs/iscsi-tools"], machines: machines.map((machine) => ({ ...machine })) },
  ]);
});

test("a table of the machines and Omni between the program and them", () => {
  const lines = renderOmniCluster(omniClustersOf(plan)[0]);
  expect(lines).toContain("| w-1 | 10.0.0.21 | worker | 5f0c1d2e-0000-4000-8000-000000000002 | /dev/nvme0n1 |");
  expect(lines).toContain('  program -- "cluster template (omnictl cluster template sync)" --> omni');
  expect(lines).toContain('  omni -- "SideroLink: configs, upgrades" --> m_cp_1');
});
