/** The homelab stack's LAN Docker hosts, platform and DNS, as the offline preview records them. */
import * as pulumi from "@pulumi/pulumi";
import { evaluatePlan, type PolicyReport } from "../../policy/evaluate";
import { isDefaultDeny } from "../../policy/kubernetes-network-policies";
import { policyConfigForStack } from "../../tools/plan/policyConfig";
import { readOfflineConfig } from "../../tools/plan/stackConfig";
import { SECRET_PLACEHOLDER, type Plan, type PlannedResource } from "../../policy/contract/plan";
import { planIndex, type PlanIndex } from "../support/planIndex";
import { stackPreview, type StackPreview } from "../support/previews";
import { ROOT, stackConfigData } from "../support/stackConfig";

const STACK_FILE = `${ROOT}/Pulumi.homelab.yaml`;
const config = stackConfigData("homelab");
let plan: Plan;
let index: PlanIndex;
let outputs: StackPreview["outputs"];
let report: PolicyReport;

beforeAll(async () => {
  ({ plan, outputs } = await stackPreview("homelab"));
  index = planIndex(plan.resources);
  report = await evaluatePlan(plan, policyConfigForStack("homelab", STACK_FILE));
});

/** A registered resource's outputs as the mocks computed them. */
const outputsOf = (resource: PlannedResource) => outputs[resource.urn] as Record<string, any>;
const LAN_HOSTS = ["komodo", "server04", "nvr", "kasm", "omni", "seaweedfs", "storage"];
// The estate runs no Alloy on the storage host.
const ALLOY_HOSTS = LAN_HOSTS.filter((host) => host !== "storage");

describe("LAN Docker hosts", () => {
  test("each host is reached over SSH and everything on it goes through its own provider", () => {
    const providers = index.ofType("pulumi:providers:docker");
    expect(Object.fromEntries(providers.map((provider) => [provider.name, provider.inputs.host]))).toEqual(
      Object.fromEntries(LAN_HOSTS.map((host) => [host, `ssh://root@${config.dockerHosts[host].address}:22`])),
    );
    const hostOf = (resource: PlannedResource): string => (resource.type === "homeops:docker:Host" ? resource.name : hostOf(index.byUrn(resource.parent)));
    for (const resource of plan.resources.filter((candidate) => candidate.type.startsWith("docker:"))) {
      expect({ resource: resource.name, provider: index.byUrn(resource.provider).name }).toEqual({ resource: resource.name, provider: hostOf(resource) });
    }
  });

  test("every container has a memory limit; Alloy's credentials make its env secret", () => {
    const containers = index.ofType("docker:index/container:Container");
    expect(containers).toHaveLength(23);
    for (const container of containers) expect(container.inputs.memory).toBeGreaterThan(0);
    for (const host of ALLOY_HOSTS) expect(index.named("docker:index/container:Container", `${host}-alloy/${host}-alloy-alloy-1`).inputs.envs).toBe(SECRET_PLACEHOLDER);
  });

  test("data volumes keep the estate's names and are protected and retained", () => {
    const volumes = index.ofType("docker:index/volume:Volume");
    expect(volumes.map((volume) => volume.inputs.name).sort()).toEqual(
      ["komodo_ferretdb-state", "komodo_postgres-data", ...ALLOY_HOSTS.map((host) => `${host}-alloy_alloy-data`)].sort(),
    );
    for (const volume of volumes) expect(volume).toMatchObject({ protect: true, retainOnDelete: true });
  });
});

