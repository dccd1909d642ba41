/**
 * Cilium as the cluster wants it: native routing, kube-proxy replacement, LB IPAM with L2
 * announcements instead of MetalLB, Gateway API, Hubble. The stack file's keys are refused
 * with their paths when they cannot work together or with the nodes' network; the values are
 * held to the chart's own values schema at the pinned 1.19.3 and the objects to Cilium's CRDs
 * (test/references).
 */
import { ciliumValues, l2AnnouncementRateLimit } from "../../components/kubernetes-platform/charts/cilium";
import { ciliumL2AnnouncementPolicy, ciliumLoadBalancerIpPool, ciliumPoolBlock } from "../../components/kubernetes-platform/manifests";
import { platformSteps } from "../../components/kubernetes-platform/releases";
import { platformSettings, type PlatformCni } from "../../components/kubernetes-platform/settings";
import { validateHomelabConfig } from "../../config/stacks";
import { talosExampleData } from "../homelab-compute/talosExample";
import { configProblems, copy } from "../support/stackConfig";
import { crdValidator, helmValuesValidator, undeclaredValuesKeys } from "./conformance";
import { ciliumClusterData } from "./ciliumCluster";

const problems = (mutate: (config: Record<string, any>) => void) => {
  const config = ciliumClusterData();
  mutate(config);
  return configProblems("homelab", config);
};

/** The settings the platform is given for the Cilium cluster (the config as the program parses it). */
function ciliumSettings(mutate: (config: Record<string, any>) => void = () => {}) {
  const data = ciliumClusterData();
  mutate(data);
  const result = validateHomelabConfig(data);
  if ("issues" in result) throw new Error(JSON.stringify(result.issues));
  return platformSettings(result.config.platform, result.config.domain, result.config.talos.cni);
}

