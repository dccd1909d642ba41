/**
 * The platform in planned stacks, each judged by the policy pack: the committed homelab's LAN
 * Docker hosts, platform and DNS as the offline preview records them; the whole homelab with
 * Cilium as the seeds' clusters run it (native routing, Gateway API, Hubble, LB IPAM with L2
 * announcements, no MetalLB), from the Talos-on-Proxmox example with another
 * `homeops:talos.cni` and load balancer; and a platform of custom releases only, as another
 * homelab would write it (cert-manager, external-dns, Flux and an application, no Ceph, Loki
 * or Argo CD), from a stack file that differs from the committed one only in `homeops:platform`.
 */
import * as pulumi from "@pulumi/pulumi";
import { writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { stringify, parse } from "yaml";
import { SECRET_PLACEHOLDER, type Plan, type PlannedResource } from "../../policy/contract/plan";
import { evaluatePlan, type PolicyReport } from "../../policy/evaluate";
import { isDefaultDeny } from "../../policy/kubernetes-network-policies";
import { policyConfigForStack } from "../../tools/plan/policyConfig";
import { readOfflineConfig, secretPlaceholder } from "../../tools/plan/stackConfig";
import { TALOS_EXAMPLE_FILE } from "../homelab-compute/talosExample";
import { planIndex, type PlanIndex } from "../support/planIndex";
import { stackPreview, type StackPreview } from "../support/previews";
import { ROOT, stackConfigData } from "../support/stackConfig";
import { tempDir } from "../support/tempDirs";
import { ciliumClusterStackFile } from "./ciliumCluster";
import { crdValidator } from "./conformance";
import { CUSTOM_PLATFORM } from "./customPlatform";

describe("the committed homelab", () => {
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
});

describe("Cilium as the seeds' clusters run it", () => {
  let plan: Plan;
  let index: ReturnType<typeof planIndex>;
  let report: PolicyReport;

  beforeAll(async () => {
    // A basename of its own: previews are cached by it.
    const stackFile = join(tempDir("homeops-cilium-"), "Pulumi.cilium-lb.yaml");
    writeFileSync(stackFile, stringify(ciliumClusterStackFile()));
    ({ plan } = await stackPreview("homelab", stackFile));
    index = planIndex(plan.resources);
    report = await evaluatePlan(plan, policyConfigForStack("homelab", stackFile));
  });

  const chart = (key: string) => index.named("kubernetes:helm.sh/v4:Chart", `platform/${key}`);

  test("Cilium's pool and L2 announcement policy are planned, valid against its CRDs, after Cilium; no MetalLB anywhere", () => {
    const pool = index.named("kubernetes:cilium.io/v2:CiliumLoadBalancerIPPool", "platform/cilium-lb-pool");
    const policy = index.named("kubernetes:cilium.io/v2alpha1:CiliumL2AnnouncementPolicy", "platform/cilium-l2-announcement");
    expect(crdValidator("cilium.io", "ciliumloadbalancerippool_v2")(pool.inputs)).toEqual([]);
    expect(crdValidator("cilium.io", "ciliuml2announcementpolicy_v2alpha1")(policy.inputs)).toEqual([]);
    for (const object of [pool, policy]) expect(object.dependencies).toContain(chart("cilium").urn);
    const names = JSON.stringify(plan.resources.map((resource) => [resource.type, resource.name]));
    expect(names.toLowerCase().includes("metallb")).toBe(false);
    // The ingress controller's LoadBalancer Service waits for the pool it asks an address of.
    expect(chart("ingress-nginx").dependencies).toEqual(expect.arrayContaining([pool.urn, policy.urn]));
    expect((chart("ingress-nginx").inputs.values as any).controller.service.annotations).toEqual({ "lbipam.cilium.io/ips": "192.168.11.90" });
  });

  test("the Gateway API's CRDs are applied from their release before Cilium, which is installed with every feature", () => {
    const crds = index.named("kubernetes:yaml/v2:ConfigFile", "platform/gateway-api-crds");
    expect(crds.inputs.file).toBe("https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.4.1/standard-install.yaml");
    expect(chart("cilium").dependencies).toContain(crds.urn);
    // The stack file's Gateway is applied once Cilium (and so the CRDs) are in place.
    const gateway = index.named("kubernetes:gateway.networking.k8s.io/v1:Gateway", "platform/Gateway/gateways/internal");
    expect(gateway.dependencies).toContain(chart("cilium").urn);
    expect(chart("cilium").inputs.values).toMatchObject({
      routingMode: "native",
      ipv4NativeRoutingCIDR: "10.244.0.0/16",
      l2announcements: { enabled: true },
      gatewayAPI: { enabled: true },
      hubble: { enabled: true, relay: { enabled: true }, ui: { enabled: true } },
    });
  });

  test("the policy pack finds nothing on the platform", () => {
    const platform = report.violations.filter((violation) => violation.type.startsWith("kubernetes:"));
    expect(platform.map((violation) => `${violation.policyName} ${violation.name}: ${violation.message}`)).toEqual([]);
  });
});

describe("a platform of custom releases only", () => {
  let stackFile: string;
  let plan: Plan;
  let index: ReturnType<typeof planIndex>;
  let report: PolicyReport;

  beforeAll(async () => {
    // A cluster of the program's own (the Talos-on-Proxmox example), whose CNI the platform installs.
    const settings = parse(readFileSync(TALOS_EXAMPLE_FILE, "utf8"));
    settings.config["homeops:platform"] = CUSTOM_PLATFORM;
    stackFile = join(tempDir("homeops-custom-platform-"), "Pulumi.homelab.yaml");
    writeFileSync(stackFile, stringify(settings));
    ({ plan } = await stackPreview("homelab", stackFile));
    index = planIndex(plan.resources);
    report = await evaluatePlan(plan, policyConfigForStack("homelab", stackFile));
  });

  const chart = (key: string) => index.named("kubernetes:helm.sh/v4:Chart", `platform/${key}`);

  test("only the declared releases are installed, each at its pinned version from its repository", () => {
    const charts = index.ofType("kubernetes:helm.sh/v4:Chart").map((resource) => [resource.name, resource.inputs.name, resource.inputs.version]);
    expect(charts.sort()).toEqual([
      ["platform/cert-manager", "cert-manager", "v1.21.1"],
      ["platform/cilium", "cilium", "1.19.3"],
      ["platform/external-dns", "external-dns", "1.19.0"],
      ["platform/flux", "flux", "2.17.0"],
      ["platform/podinfo", "podinfo", "6.9.2"],
    ]);
    expect(chart("flux").inputs).toMatchObject({ chart: "flux2", namespace: "flux-system", repositoryOpts: { repo: "https://fluxcd-community.github.io/helm-charts" } });
    expect(chart("podinfo").inputs).toMatchObject({ chart: "oci://ghcr.io/stefanprodan/charts/podinfo" });
    expect(chart("podinfo").inputs.repositoryOpts).toBeUndefined();
  });

  test("no Ceph, Loki or Argo CD, and only the declared namespaces, each behind a default deny", () => {
    const text = JSON.stringify(plan.resources.map((resource) => resource.name));
    for (const absent of ["rook-ceph", "loki", "argo-cd", "argocd", "monitoring"]) expect({ absent, found: text.includes(absent) }).toEqual({ absent, found: false });
    const namespaces = index.ofType("kubernetes:core/v1:Namespace").map((namespace) => namespace.inputs.metadata as { name: string; labels: Record<string, string> });
    expect(namespaces.map((namespace) => namespace.name).sort()).toEqual(["cert-manager", "external-dns", "flux-system", "podinfo"]);
    for (const namespace of namespaces) expect(namespace.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    const policies = index.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").map((policy) => policy.inputs as { metadata: { name: string; namespace: string }; spec: unknown });
    for (const { name } of namespaces) expect({ name, defaultDeny: policies.some((policy) => policy.metadata.namespace === name && isDefaultDeny(policy.spec)) }).toEqual({ name, defaultDeny: true });
    const inFlux = policies.filter((policy) => policy.metadata.namespace === "flux-system").map((policy) => policy.metadata.name);
    expect(inFlux.sort()).toEqual(["allow-dns", "allow-egress-within-namespace", "allow-git", "allow-ingress-within-namespace", "allow-kube-api", "default-deny"]);
  });

  test("secret values reach the chart and the Secret as secrets, never as text", () => {
    expect(chart("external-dns").inputs.values).toBe(SECRET_PLACEHOLDER);
    expect(index.named("kubernetes:core/v1:Secret", "platform/cert-manager/cloudflare-api-token").inputs.stringData).toBe(SECRET_PLACEHOLDER);
    const text = JSON.stringify(plan);
    for (const key of ["externalDnsCloudflareToken", "certManagerCloudflareToken"]) expect(text.includes(secretPlaceholder(`homeops:${key}`))).toBe(false);
    expect(chart("cert-manager").inputs.values).toEqual({ crds: { enabled: true, keep: true } });
  });

  test("each release and object waits for what it needs and its namespace", () => {
    const issuer = index.named("kubernetes:cert-manager.io/v1:ClusterIssuer", "platform/ClusterIssuer/letsencrypt");
    const certificate = index.named("kubernetes:cert-manager.io/v1:Certificate", "platform/Certificate/podinfo/podinfo-tls");
    expect(issuer.dependencies).toContain(chart("cert-manager").urn);
    expect(certificate.dependencies).toContain(issuer.urn);
    expect(chart("podinfo").dependencies).toEqual(expect.arrayContaining([chart("cert-manager").urn, certificate.urn]));
    // The Talos cluster has no CNI until Cilium runs: every custom release waits for it too.
    expect(chart("flux").dependencies).toContain(chart("cilium").urn);
    const namespace = index.ofType("homeops:kubernetes:Namespace").find((resource) => resource.name === "platform/external-dns")!;
    expect(index.waitsFor(chart("external-dns"), namespace)).toBe(true);
  });

  test("the policy pack finds nothing on the platform", () => {
    const platform = report.violations.filter((violation) => violation.type.startsWith("kubernetes:"));
    expect(platform.map((violation) => `${violation.policyName} ${violation.name}: ${violation.message}`)).toEqual([]);
  });
});
