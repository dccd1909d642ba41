import { validateHomelabConfig } from "../../config/stacks";
import { brokenConfig, configProblems, copy, stackConfigData } from "../support/stackConfig";

const valid = stackConfigData("homelab");

const broken = (mutate: (config: Record<string, any>) => void) => brokenConfig("homelab", mutate);

test("the committed homelab config is valid", () => {
  expect(configProblems("homelab", valid)).toEqual([]);
});

describe("bad platform config is refused with the key and the rule", () => {
  test.each<[string, (config: Record<string, any>) => void, string, RegExp]>([
    ["a version range", (c) => (c.platform.charts["cert-manager"].version = "1.21.x"), "homeops:platform.charts.cert-manager.version", /must pin one chart version/],
    ["a caret range", (c) => (c.platform.charts.loki.version = "^6.54.0"), "homeops:platform.charts.loki.version", /ranges such as/],
    ["a missing version", (c) => delete c.platform.charts.tempo.version, "homeops:platform.charts.tempo.version", /is required but not set/],
    ["a missing chart of an installed release", (c) => delete c.platform.charts["argo-cd"], "homeops:platform.charts.argo-cd", /is required: the chart, repository and pinned version/],
    ["an unknown release", (c) => (c.platform.charts.grafana = { chart: "grafana", repository: "https://grafana.github.io/helm-charts", version: "1.0.0" }), "homeops:platform.charts.grafana", /^unknown key$/],
    ["a plain http repository", (c) => (c.platform.charts.metallb.repository = "http://metallb.github.io/metallb"), "homeops:platform.charts.metallb.repository", /https:\/\/ chart repository or an oci:\/\//],
    ["a misspelt key", (c) => (c.platform.loadBalancer.ingressAdress = "192.168.11.90"), "homeops:platform.loadBalancer.ingressAdress", /^unknown key; did you mean `ingressAddress`\?$/],
    ["the ingress address outside the pool", (c) => (c.platform.loadBalancer.ingressAddress = "192.168.11.99"), "homeops:platform.loadBalancer.ingressAddress", /192\.168\.11\.99 is not in the pool first-pool/],
    ["a pool over a Docker host", (c) => (c.platform.loadBalancer.addresses = ["192.168.11.88-192.168.11.98"]), "homeops:platform.loadBalancer.addresses[0]", /includes 192\.168\.11\.89, the address of Docker host nvr/],
    ["a pool over the API VIP", (c) => c.platform.loadBalancer.addresses.push("192.168.11.60/32"), "homeops:platform.loadBalancer.addresses[2]", /the Kubernetes API VIP/],
    ["a pool off the nodes' network", (c) => c.platform.loadBalancer.addresses.push("10.0.0.1-10.0.0.9"), "homeops:platform.loadBalancer.addresses[2]", /not inside the nodes' network 192\.168\.11\.0\/24/],
    ["a reversed range", (c) => (c.platform.loadBalancer.addresses[1] = "192.168.11.98-192.168.11.90"), "homeops:platform.loadBalancer.addresses[1]", /first not after last/],
    ["a credential in plaintext", (c) => (c.platform.newt.secret = "hunter2"), "homeops:platform.newt.secret", /must be \{configSecret: <key>\} or \{generated: <name>\}/],
    ["an undeclared generated secret", (c) => delete c.generatedSecrets["grafana-admin-password"], "homeops:platform.monitoring.grafanaAdminPassword", /"grafana-admin-password" is not declared/],
    ["an unknown kubeconfig source", (c) => (c.platform.kubeconfig = "~/.kube/config"), "homeops:platform.kubeconfig", /must be talos, \{configSecret: <key>\} or \{path: <kubeconfig file>\}/],
    ["a context for the Talos kubeconfig", (c) => (c.platform.kubeContext = "admin@homeops"), "homeops:platform.kubeContext", /applies to a kubeconfig secret or file/],
    ["an unknown ingress controller", (c) => (c.platform.ingressController = "contour"), "homeops:platform.ingressController", /Invalid option/],
    ["the chosen controller's chart missing", (c) => { c.platform.ingressController = "traefik"; delete c.platform.charts.traefik; }, "homeops:platform.charts.traefik", /is required/],
    ["a push user name with a colon", (c) => (c.platform.monitoring.pushUsername = "al:loy"), "homeops:platform.monitoring.pushUsername", /must be a user name/],
    ["no platform at all", (c) => delete c.platform, "homeops:platform", /is required but not set/],
    ["Cilium as the CNI without its chart", (c) => delete c.platform.charts.cilium, "homeops:platform.charts.cilium", /homeops:talos.cni is cilium, so the platform installs Cilium/],
    ["Cilium as the CNI of a cluster the platform does not reach", (c) => (c.platform.kubeconfig = { path: "~/.kube/config" }), "homeops:platform.kubeconfig", /would have no CNI and its nodes would stay NotReady/],
    ["no CNI choice", (c) => delete c.talos.cni, "homeops:talos.cni", /is required but not set: \{name: cilium\}/],
    ["an unknown CNI", (c) => (c.talos.cni = { name: "calico" }), "homeops:talos.cni.name", /must be \{name: cilium, kubeProxyReplacement\?: true\|false\} or \{name: flannel\}/],
    ["a misspelt CNI option", (c) => (c.talos.cni = { name: "cilium", kubeProxyReplacment: false }), "homeops:talos.cni.kubeProxyReplacment", /^unknown key; did you mean `kubeProxyReplacement`\?$/],
    ["Flannel with a Cilium option", (c) => (c.talos.cni = { name: "flannel", kubeProxyReplacement: true }), "homeops:talos.cni.kubeProxyReplacement", /^unknown key$/],
  ])("%s", (_kind, mutate, key, message) => {
    expect(broken(mutate)).toContainEqual({ key, message: expect.stringMatching(message) });
  });

  test("switching the ingress controller is a configuration change only", () => {
    expect(broken((c) => (c.platform.ingressController = "traefik"))).toEqual([]);
  });

  test("with Talos's Flannel the Cilium chart is not needed, and may stay", () => {
    expect(broken((c) => (c.talos.cni = { name: "flannel" }))).toEqual([]);
    expect(broken((c) => { c.talos.cni = { name: "flannel" }; delete c.platform.charts.cilium; })).toEqual([]);
    // A cluster from another kubeconfig brings its own CNI: Flannel on the Talos cluster is then consistent.
    expect(broken((c) => { c.talos.cni = { name: "flannel" }; c.platform.kubeconfig = { path: "~/.kube/config" }; })).toEqual([]);
  });

  test("kube-proxy replacement is on unless turned off", () => {
    const parsed = (cni: unknown) => {
      const config = copy(valid);
      config.talos.cni = cni;
      const result = validateHomelabConfig(config);
      if ("issues" in result) throw new Error(JSON.stringify(result.issues));
      return result.config.talos.cni;
    };
    expect(parsed({ name: "cilium" })).toEqual({ name: "cilium", kubeProxyReplacement: true });
    expect(parsed({ name: "cilium", kubeProxyReplacement: false })).toEqual({ name: "cilium", kubeProxyReplacement: false });
  });
});