describe("the stack file's Cilium", () => {
  test("native routing, Gateway API, Hubble and Cilium's own load balancing plan without a problem", () => {
    expect(configProblems("homelab", ciliumClusterData())).toEqual([]);
  });

  test.each<[string, (config: Record<string, any>) => void, string, RegExp]>([
    ["MetalLB beside Cilium's LB IPAM", (c) => (c.platform.charts.metallb = { chart: "metallb", repository: "https://metallb.github.io/metallb", version: "0.16.1" }), "homeops:platform.charts.metallb", /^MetalLB would run beside Cilium's LB IPAM/],
    ["L2 announcements without kube-proxy replacement", (c) => ((c.talos.cni.kubeProxyReplacement = false), delete c.talos.cni.gatewayApi), "homeops:platform.loadBalancer.provider", /^cilium needs homeops:talos.cni.kubeProxyReplacement: true/],
    ["an unknown provider", (c) => (c.platform.loadBalancer.provider = "kube-vip"), "homeops:platform.loadBalancer.provider", /^must be metallb or cilium/],
    ["interfaces for MetalLB", (c) => ((c.platform.loadBalancer.provider = "metallb"), (c.platform.charts.metallb = { chart: "metallb", repository: "https://metallb.github.io/metallb", version: "0.16.1" })), "homeops:platform.loadBalancer.interfaces", /^applies to provider cilium/],
    ["no interface expression", (c) => (c.platform.loadBalancer.interfaces = []), "homeops:platform.loadBalancer.interfaces", /./],
    ["a Cilium pool over a Talos node", (c) => c.platform.loadBalancer.addresses.push("192.168.11.60-192.168.11.62"), "homeops:platform.loadBalancer.addresses[2]", /includes 192\.168\.11\.61, the address of Talos node talos-cp-1: Cilium would hand it to a Service/],
    ["a Cilium pool over the API VIP", (c) => c.platform.loadBalancer.addresses.push("192.168.11.60/32"), "homeops:platform.loadBalancer.addresses[2]", /the Kubernetes API VIP: Cilium would hand it/],
    ["a Cilium pool off the nodes' network", (c) => c.platform.loadBalancer.addresses.push("172.22.12.0/24"), "homeops:platform.loadBalancer.addresses[2]", /"172\.22\.12\.0\/24" is not inside the nodes' network 192\.168\.11\.0\/24/],
    ["overlapping Cilium blocks", (c) => c.platform.loadBalancer.addresses.push("192.168.11.95-192.168.11.97"), "homeops:platform.loadBalancer.addresses[2]", /overlaps "192\.168\.11\.90-192\.168\.11\.98" \(addresses\[1\]\): write each address once/],
    ["the ingress address outside the Cilium pool", (c) => (c.platform.loadBalancer.ingressAddress = "192.168.11.89"), "homeops:platform.loadBalancer.ingressAddress", /192\.168\.11\.89 is not in the pool first-pool/],
    ["Cilium's load balancing on a cluster the platform does not install Cilium on", (c) => (c.talos.cni = { name: "flannel" }), "homeops:platform.loadBalancer", /^needs the cilium preset \(the CiliumLoadBalancerIPPool .*\); set homeops:talos.cni to \{name: cilium\}/],
    ["the ingress controller without a load balancer preset", (c) => (c.talos.cni = { name: "flannel" }), "homeops:platform.charts.ingress-nginx", /^ingress-nginx needs the cilium preset \(its LoadBalancer address comes from the load balancer's pool\)/],
    ["a Gateway's address outside the pool", (c) => (c.platform.objects[0].manifest.spec.addresses[0].value = "192.168.11.99"), "homeops:platform.objects[0].manifest.spec.addresses[0].value", /^192\.168\.11\.99 is not in the pool first-pool/],
    ["a Gateway asking for the ingress controller's address", (c) => (c.platform.objects[0].manifest.spec.infrastructure = { annotations: { "lbipam.cilium.io/ips": "192.168.11.90" } }), "homeops:platform.objects[0].manifest.spec.infrastructure.annotations.lbipam.cilium.io/ips", /^192\.168\.11\.90 is asked for by the ingress controller too \(homeops:platform.loadBalancer.ingressAddress\)/],
    ["a LoadBalancer Service with an address that is none", (c) => c.platform.objects.push({ manifest: { apiVersion: "v1", kind: "Service", metadata: { name: "dns", namespace: "gateways" }, spec: { type: "LoadBalancer", loadBalancerIP: "192.168.11" } } }), "homeops:platform.objects[1].manifest.spec.loadBalancerIP", /^"192\.168\.11" is not an IPv4 address$/],
    ["two objects asking for one address", (c) => c.platform.objects.push({ manifest: { apiVersion: "v1", kind: "Service", metadata: { name: "dns", namespace: "gateways", annotations: { "io.cilium/lb-ipam-ips": "192.168.11.91" } }, spec: { type: "LoadBalancer" } } }), "homeops:platform.objects[1].manifest.metadata.annotations.io.cilium/lb-ipam-ips", /^192\.168\.11\.91 is asked for by Gateway gateways\/internal too/],
    ["native routing without its CIDR", (c) => (c.talos.cni.routing = { mode: "native" }), "homeops:talos.cni.routing.podCidr", /is required but not set/],
    ["an unknown routing mode", (c) => (c.talos.cni.routing = { mode: "bgp" }), "homeops:talos.cni.routing.mode", /must be \{mode: tunnel\} or \{mode: native, podCidr/],
    ["a pod CIDR with host bits", (c) => (c.talos.cni.routing.podCidr = "10.244.1.0/16"), "homeops:talos.cni.routing.podCidr", /must be an IPv4 subnet/],
    ["a pod CIDR over the nodes' network", (c) => (c.talos.cni.routing.podCidr = "192.168.0.0/16"), "homeops:talos.cni.routing.podCidr", /overlaps the nodes' network 192\.168\.11\.0\/24/],
    ["a native routing CIDR without the cluster's pod subnet", (c) => (c.talos.podSubnets = ["10.42.0.0/16"]), "homeops:talos.cni.routing.podCidr", /^10\.244\.0\.0\/16 does not contain the cluster's pod subnet 10\.42\.0\.0\/16 \(homeops:talos.podSubnets\[0\]\)/],
    ["a native routing CIDR without Talos's default pod subnet", (c) => (c.talos.cni.routing.podCidr = "10.42.0.0/16"), "homeops:talos.cni.routing.podCidr", /does not contain the cluster's pod subnet 10\.244\.0\.0\/16/],
    ["direct node routes with a node off the nodes' network", (c) => (c.talos.nodes[2].ip = "192.168.12.63"), "homeops:talos.cni.routing.autoDirectNodeRoutes", /^needs every node on the nodes' network 192\.168\.11\.0\/24 \(one L2 segment\), but Talos node talos-cp-3 is at 192\.168\.12\.63/],
    ["a routing option that Cilium names otherwise", (c) => (c.talos.cni.routing.ipv4NativeRoutingCIDR = "10.244.0.0/16"), "homeops:talos.cni.routing.ipv4NativeRoutingCIDR", /^unknown key/],
    ["Gateway API without kube-proxy replacement", (c) => ((c.talos.cni.kubeProxyReplacement = false), (c.platform.loadBalancer.provider = "metallb"), delete c.platform.loadBalancer.interfaces, (c.platform.charts.metallb = { chart: "metallb", repository: "https://metallb.github.io/metallb", version: "0.16.1" })), "homeops:talos.cni.gatewayApi", /^needs kubeProxyReplacement: true/],
    ["a Gateway API version range", (c) => (c.talos.cni.gatewayApi.crdsVersion = "v1.4"), "homeops:talos.cni.gatewayApi.crdsVersion", /must be a Gateway API release like v1\.4\.1/],
    ["Maglev without kube-proxy replacement", (c) => ((c.talos.cni.kubeProxyReplacement = false), delete c.talos.cni.gatewayApi), "homeops:talos.cni.serviceLoadBalancing", /^needs kubeProxyReplacement: true/],
    ["DSR over the tunnel", (c) => delete c.talos.cni.routing, "homeops:talos.cni.serviceLoadBalancing.mode", /^dsr needs routing: \{mode: native\}/],
    ["an unknown load-balancing algorithm", (c) => (c.talos.cni.serviceLoadBalancing.algorithm = "round-robin"), "homeops:talos.cni.serviceLoadBalancing.algorithm", /./],
    ["Hubble's UI without its relay", (c) => (c.talos.cni.hubble = { relay: false, ui: true }), "homeops:talos.cni.hubble.ui", /^needs hubble.relay: true/],
    ["a misspelt Hubble option", (c) => (c.talos.cni.hubble.UI = true), "homeops:talos.cni.hubble.UI", /^unknown key; did you mean `ui`\?$/],
  ])("%s", (_kind, mutate, key, message) => {
    expect(problems(mutate)).toContainEqual({ key, message: expect.stringMatching(message) });
  });

  test("addresses asked of the load balancer: two Services may share one when both say so; without a pool none may be asked", () => {
    const dns = (name: string) => ({ manifest: { apiVersion: "v1", kind: "Service", metadata: { name, namespace: "gateways", annotations: { "lbipam.cilium.io/ips": "192.168.11.92", "lbipam.cilium.io/sharing-key": "dns" } }, spec: { type: "LoadBalancer" } } });
    expect(problems((c) => c.platform.objects.push(dns("dns-tcp"), dns("dns-udp")))).toEqual([]);
    // Without an ingress controller, nothing takes the ingress address: a Gateway may.
    const gatewayAtIngressAddress = (c: Record<string, any>) => (c.platform.objects[0].manifest.spec.addresses[0].value = "192.168.11.90");
    expect(problems(gatewayAtIngressAddress)).toContainEqual(expect.objectContaining({ key: "homeops:platform.objects[0].manifest.spec.addresses[0].value" }));
    const withoutIngress = problems((c) => (gatewayAtIngressAddress(c), delete c.platform.ingressController));
    expect(withoutIngress.filter((issue) => issue.key.startsWith("homeops:platform.objects"))).toEqual([]);
    const withoutPool = problems((c) => {
      delete c.platform.loadBalancer;
      c.platform.objects.push({ manifest: { apiVersion: "v1", kind: "Service", metadata: { name: "dns", namespace: "gateways" }, spec: { type: "LoadBalancer", loadBalancerIP: "192.168.11.92" } } });
    });
    expect(withoutPool).toContainEqual({ key: "homeops:platform.objects[1].manifest.spec.loadBalancerIP", message: "asks the load balancer for 192.168.11.92, but homeops:platform.loadBalancer declares no pool" });
  });

  test("without direct node routes a node may sit on another segment (the router carries the pod routes)", () => {
    const elsewhere = (c: Record<string, any>) => (c.talos.nodes[2].ip = "192.168.12.63");
    expect(problems(elsewhere).filter((issue) => issue.key.startsWith("homeops:talos.cni"))).toHaveLength(1);
    expect(problems((c) => (elsewhere(c), (c.talos.cni.routing.autoDirectNodeRoutes = false))).filter((issue) => issue.key.startsWith("homeops:talos.cni"))).toEqual([]);
  });

  test("MetalLB stays the default: the committed example plans as before, with MetalLB's pool and no Cilium feature", () => {
    const example = talosExampleData();
    expect(configProblems("homelab", example)).toEqual([]);
    const result = validateHomelabConfig(example);
    if ("issues" in result) throw new Error("invalid example");
    expect(result.config.platform.loadBalancer?.provider).toBe("metallb");
    const settings = platformSettings(result.config.platform, result.config.domain, result.config.talos.cni);
    expect(settings.cni).toEqual({ name: "cilium", kubeProxyReplacement: true });
    expect(platformSteps(settings).find((step) => step.step === "address-pool")?.needs).toEqual(["metallb"]);
  });
});

describe("Cilium's values against its chart (values.schema.json of 1.19.3)", () => {
  const validate = helmValuesValidator("cilium");
  const full = ciliumValues(ciliumSettings().cni!, ciliumSettings().loadBalancerPool);
  const plain: PlatformCni = { name: "cilium", kubeProxyReplacement: true };

  test("every value has the chart's type and every key is one the chart declares, with every feature and with none", () => {
    for (const values of [full, ciliumValues(plain), ciliumValues({ ...plain, kubeProxyReplacement: false })]) {
      expect(validate(values)).toEqual([]);
      expect(undeclaredValuesKeys("cilium", values)).toEqual([]);
    }
  });

  test("a key the chart does not declare and a wrong type are caught", () => {
    expect(undeclaredValuesKeys("cilium", { ...full, gatewayApi: { enabled: true }, hubble: { ...full.hubble, relay: { enable: true } } }).sort()).toEqual([".gatewayApi", ".hubble.relay.enable"]);
    expect(validate({ ...full, routingMode: 1 })).toContainEqual(expect.stringContaining("/routingMode must be string"));
  });

  test("Maglev and DSR for the eBPF service load balancing, only when asked for", () => {
    expect(full.loadBalancer).toEqual({ algorithm: "maglev", mode: "dsr" });
    expect(ciliumValues(plain)).not.toHaveProperty("loadBalancer");
    // Keys the templates read that values.yaml leaves commented are allowed by name only.
    expect(undeclaredValuesKeys("cilium", { ...full, loadBalancer: { algorithm: "maglev", modes: "dsr" } })).toEqual([".loadBalancer.modes"]);
  });

  test("native routing: the pod CIDR routed without masquerading, with direct node routes", () => {
    expect(full).toMatchObject({ routingMode: "native", ipv4NativeRoutingCIDR: "10.244.0.0/16", autoDirectNodeRoutes: true });
    expect(ciliumValues(plain)).toMatchObject({ routingMode: "tunnel" });
    expect(ciliumValues(plain)).not.toHaveProperty("ipv4NativeRoutingCIDR");
    expect(ciliumValues(plain)).not.toHaveProperty("autoDirectNodeRoutes");
  });

  test("LB IPAM with L2 announcements: announcing on, the agent's client budget sized for the pool", () => {
    // The example's pool: 192.168.11.88/32 and .90-.98, ten addresses: 10 + ceil(10 / 5 s) = 12 QPS.
    expect(full).toMatchObject({ l2announcements: { enabled: true }, k8sClientRateLimit: { qps: 12, burst: 24 } });
    expect(ciliumValues(plain)).toMatchObject({ l2announcements: { enabled: false } });
    expect(ciliumValues(plain)).not.toHaveProperty("k8sClientRateLimit");
    // A whole /24 (256 addresses): 10 + ceil(256 / 5) = 62.
    expect(l2AnnouncementRateLimit(["172.22.12.0/24"])).toEqual({ qps: 62, burst: 124 });
  });

  test("Gateway API on; Hubble with its relay and UI, certificates from the in-cluster certgen Job, every container limited", () => {
    // The GatewayClass is made whether or not the cluster serves the Gateway API when the chart is rendered.
    expect(full.gatewayAPI).toEqual({ enabled: true, gatewayClass: { create: "true" } });
    expect(ciliumValues(plain).gatewayAPI).toEqual({ enabled: false });
    expect(full.hubble).toMatchObject({ enabled: true, tls: { auto: { enabled: true, method: "cronJob" } }, relay: { enabled: true }, ui: { enabled: true } });
    const hubble = full.hubble as Extract<typeof full.hubble, { enabled: true }>;
    const limits = [hubble.relay.resources, hubble.ui.frontend?.resources, hubble.ui.backend?.resources, full.certgen?.resources].map((resources) => resources?.limits.memory);
    expect(limits).toEqual(["256Mi", "128Mi", "256Mi", "128Mi"]);
    expect(ciliumValues(plain).hubble).toEqual({ enabled: false });
    expect(ciliumValues(plain)).not.toHaveProperty("certgen");
  });
});

describe("Cilium's LB IPAM objects against its CRDs", () => {
  const settings = ciliumSettings();

  test("the pool and the L2 announcement policy are valid CiliumLoadBalancerIPPool (v2) and CiliumL2AnnouncementPolicy (v2alpha1)", () => {
    const pool = ciliumLoadBalancerIpPool(settings);
    const policy = ciliumL2AnnouncementPolicy(settings);
    expect(crdValidator("cilium.io", "ciliumloadbalancerippool_v2")(pool)).toEqual([]);
    expect(crdValidator("cilium.io", "ciliuml2announcementpolicy_v2alpha1")(policy)).toEqual([]);
    expect(pool).toEqual({
      apiVersion: "cilium.io/v2",
      kind: "CiliumLoadBalancerIPPool",
      metadata: { name: "first-pool" },
      spec: { blocks: [{ cidr: "192.168.11.88/32" }, { start: "192.168.11.90", stop: "192.168.11.98" }] },
    });
    expect(policy.spec).toEqual({ loadBalancerIPs: true, interfaces: ["^eth[0-9]+$"] });
    // Without interfaces, every interface announces.
    expect(ciliumL2AnnouncementPolicy(ciliumSettings((c) => delete c.platform.loadBalancer.interfaces)).spec).toEqual({ loadBalancerIPs: true });
  });

  test("the CRD schemas refuse a block written as MetalLB writes it", () => {
    const pool = { ...ciliumLoadBalancerIpPool(settings), spec: { blocks: ["192.168.11.90-192.168.11.98"] } };
    expect(crdValidator("cilium.io", "ciliumloadbalancerippool_v2")(pool)).toContainEqual(expect.stringContaining("/spec/blocks/0 must be object"));
    expect(ciliumPoolBlock("10.0.50.100-10.0.50.102")).toEqual({ start: "10.0.50.100", stop: "10.0.50.102" });
  });

  test("the ingress controller asks Cilium for its address; MetalLB is neither installed nor asked", () => {
    const steps = platformSteps(settings);
    const names = steps.map((step) => step.step);
    expect(names).not.toContain("metallb");
    expect(steps.find((step) => step.step === "address-pool")?.needs).toEqual(["cilium"]);
    expect(names.indexOf("address-pool")).toBeLessThan(names.indexOf("ingress-nginx"));
    const nginx = steps.find((step) => step.step === "ingress-nginx") as { values: { controller: { service: { annotations: Record<string, string> } } } };
    expect(nginx.values.controller.service.annotations).toEqual({ "lbipam.cilium.io/ips": "192.168.11.90" });
  });

  test("the Gateway API's CRDs come first, and Cilium waits for them", () => {
    const steps = platformSteps(settings);
    expect(steps[0]).toEqual({ kind: "config", step: "gateway-api-crds", needs: [] });
    expect(steps[1]).toMatchObject({ step: "cilium", needs: ["gateway-api-crds"] });
    expect(platformSteps(ciliumSettings((c) => delete c.talos.cni.gatewayApi)).map((step) => step.step)).not.toContain("gateway-api-crds");
  });
});

test("the committed example's Cilium keeps its values (kube-proxy replacement through KubePrism, tunnel, no Hubble)", () => {
  const example = copy(talosExampleData());
  const result = validateHomelabConfig(example);
  if ("issues" in result) throw new Error("invalid example");
  const settings = platformSettings(result.config.platform, result.config.domain, result.config.talos.cni);
  expect(ciliumValues(settings.cni!, settings.loadBalancerPool)).toMatchObject({
    kubeProxyReplacement: true,
    k8sServiceHost: "localhost",
    k8sServicePort: 7445,
    routingMode: "tunnel",
    l2announcements: { enabled: false },
    gatewayAPI: { enabled: false },
    hubble: { enabled: false },
  });
});
