import { validateHomelabConfig } from "../../config/stacks";
import { talosExampleData } from "../homelab-compute/talosExample";
import { brokenConfig, configProblems, copy, stackConfigData } from "../support/stackConfig";
import { CUSTOM_PLATFORM } from "./customPlatform";
import { withPresetPlatform } from "./settings";

const valid = stackConfigData("homelab");

/** The homelab with the presets' platform, changed by `mutate`. */
const broken = (mutate: (config: Record<string, any>) => void) => brokenConfig("homelab", (config) => mutate(withPresetPlatform(config)));
/** The platform on a Talos cluster this program builds (the example stack file), changed by `mutate`. */
const brokenOnOwnCluster = (mutate: (config: Record<string, any>) => void) => {
  const config = copy(talosExampleData());
  mutate(config);
  return configProblems("homelab", config);
};

test("the committed homelab config is valid, and so is it with the presets' platform", () => {
  expect(configProblems("homelab", valid)).toEqual([]);
  expect(configProblems("homelab", withPresetPlatform(copy(valid)))).toEqual([]);
});

describe("bad platform config is refused with the key and the rule", () => {
  test.each<[string, (config: Record<string, any>) => void, string, RegExp]>([
    ["a version range", (c) => (c.platform.charts["cert-manager"].version = "1.21.x"), "homeops:platform.charts.cert-manager.version", /must pin one chart version/],
    ["a caret range", (c) => (c.platform.charts.loki.version = "^6.54.0"), "homeops:platform.charts.loki.version", /ranges such as/],
    ["a missing version", (c) => delete c.platform.charts.tempo.version, "homeops:platform.charts.tempo.version", /is required but not set/],
    ["a preset without the preset it runs on", (c) => delete c.platform.charts["kube-prometheus-stack"], "homeops:platform.charts.loki", /^loki needs the kube-prometheus-stack preset \(.*\); add homeops:platform.charts.kube-prometheus-stack$/],
    ["Loki without the object store", (c) => delete c.platform.objectStore, "homeops:platform.charts.loki", /^loki needs homeops:platform.objectStore \(Loki keeps its chunks in the object store's buckets/],
    ["the ACME issuer without cert-manager", (c) => delete c.platform.charts["cert-manager"], "homeops:platform.acme", /^needs the cert-manager preset \(the ACME ClusterIssuer .*\); add homeops:platform.charts.cert-manager or remove acme$/],
    ["Argo CD without its OIDC settings", (c) => delete c.platform.argocd, "homeops:platform.charts.argo-cd", /^argo-cd needs homeops:platform.argocd/],
    ["an unknown release", (c) => (c.platform.charts.grafana = { chart: "grafana", repository: "https://grafana.github.io/helm-charts", version: "1.0.0" }), "homeops:platform.charts.grafana", /^unknown key$/],
    ["a plain http repository", (c) => (c.platform.charts.metallb.repository = "http://metallb.github.io/metallb"), "homeops:platform.charts.metallb.repository", /https:\/\/ chart repository or an oci:\/\//],
    ["a misspelt key", (c) => (c.platform.loadBalancer.ingressAdress = "192.168.11.90"), "homeops:platform.loadBalancer.ingressAdress", /^unknown key; did you mean `ingressAddress`\?$/],
    ["the ingress address outside the pool", (c) => (c.platform.loadBalancer.ingressAddress = "192.168.11.99"), "homeops:platform.loadBalancer.ingressAddress", /192\.168\.11\.99 is not in the pool first-pool/],
    ["a pool over a Docker host", (c) => (c.platform.loadBalancer.addresses = ["192.168.11.88-192.168.11.98"]), "homeops:platform.loadBalancer.addresses[0]", /includes 192\.168\.11\.89, the address of Docker host nvr/],
    ["a pool off the nodes' network", (c) => c.platform.loadBalancer.addresses.push("10.0.0.1-10.0.0.9"), "homeops:platform.loadBalancer.addresses[2]", /not inside the nodes' network 192\.168\.11\.0\/24/],
    ["a reversed range", (c) => (c.platform.loadBalancer.addresses[1] = "192.168.11.98-192.168.11.90"), "homeops:platform.loadBalancer.addresses[1]", /first not after last/],
    ["a credential in plaintext", (c) => (c.platform.newt.secret = "hunter2"), "homeops:platform.newt.secret", /must be \{configSecret: <key>\} or \{generated: <name>\}/],
    ["an undeclared generated secret", (c) => delete c.generatedSecrets["grafana-admin-password"], "homeops:platform.monitoring.grafanaAdminPassword", /"grafana-admin-password" is not declared/],
    ["an unknown kubeconfig source", (c) => (c.platform.kubeconfig = "~/.kube/config"), "homeops:platform.kubeconfig", /must be talos, \{configSecret: <key>\} or \{path: <kubeconfig file>\}/],
    ["an unknown ingress controller", (c) => (c.platform.ingressController = "contour"), "homeops:platform.ingressController", /Invalid option/],
    ["the chosen controller's chart missing", (c) => { c.platform.ingressController = "traefik"; delete c.platform.charts.traefik; }, "homeops:platform.charts.traefik", /is required/],
    ["a push user name with a colon", (c) => (c.platform.monitoring.pushUsername = "al:loy"), "homeops:platform.monitoring.pushUsername", /must be a user name/],
    ["no platform at all", (c) => delete c.platform, "homeops:platform", /is required but not set/],
    ["no CNI choice", (c) => delete c.talos.cni, "homeops:talos.cni", /is required but not set: \{name: cilium\}/],
    ["an unknown CNI", (c) => (c.talos.cni = { name: "calico" }), "homeops:talos.cni.name", /^must be \{name: cilium, kubeProxyReplacement\?, routing\?, gatewayApi\?, hubble\?, serviceLoadBalancing\?\}, \{name: custom, release: <a homeops:platform.releases key>\} or \{name: flannel\}$/],
    ["a misspelt CNI option", (c) => (c.talos.cni = { name: "cilium", kubeProxyReplacment: false }), "homeops:talos.cni.kubeProxyReplacment", /^unknown key; did you mean `kubeProxyReplacement`\?$/],
    ["Flannel with a Cilium option", (c) => (c.talos.cni = { name: "flannel", kubeProxyReplacement: true }), "homeops:talos.cni.kubeProxyReplacement", /^unknown key$/],
  ])("%s", (_kind, mutate, key, message) => {
    expect(broken(mutate)).toContainEqual({ key, message: expect.stringMatching(message) });
  });

  test("a preset left out is not installed, and what needs it is refused, naming both", () => {
    expect(broken((c) => delete c.platform.charts["argo-cd"])).toEqual([]);
    expect(broken((c) => { delete c.platform.charts["argo-cd"]; delete c.platform.argocd; })).toEqual([]);
    expect(broken((c) => delete c.platform.charts["rook-ceph"])).toEqual([
      { key: "homeops:platform.charts.rook-ceph-cluster", message: expect.stringMatching(/^rook-ceph-cluster needs the rook-ceph preset/) },
    ]);
  });

  test.each<[string, (config: Record<string, any>) => void, string, RegExp]>([
    ["a pool over the API VIP", (c) => c.platform.loadBalancer.addresses.push("192.168.11.60/32"), "homeops:platform.loadBalancer.addresses[2]", /the Kubernetes API VIP/],
    ["a context for the Talos kubeconfig", (c) => (c.platform.kubeContext = "admin@homeops"), "homeops:platform.kubeContext", /applies to a kubeconfig secret or file/],
    ["Cilium as the CNI without its chart", (c) => delete c.platform.charts.cilium, "homeops:platform.charts.cilium", /homeops:talos.cni is cilium, so the platform installs Cilium/],
    ["Cilium as the CNI of a cluster the platform does not reach", (c) => (c.platform.kubeconfig = { path: "~/.kube/config" }), "homeops:platform.kubeconfig", /would have no CNI and its nodes would stay NotReady/],
  ])("on a cluster of the program's own: %s", (_kind, mutate, key, message) => {
    expect(brokenOnOwnCluster(mutate)).toContainEqual({ key, message: expect.stringMatching(message) });
  });

  test("Omni's cluster with Cilium is refused: the platform installs a CNI only on a cluster of the program's own", () => {
    expect(broken((c) => (c.talos.cni = { name: "cilium" }))).toContainEqual({ key: "homeops:platform.kubeconfig", message: expect.stringMatching(/would have no CNI and its nodes would stay NotReady/) });
  });

  test("Omni's cluster with a custom CNI is refused too: nothing would install it", () => {
    expect(broken((c) => (c.talos.cni = { name: "custom", release: "calico" }))).toContainEqual({
      key: "homeops:platform.kubeconfig",
      message: expect.stringMatching(/^points at another cluster, but homeops:talos.cni is the custom release calico, .* would have no CNI/),
    });
  });

  test("switching the ingress controller is a configuration change only", () => {
    expect(broken((c) => (c.platform.ingressController = "traefik"))).toEqual([]);
  });

  test("with Talos's Flannel the Cilium chart is not needed, and may stay", () => {
    expect(brokenOnOwnCluster((c) => (c.talos.cni = { name: "flannel" }))).toEqual([]);
    expect(brokenOnOwnCluster((c) => { c.talos.cni = { name: "flannel" }; delete c.platform.charts.cilium; })).toEqual([]);
    // A cluster from another kubeconfig brings its own CNI: Flannel on the Talos cluster is then consistent.
    expect(brokenOnOwnCluster((c) => { c.talos.cni = { name: "flannel" }; c.platform.kubeconfig = { path: "~/.kube/config" }; })).toEqual([]);
    // The homelab's cluster is Omni's, with Flannel: the platform installs no CNI there.
    expect(broken((c) => delete c.platform.charts.cilium)).toEqual([]);
  });

  test("kube-proxy replacement is on unless turned off", () => {
    const parsed = (cni: unknown) => {
      const config = copy(talosExampleData());
      config.talos.cni = cni;
      const result = validateHomelabConfig(config);
      if ("issues" in result) throw new Error(JSON.stringify(result.issues));
      return result.config.talos.cni;
    };
    expect(parsed({ name: "cilium" })).toEqual({ name: "cilium", kubeProxyReplacement: true });
    expect(parsed({ name: "cilium", kubeProxyReplacement: false })).toEqual({ name: "cilium", kubeProxyReplacement: false });
  });
});

describe("a custom release as the cluster's CNI (Calico's tigera-operator)", () => {
  /** The example's cluster with Calico in place of Cilium, changed by `mutate`. */
  const calico = (mutate: (config: Record<string, any>) => void = () => {}) =>
    brokenOnOwnCluster((c) => {
      c.talos.cni = { name: "custom", release: "calico" };
      c.platform.namespaces = { "tigera-operator": { podSecurity: "privileged", podSecurityReason: "the operator runs on the host network and mounts /var/lib/calico" } };
      c.platform.releases = { calico: { chart: "tigera-operator", repository: "https://docs.tigera.io/calico/charts", version: "v3.31.3", namespace: "tigera-operator" } };
      mutate(c);
    });

  test("is valid with its release declared, and no Cilium chart is needed", () => {
    expect(calico()).toEqual([]);
    expect(calico((c) => delete c.platform.charts.cilium)).toEqual([]);
  });

  test.each<[string, (config: Record<string, any>) => void, string, RegExp]>([
    ["a release not declared", (c) => (c.talos.cni.release = "calcio"), "homeops:talos.cni.release", /^"calcio" is not a release of homeops:platform.releases \(declared: calico\)$/],
    ["no release named", (c) => delete c.talos.cni.release, "homeops:talos.cni.release", /is required but not set/],
    ["a misspelt key", (c) => (c.talos.cni = { name: "custom", relase: "calico" }), "homeops:talos.cni.relase", /^unknown key; did you mean `release`\?$/],
    ["a Cilium option", (c) => (c.talos.cni.kubeProxyReplacement = true), "homeops:talos.cni.kubeProxyReplacement", /^unknown key$/],
    ["Cilium's LB IPAM", (c) => (c.platform.loadBalancer.provider = "cilium"), "homeops:platform.loadBalancer", /the cluster's CNI is the custom release calico \(homeops:talos.cni\), not Cilium: use loadBalancer.provider: metallb/],
    ["the CNI waiting for another release", (c) => (c.platform.releases.calico.needs = ["cert-manager"]), "homeops:platform.releases.calico.needs", /^calico is the cluster's CNI .* so it cannot wait for cert-manager$/],
    ["a cluster the platform does not reach", (c) => (c.platform.kubeconfig = { path: "~/.kube/config" }), "homeops:platform.kubeconfig", /homeops:talos.cni is the custom release calico, which this platform installs only on the Talos cluster/],
  ])("refused: %s", (_kind, mutate, key, message) => {
    expect(calico(mutate)).toContainEqual({ key, message: expect.stringMatching(message) });
  });
});

test("the homelab's MetalLB pool, an object, is held to the pool's rules: the estate's range over nvr is refused", () => {
  const problems = brokenConfig("homelab", (c) => {
    const pool = c.platform.objects.find((object: any) => object.manifest.kind === "IPAddressPool");
    pool.manifest.spec.addresses = ["192.168.11.88-192.168.11.98"];
  });
  expect(problems).toEqual([{ key: expect.stringMatching(/^homeops:platform\.objects\[\d+\]\.manifest\.spec\.addresses\[0\]$/), message: expect.stringMatching(/includes 192\.168\.11\.89, the address of Docker host nvr/) }]);
});

describe("custom releases", () => {
  const custom = (mutate: (platform: Record<string, any>) => void = () => {}) =>
    brokenConfig("homelab", (c) => {
      c.platform = copy(CUSTOM_PLATFORM);
      mutate(c.platform);
    });

  test("a platform of custom releases only is valid", () => {
    expect(custom()).toEqual([]);
  });

  test.each<[string, (platform: Record<string, any>) => void, string, RegExp]>([
    ["a version range", (p) => (p.releases.flux.version = "2.x"), "homeops:platform.releases.flux.version", /^must pin one chart version like 1.21.1; ranges such as 1.21.x, \^1.21 or \* are refused$/],
    ["a tilde range", (p) => (p.releases.flux.version = "~2.17.0"), "homeops:platform.releases.flux.version", /ranges such as/],
    ["a misspelt key", (p) => (p.releases.flux.namepsace = "flux-system"), "homeops:platform.releases.flux.namepsace", /^unknown key; did you mean `namespace`\?$/],
    ["an unknown key in a namespace", (p) => (p.namespaces.podinfo.labels = {}), "homeops:platform.namespaces.podinfo.labels", /^unknown key/],
    ["an undeclared namespace", (p) => (p.releases.flux.namespace = "flux"), "homeops:platform.releases.flux.namespace", /namespace "flux" is not declared in homeops:platform.namespaces/],
    ["a Secret in an undeclared namespace", (p) => (p.secrets[0].namespace = "certs"), "homeops:platform.secrets[0].namespace", /namespace "certs" is not declared/],
    ["a plaintext Secret value", (p) => (p.secrets[0].data["api-token"] = "hunter2"), "homeops:platform.secrets[0].data.api-token", /must be \{configSecret: <key>\} or \{generated: <name>\}, never a plain value/],
    ["a plaintext secret value", (p) => (p.releases["external-dns"].secretValues[0].value = "hunter2"), "homeops:platform.releases.external-dns.secretValues[0].value", /never a plain value/],
    ["waiting for an unknown release", (p) => p.releases.podinfo.needs.push("cert-manger"), "homeops:platform.releases.podinfo.needs", /"cert-manger" is not a release \(custom or installed preset\) nor an object/],
    ["waiting in a circle", (p) => (p.objects[0].needs = ["podinfo"]), "homeops:platform.releases.podinfo.needs", /^waits in a circle: podinfo -> Certificate\/podinfo\/podinfo-tls -> ClusterIssuer\/letsencrypt -> podinfo$/],
    ["an object declared twice", (p) => p.objects.push(copy(p.objects[0])), "homeops:platform.objects[2]", /ClusterIssuer\/letsencrypt is declared twice/],
    ["kube-system declared", (p) => (p.namespaces["kube-system"] = { podSecurity: "privileged" }), "homeops:platform.namespaces.kube-system", /^is the cluster's own; it cannot be declared$/],
    ["a preset's namespace declared again", (p) => ((p.charts.metallb = { chart: "metallb", repository: "https://metallb.github.io/metallb", version: "0.16.1" }), (p.namespaces["metallb-system"] = { podSecurity: "privileged" })), "homeops:platform.namespaces.metallb-system", /^is created by the metallb preset already$/],
    ["a release both preset and custom", (p) => (p.charts["cert-manager"] = { chart: "cert-manager", repository: "https://charts.jetstack.io", version: "v1.21.1" }), "homeops:platform.releases.cert-manager", /is also installed as a preset/],
    ["two releases of one Helm name", (p) => (p.releases.podinfo.releaseName = "flux", p.releases.podinfo.namespace = "flux-system"), "homeops:platform.releases.podinfo", /Helm release flux-system\/flux is declared by releases.flux too/],
    ["an allow rule twice", (p) => p.namespaces["flux-system"].egress.push("dns"), "homeops:platform.namespaces.flux-system", /declares the allow rule "dns" twice/],
    ["an unknown peer", (p) => (p.namespaces.podinfo.egress = [{ name: "x", why: "y", peers: [{ host: "a" }] }]), "homeops:platform.namespaces.podinfo.egress[0]", /./],
    ["a values file that is not there", (p) => (p.releases.flux.valuesFile = "stacks/none.yaml"), "homeops:platform.releases.flux.valuesFile", /^cannot read the values file stacks\/none.yaml \(relative to the project\)$/],
    ["an absolute values file", (p) => (p.releases.flux.valuesFile = "/etc/values.yaml"), "homeops:platform.releases.flux.valuesFile", /must be a .yaml file relative to the project/],
    ["an object without its kind", (p) => delete p.objects[0].manifest.kind, "homeops:platform.objects[0].manifest.kind", /./],
    ["an unknown metadata key of an object", (p) => (p.objects[0].manifest.metadata.label = {}), "homeops:platform.objects[0].manifest.metadata", /label/],
    ["the ACME settings without cert-manager", (p) => (p.acme = { email: "a@example.com", server: "https://acme-v02.api.letsencrypt.org/directory", issuerName: "le" }), "homeops:platform.acme", /needs the cert-manager preset/],
  ])("%s", (_kind, mutate, key, message) => {
    expect(custom(mutate)).toContainEqual({ key, message: expect.stringMatching(message) });
  });

  test("the same allow rule name per direction is one for within-namespace only", () => {
    expect(custom((p) => (p.namespaces.podinfo.egress = ["dns", "within-namespace"]))).toEqual([]);
  });
});