describe("the Kubernetes platform", () => {
  test("goes to Omni's cluster through the kubeconfig config secret, through one provider", () => {
    const providers = index.ofType("pulumi:providers:kubernetes");
    expect(providers).toHaveLength(1);
    const [provider] = providers;
    expect(provider.name).toBe("cluster");
    expect(provider.inputs.kubeconfig).toBe("[secret]");
    for (const resource of plan.resources.filter((candidate) => candidate.type.startsWith("kubernetes:"))) expect(resource.provider).toBe(provider.urn);
  });

  test("the estate's fourteen releases, pinned, and every namespace it creates behind a default deny", () => {
    const charts = index.ofType("kubernetes:helm.sh/v4:Chart");
    // The estate's Flux HelmReleases and Argo CD Applications (Argo CD's release is named argocd there).
    const estate = ["cert-manager", "metallb", "ingress-nginx", "rook-ceph", "rook-ceph-cluster", "argocd", "prometheus-operator-crds", "kube-prometheus-stack", "loki", "thanos", "tempo", "alloy", "smartctl-exporter", "newt"];
    expect(charts.map((chart) => chart.inputs.name).sort()).toEqual(estate.sort());
    // Omni's cluster runs Talos's own CNI (homeops:talos.cni is flannel): the platform installs none.
    expect(charts.map((chart) => chart.name)).not.toContain("platform/cilium");
    expect(index.ofType("kubernetes:core/v1:Namespace").map((namespace) => (namespace.inputs.metadata as { name: string }).name)).not.toContain("kube-system");
    for (const chart of charts) expect(chart.inputs.version).toMatch(/^v?\d+\.\d+\.\d+$/);
    const policies = index.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy");
    for (const namespace of index.ofType("kubernetes:core/v1:Namespace")) {
      const name = (namespace.inputs.metadata as { name: string }).name;
      const own = policies.filter((policy) => (policy.inputs.metadata as { namespace: string }).namespace === name);
      expect({ name, defaultDeny: own.some((policy) => isDefaultDeny(policy.inputs.spec)) }).toEqual({ name, defaultDeny: true });
    }
  });

  test("Rook-Ceph, cert-manager, MetalLB and the Ceph pools are protected and kept if removed from the file", () => {
    for (const release of ["rook-ceph", "rook-ceph-cluster", "cert-manager", "metallb"]) {
      expect({ release, ...pick(index.named("kubernetes:helm.sh/v4:Chart", `platform/${release}`)) }).toEqual({ release, protect: true, retainOnDelete: true });
    }
    for (const pool of ["CephBlockPool/rook-ceph/ceph-blockpool", "CephFilesystem/rook-ceph/ceph-filesystem", "CephObjectStore/rook-ceph/ceph-objectstore"]) {
      const [kind] = pool.split("/");
      expect({ pool, ...pick(index.named(`kubernetes:ceph.rook.io/v1:${kind}`, `platform/${pool}`)) }).toEqual({ pool, protect: true, retainOnDelete: true });
    }
  });

  test("cert-manager's issuer is the estate's, its key in a secret Secret", () => {
    const [issuer] = plan.resources.filter((resource) => (resource.inputs as { kind?: string }).kind === "ClusterIssuer");
    expect((issuer.inputs.spec as any).acme.solvers[0].dns01.route53).toMatchObject({ hostedZoneID: "Z20MFT717KZF32", secretAccessKeySecretRef: { name: "r53-credentials-secret", key: "secret-access-key" } });
    expect(index.named("kubernetes:core/v1:Secret", "platform/cert-manager/r53-credentials-secret").inputs.stringData).toBe(SECRET_PLACEHOLDER);
  });
});

const pick = (resource: PlannedResource) => ({ protect: resource.protect, retainOnDelete: resource.retainOnDelete });

describe("DNS", () => {
  test("the spec's records, the VPS's from the vps stack's outputs", () => {
    const records = Object.fromEntries(index.ofType("aws:route53/record:Record").map((record) => [record.inputs.name, record.inputs.records]));
    expect(records).toEqual({
      "*.sharmamohit.com": ["192.168.11.90"],
      "*.proxy.sharmamohit.com": ["23.94.73.98"],
      "proxy.sharmamohit.com": ["23.94.73.98"],
      "komodo.sharmamohit.com": ["192.168.11.200"],
      "seaweedfs.sharmamohit.com": ["192.168.11.133"],
    });
    expect(index.named("aws:route53/zone:Zone", "sharmamohit.com").protect).toBe(true);
  });

  test("one least-privilege identity per ACME consumer; the VPS's key is exported secret, for the vps stack", () => {
    expect(index.ofType("aws:iam/user:User").map((user) => user.inputs.name).sort()).toEqual(["acme-dns01-cert-manager", "acme-dns01-vps-traefik"]);
    const stack = outputsOf(plan.resources.find((resource) => resource.type === "pulumi:pulumi:Stack")!);
    const { specialSigKey, specialSecretSig } = pulumi.runtime;
    expect(stack.vpsAcme.awsSecretAccessKey[specialSigKey]).toBe(specialSecretSig);
    expect(stack.vpsAcme.awsHostedZoneId).toBe(stack.dns.zoneId);
    expect(typeof stack.vpsAcme.awsAccessKeyId).toBe("string");
  });
});

test("the policy pack finds nothing on the LAN Docker hosts, the platform or DNS", () => {
  const mine = report.violations.filter((violation) => /^(docker|kubernetes|aws|cloudflare):/.test(violation.type) || !violation.policyName.startsWith("proxmox-"));
  expect(mine.map((violation) => `${violation.policyName} ${violation.name}: ${violation.message}`)).toEqual([]);
});

test("no config secret of these areas appears in the plan", () => {
  const { values } = readOfflineConfig(STACK_FILE, "homeops");
  const mine = [
    "monitoringObjectStoreCredentialsLokiSecretAccessKey",
    "monitoringThanosObjstoreSecretObjstoreYml",
    "certManagerR53CredentialsSecretSecretAccessKey",
    "argocdOidcClientSecret",
    "clusterNewtSecret",
    "komodoCoreKomodoDbPassword",
    "kasmNewtNewtSecret",
    "omniConfig",
    "sharedAlloyBasicAuthPassword",
    "storageGarageGarageRpcSecret",
    "server04VaultwardenBackupBackupSshKeyB64",
  ];
  const text = JSON.stringify(plan);
  for (const key of mine) {
    const placeholder = values[`homeops:${key}`];
    expect(placeholder).toBeDefined();
    expect({ key, leaked: text.includes(placeholder) }).toEqual({ key, leaked: false });
  }
});
