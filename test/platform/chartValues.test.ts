import { certManagerValues } from "../../components/kubernetes-platform/charts/certManager";
import { CILIUM_AGENT_CAPABILITIES, ciliumValues } from "../../components/kubernetes-platform/charts/cilium";
import { metallbValues } from "../../components/kubernetes-platform/charts/metallb";
import { thanosObjectStoreConfig } from "../../components/kubernetes-platform/charts/thanos";
import { platformReleases } from "../../components/kubernetes-platform/releases";
import { parse } from "yaml";
import { parseQuantity } from "../../policy/quantity";
import { helmValuesValidator } from "./conformance";
import { presetSettings } from "./settings";

const settings = presetSettings();
const values = (release: string) => {
  const plan = [...platformReleases(settings), ...platformReleases(presetSettings("traefik"))].find((candidate) => candidate.step === release);
  if (!plan) throw new Error(`no release ${release}`);
  return plan.values as Record<string, any>;
};

describe("values against the charts' own schemas (test/references/helm)", () => {
  test("cert-manager's strict schema accepts the values, and refuses a misspelt key", () => {
    const validate = helmValuesValidator("cert-manager");
    expect(validate(certManagerValues())).toEqual([]);
    const misspelt = { ...certManagerValues(), replicas: 3 };
    expect(validate(misspelt)).toEqual([expect.stringContaining("must NOT have additional properties (replicas)")]);
    expect(validate({ ...certManagerValues(), webhook: { replicaCount: "three" } })).toEqual([expect.stringContaining("/webhook/replicaCount must be number")]);
  });

  test("MetalLB's schema accepts the values, and refuses a wrong type", () => {
    // Its `required` fields (images, service accounts) come from the chart's defaults.
    const validate = helmValuesValidator("metallb", { withoutRequired: true });
    expect(validate(metallbValues())).toEqual([]);
    const wrong = metallbValues() as unknown as { speaker: { frr: { enabled: unknown } } };
    wrong.speaker.frr.enabled = "no";
    expect(validate(wrong)).toContainEqual(expect.stringContaining("/speaker/frr/enabled must be boolean"));
  });
});

describe("every container the program configures has a memory limit", () => {
  /**
   * Every container `resources` in a values tree: objects with limits or requests under a
   * `resources` key (CephCluster nests them per daemon), except volume claims asking for storage.
   */
  function resourcesIn(tree: unknown, at = ""): { at: string; resources: any }[] {
    if (Array.isArray(tree)) return tree.flatMap((item, index) => resourcesIn(item, `${at}[${index}]`));
    if (tree === null || typeof tree !== "object") return [];
    const record = tree as Record<string, any>;
    if (at.includes(".resources") && ("limits" in record || "requests" in record)) return "storage" in (record.requests ?? {}) ? [] : [{ at, resources: record }];
    return Object.entries(record).flatMap(([key, inner]) => resourcesIn(inner, `${at}.${key}`));
  }

  test.each(["ingress-nginx", "traefik", ...platformReleases(settings).map((plan) => plan.step).filter((step) => step !== "ingress-nginx")])("%s", (release) => {
    const found = resourcesIn(values(release));
    expect(found.length).toBeGreaterThan(0);
    for (const { at, resources } of found) {
      const limit = parseQuantity(resources.limits?.memory ?? "");
      expect({ at, ok: limit.ok && limit.value > 0 }).toEqual({ at, ok: true });
    }
  });

  test("Cilium: the agent, its init containers, the CNI installer, the operator and Envoy", () => {
    const cilium = values("cilium");
    const limitOf = (resources: { limits?: { memory?: string } } | undefined) => parseQuantity(resources?.limits?.memory ?? "");
    const keyed = {
      agent: cilium.resources,
      // `initResources`: the walker above looks for `.resources` keys only.
      init: cilium.initResources,
      cni: cilium.cni.resources,
      operator: cilium.operator.resources,
      envoy: cilium.envoy.resources,
    };
    for (const [container, resources] of Object.entries(keyed)) expect({ container, ok: limitOf(resources).ok && (limitOf(resources) as { value: number }).value > 0 }).toEqual({ container, ok: true });
    expect(cilium.envoy.enabled).toBe(true);
    // Hubble (relay, UI) is off, so it has no containers to limit.
    expect(cilium.hubble).toEqual({ enabled: false });
  });

  test("the Ceph daemons the operator starts are limited too", () => {
    const daemons = values("rook-ceph-cluster").cephClusterSpec.resources;
    expect(Object.keys(daemons).sort()).toEqual(["cleanup", "crashcollector", "exporter", "logcollector", "mgr", "mgr-sidecar", "mon", "osd", "prepareosd"]);
  });
});

