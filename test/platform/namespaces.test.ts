import { platformNamespaces, podSecurityLabels } from "../../components/kubernetes-platform/namespaces";
import { defaultDenyPolicy, networkPolicies, type NamespaceAccess } from "../../components/kubernetes-platform/networkAccess";
import { isDefaultDeny, selectorMatches } from "../../policy/kubernetes-network-policies";
import { kubernetesValidator } from "./conformance";
import { presetSettings } from "./settings";

const settings = presetSettings();
const plans = platformNamespaces(settings);
const plan = (name: string) => plans.find((candidate) => candidate.name === name)!;

describe("Pod Security", () => {
  test("metallb-system, ingress-nginx and rook-ceph are privileged (spec); the others no more than they need", () => {
    expect(Object.fromEntries(plans.map((namespace) => [namespace.name, namespace.podSecurity]))).toEqual({
      "cert-manager": "restricted",
      "metallb-system": "privileged",
      "ingress-nginx": "privileged",
      "rook-ceph": "privileged",
      monitoring: "privileged",
      argocd: "restricted",
      pangolin: "baseline",
    });
    for (const namespace of plans.filter((candidate) => candidate.podSecurity !== "restricted")) expect(namespace.podSecurityReason).toBeTruthy();
  });

  test("the labels enforce the level and warn and audit at it", () => {
    expect(podSecurityLabels("baseline")).toEqual({
      "pod-security.kubernetes.io/enforce": "baseline",
      "pod-security.kubernetes.io/audit": "baseline",
      "pod-security.kubernetes.io/warn": "baseline",
    });
  });
});

describe("NetworkPolicies", () => {
  const all = plans.flatMap((namespace) => networkPolicies(namespace.name, namespace.access));

  test("every namespace starts from a default deny the policy pack recognises, and no allowance is one", () => {
    for (const namespace of plans) {
      const policies = networkPolicies(namespace.name, namespace.access);
      expect(policies[0]).toEqual(defaultDenyPolicy(namespace.name));
      expect(policies.filter((policy) => isDefaultDeny(policy.spec)).map((policy) => policy.metadata.name)).toEqual(["default-deny"]);
    }
  });

  test("every policy is a valid NetworkPolicy and says why it exists", () => {
    const validate = kubernetesValidator("io.k8s.api.networking.v1.NetworkPolicy");
    for (const policy of all) {
      expect({ policy: policy.metadata.name, problems: validate(policy) }).toEqual({ policy: policy.metadata.name, problems: [] });
      expect(policy.metadata.annotations?.["homeops.io/why"]).toBeTruthy();
    }
  });

  test("a duplicate allowance name is refused", () => {
    const twice: NamespaceAccess = { ingress: [{ name: "x", why: "a", peers: [{ sameNamespace: true }] }], egress: [{ name: "x", why: "b", peers: [{ sameNamespace: true }] }] };
    expect(() => networkPolicies("demo", twice)).toThrow("namespace demo declares the NetworkPolicy allow-x twice");
  });

  test("every namespace resolves cluster DNS; only its pods' real peers are opened", () => {
    for (const namespace of plans) expect(namespace.access.egress.map((allow) => allow.name)).toContain("dns");
    const dns = networkPolicies("monitoring", plan("monitoring").access).find((policy) => policy.metadata.name === "allow-dns")!;
    const [peer] = (dns.spec.egress![0] as { to: Record<string, unknown>[] }).to;
    expect(selectorMatches(peer.podSelector, { "k8s-app": "kube-dns" })).toBe(true);
    expect(selectorMatches(peer.namespaceSelector, { "kubernetes.io/metadata.name": "kube-system" })).toBe(true);
  });

  test("the ingress controller and its backends open the same ports to each other", () => {
    const egress = plan("ingress-nginx").access.egress.filter((allow) => allow.name.startsWith("to-"));
    for (const allow of egress) {
      const backend = plan((allow.peers[0] as { namespace: string }).namespace);
      const ingress = backend.access.ingress.find((candidate) => candidate.name === "from-ingress-controller")!;
      expect(ingress.peers).toEqual([{ namespace: "ingress-nginx" }]);
      expect(ingress.ports).toEqual(allow.ports);
    }
    expect(egress.map((allow) => allow.peers)).toEqual([[{ namespace: "monitoring" }], [{ namespace: "argocd" }]]);
  });

  test("with Traefik, its namespace and container ports replace ingress-nginx's", () => {
    const traefik = platformNamespaces(presetSettings("traefik"));
    expect(traefik.map((namespace) => namespace.name)).toContain("traefik");
    expect(traefik.map((namespace) => namespace.name)).not.toContain("ingress-nginx");
    const web = traefik.find((namespace) => namespace.name === "traefik")!.access.ingress[0];
    expect(web.ports).toEqual([{ port: 8000 }, { port: 8443 }]);
    const monitoring = traefik.find((namespace) => namespace.name === "monitoring")!;
    expect(monitoring.access.ingress.find((allow) => allow.name === "from-ingress-controller")!.peers).toEqual([{ namespace: "traefik" }]);
  });

  test("every namespace whose pods talk to the API server may, at the control planes' :6443 on the nodes' network", () => {
    // Newt's pod only dials out to Pangolin; everything else runs a controller, operator or Prometheus.
    for (const namespace of plans.filter((candidate) => candidate.name !== "pangolin")) {
      expect({ namespace: namespace.name, api: namespace.access.egress.find((allow) => allow.name === "kube-api") }).toEqual({
        namespace: namespace.name,
        api: expect.objectContaining({ peers: [{ cidr: "192.168.11.0/24" }], ports: [{ port: 6443 }] }),
      });
    }
  });

  test("Prometheus scrapes kube-proxy only where it runs", () => {
    const scrapePorts = (cni: Parameters<typeof presetSettings>[1]) =>
      platformNamespaces(presetSettings(undefined, cni)).find((namespace) => namespace.name === "monitoring")!.access.egress.find((allow) => allow.name === "scrape-nodes")!.ports!.map((range) => range.port);
    expect(scrapePorts({ name: "cilium", kubeProxyReplacement: true })).not.toContain(10249);
    expect(scrapePorts({ name: "cilium", kubeProxyReplacement: false })).toContain(10249);
    expect(scrapePorts({ name: "flannel" })).toContain(10249);
  });

  test("the monitoring namespace reaches the object store at its address only, on its port", () => {
    const store = plan("monitoring").access.egress.find((allow) => allow.name === "object-store")!;
    expect(store).toMatchObject({ peers: [{ cidr: "192.168.11.133/32" }], ports: [{ port: 8333 }] });
  });
});