describe("Cilium on Talos (Talos's guide, \"Deploy Cilium CNI\")", () => {
  test("Kubernetes IPAM, Talos's cgroup mount, capabilities without SYS_MODULE", () => {
    expect(values("cilium")).toMatchObject({
      ipam: { mode: "kubernetes" },
      cgroup: { autoMount: { enabled: false }, hostRoot: "/sys/fs/cgroup" },
      securityContext: {
        capabilities: {
          ciliumAgent: ["CHOWN", "KILL", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "SYS_ADMIN", "SYS_RESOURCE", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"],
          cleanCiliumState: ["NET_ADMIN", "SYS_ADMIN", "SYS_RESOURCE"],
        },
      },
    });
    expect(CILIUM_AGENT_CAPABILITIES).not.toContain("SYS_MODULE");
  });

  test("replacing kube-proxy, it reaches the API server through KubePrism; without, through the kubernetes Service", () => {
    expect(values("cilium")).toMatchObject({ kubeProxyReplacement: true, k8sServiceHost: "localhost", k8sServicePort: 7445 });
    const withKubeProxy = ciliumValues({ name: "cilium", kubeProxyReplacement: false });
    expect(withKubeProxy.kubeProxyReplacement).toBe(false);
    expect(withKubeProxy).not.toHaveProperty("k8sServiceHost");
    expect(withKubeProxy).not.toHaveProperty("k8sServicePort");
  });

  test("the platform's ipBlock allowances for the nodes' network select the nodes; no BPF masquerading (CoreDNS on Talos)", () => {
    expect(values("cilium")).toMatchObject({ policyCIDRMatchMode: ["nodes"], bpf: { masquerade: false } });
  });

  test("with Cilium replacing kube-proxy, kube-prometheus-stack neither scrapes nor alerts on kube-proxy", () => {
    expect(values("kube-prometheus-stack").kubeProxy).toEqual({ enabled: false });
    const flannel = platformReleases(presetSettings(undefined, { name: "flannel" })).find((plan) => plan.step === "kube-prometheus-stack")!.values as Record<string, any>;
    expect(flannel.kubeProxy).toEqual({ enabled: true });
  });
});

describe("the spec's values", () => {
  test("cert-manager: CRDs on, 3 replicas", () => {
    expect(values("cert-manager")).toMatchObject({ crds: { enabled: true }, replicaCount: 3 });
  });

  test("the ingress controller's LoadBalancer asks MetalLB for 192.168.11.90 and serves the wildcard certificate", () => {
    expect(values("ingress-nginx").controller).toMatchObject({
      service: { type: "LoadBalancer", annotations: { "metallb.io/loadBalancerIPs": "192.168.11.90" } },
      extraArgs: { "default-ssl-certificate": "ingress-nginx/default-tls-cert" },
    });
    expect(values("traefik")).toMatchObject({
      service: { type: "LoadBalancer", annotations: { "metallb.io/loadBalancerIPs": "192.168.11.90" } },
      tlsStore: { default: { defaultCertificate: { secretName: "default-tls-cert" } } },
    });
  });

  test("Rook-Ceph: all nodes and devices, host failure domain, 3 copies, ceph-block the default RBD class", () => {
    const cluster = values("rook-ceph-cluster");
    expect(cluster.cephClusterSpec.storage).toEqual({ useAllNodes: true, useAllDevices: true });
    const [pool] = cluster.cephBlockPools;
    expect(pool.spec).toEqual({ failureDomain: "host", replicated: { size: 3 } });
    expect(pool.storageClass).toMatchObject({ name: "ceph-block", isDefault: true });
    expect(cluster.cephFileSystems).toHaveLength(1);
    expect(cluster.cephObjectStores).toHaveLength(1);
  });

  test("kube-prometheus-stack: Prometheus 20Gi on ceph-block, 3d, remote-write receiver, Thanos sidecar, 4Gi; Alertmanager 1Gi, 120h; Grafana's host and datasources", () => {
    const stack = values("kube-prometheus-stack");
    expect(stack.prometheus.prometheusSpec).toMatchObject({
      retention: "3d",
      enableRemoteWriteReceiver: true,
      storageSpec: { volumeClaimTemplate: { spec: { storageClassName: "ceph-block", resources: { requests: { storage: "20Gi" } } } } },
      resources: { limits: { memory: "4Gi" } },
      thanos: { objectStorageConfig: { name: "thanos-objstore", key: "objstore.yml" } },
    });
    expect(stack.alertmanager.alertmanagerSpec).toMatchObject({ retention: "120h", storage: { volumeClaimTemplate: { spec: { resources: { requests: { storage: "1Gi" } } } } } });
    expect(stack.grafana.ingress.hosts).toEqual(["grafana.sharmamohit.com"]);
    expect(stack.grafana.additionalDataSources.map((source: { type: string }) => source.type).sort()).toEqual(["loki", "prometheus", "tempo"]);
    const loki = stack.grafana.additionalDataSources.find((source: { type: string }) => source.type === "loki");
    expect(loki.secureJsonData).toEqual({ httpHeaderValue1: "homelab" });
  });

  test("Loki: single binary, auth on, S3 at SeaweedFS, 720h, 10Gi; credentials from a Secret", () => {
    const loki = values("loki");
    expect(loki).toMatchObject({
      deploymentMode: "SingleBinary",
      loki: { auth_enabled: true, storage: { type: "s3", s3: { endpoint: "seaweedfs.sharmamohit.com:8333" } }, limits_config: { retention_period: "720h" } },
      singleBinary: { persistence: { storageClass: "ceph-block", size: "10Gi" } },
    });
    expect(Object.keys(loki.loki.storage.s3).sort()).toEqual(["endpoint", "insecure", "region", "s3ForcePathStyle"]);
    expect(loki.singleBinary.extraEnv).toEqual([
      { name: "AWS_ACCESS_KEY_ID", valueFrom: { secretKeyRef: { name: "object-store-credentials", key: "AWS_ACCESS_KEY_ID" } } },
      { name: "AWS_SECRET_ACCESS_KEY", valueFrom: { secretKeyRef: { name: "object-store-credentials", key: "AWS_SECRET_ACCESS_KEY" } } },
    ]);
  });

  test("Thanos: query, store gateway, compactor with raw 7d, 5m 30d, 1h 180d", () => {
    expect(values("thanos")).toMatchObject({
      query: { enabled: true },
      storegateway: { enabled: true },
      compactor: { enabled: true, retentionResolutionRaw: "7d", retentionResolution5m: "30d", retentionResolution1h: "180d" },
    });
  });

  test("Tempo: S3, OTLP gRPC 4317 and HTTP 4318, 168h, 10Gi", () => {
    expect(values("tempo")).toMatchObject({
      tempo: { retention: "168h", storage: { trace: { backend: "s3" } }, receivers: { otlp: { protocols: { grpc: { endpoint: "0.0.0.0:4317" }, http: { endpoint: "0.0.0.0:4318" } } } } },
      persistence: { size: "10Gi" },
    });
  });

  test("Alloy: a DaemonSet limited to 384Mi, logs to Loki's homelab tenant, traces to Tempo", () => {
    const alloy = values("alloy");
    expect(alloy.controller.type).toBe("daemonset");
    expect(alloy.alloy.resources.limits.memory).toBe("384Mi");
    expect(alloy.alloy.configMap.content).toContain('tenant_id = "homelab"');
    expect(alloy.alloy.configMap.content).toContain('endpoint = "tempo.monitoring.svc:4317"');
  });

  test("Argo CD at argocd.<domain> with OIDC via PocketID, its client secret by reference only", () => {
    const argo = values("argo-cd");
    expect(argo.global.domain).toBe("argocd.sharmamohit.com");
    expect(parse(argo.configs.cm["oidc.config"])).toEqual({
      name: "PocketID",
      issuer: "https://pocketid.proxy.sharmamohit.com",
      clientID: "argocd",
      clientSecret: "$argocd-oidc:clientSecret",
      requestedScopes: ["openid", "profile", "email", "groups"],
    });
  });

  test("Newt takes its endpoint and credentials from a Secret, not from values", () => {
    expect(values("newt").newtInstances).toEqual([expect.objectContaining({ auth: { existingSecretName: "newt-credentials" } })]);
  });

  test("Thanos's object-store file carries the S3 keys it is given", () => {
    expect(parse(thanosObjectStoreConfig({ endpoint: "s3:8333", region: "us-east-1", bucket: "thanos" }, "AK", "SK"))).toEqual({
      type: "S3",
      config: { bucket: "thanos", endpoint: "s3:8333", region: "us-east-1", access_key: "AK", secret_key: "SK", insecure: true },
    });
  });
});
