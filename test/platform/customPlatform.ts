/**
 * A platform of custom releases only, as another homelab would write it: no Ceph, no Loki,
 * no Argo CD, but cert-manager, external-dns, Flux and an application with their namespaces,
 * values, secrets and waits. Cilium, the CNI of the Talos cluster of the example it is planned
 * with (test/homelab-compute/Pulumi.talos-on-proxmox.yaml), is the one preset.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { TALOS_EXAMPLE_FILE } from "../homelab-compute/talosExample";

export const CUSTOM_PLATFORM = {
  kubeconfig: "talos",
  nodeCidr: "192.168.11.0/24",
  namespaces: {
    "cert-manager": { podSecurity: "restricted", ingress: [{ name: "webhook", why: "The API server calls the webhook.", peers: [{ cidr: "192.168.11.0/24" }], ports: [{ port: 10250 }] }], egress: ["dns", "kube-api", { name: "acme", why: "Let's Encrypt and the DNS API.", peers: [{ internet: true }], ports: [{ port: 443 }] }] },
    "external-dns": { podSecurity: "restricted", egress: ["dns", "kube-api", { name: "cloudflare", why: "Cloudflare's API.", peers: [{ internet: true }], ports: [{ port: 443 }] }] },
    "flux-system": { podSecurity: "restricted", ingress: ["within-namespace"], egress: ["dns", "kube-api", "within-namespace", { name: "git", why: "Git and Helm sources.", peers: [{ internet: true }], ports: [{ port: 443 }, { port: 22 }] }] },
    podinfo: { podSecurity: "restricted", ingress: ["within-namespace"], egress: ["dns"] },
  },
  releases: {
    "cert-manager": { chart: "cert-manager", repository: "https://charts.jetstack.io", version: "v1.21.1", namespace: "cert-manager", values: { crds: { enabled: true, keep: true } }, memoryDefault: { limit: "256Mi", request: "64Mi" } },
    "external-dns": {
      chart: "external-dns",
      repository: "https://kubernetes-sigs.github.io/external-dns",
      version: "1.19.0",
      namespace: "external-dns",
      values: { provider: { name: "cloudflare" }, env: [{ name: "CF_API_TOKEN" }], resources: { limits: { memory: "128Mi" } } },
      secretValues: [{ path: "env.0.value", value: { configSecret: "externalDnsCloudflareToken" } }],
    },
    flux: { chart: "flux2", repository: "https://fluxcd-community.github.io/helm-charts", version: "2.17.0", releaseName: "flux", namespace: "flux-system", memoryDefault: { limit: "512Mi" } },
    podinfo: { chart: "podinfo", repository: "oci://ghcr.io/stefanprodan/charts", version: "6.9.2", namespace: "podinfo", needs: ["cert-manager", "Certificate/podinfo/podinfo-tls"], values: { resources: { limits: { memory: "64Mi" } } } },
  },
  secrets: [{ name: "cloudflare-api-token", namespace: "cert-manager", data: { "api-token": { configSecret: "certManagerCloudflareToken" } } }],
  objects: [
    {
      manifest: { apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: "letsencrypt" }, spec: { acme: { server: "https://acme-v02.api.letsencrypt.org/directory", privateKeySecretRef: { name: "letsencrypt" }, solvers: [{ dns01: { cloudflare: { apiTokenSecretRef: { name: "cloudflare-api-token", key: "api-token" } } } }] } } },
      needs: ["cert-manager"],
    },
    {
      manifest: { apiVersion: "cert-manager.io/v1", kind: "Certificate", metadata: { name: "podinfo-tls", namespace: "podinfo" }, spec: { secretName: "podinfo-tls", dnsNames: ["podinfo.example.com"], issuerRef: { kind: "ClusterIssuer", name: "letsencrypt" } } },
      needs: ["ClusterIssuer/letsencrypt"],
    },
  ],
  // Cilium, the Talos cluster's CNI, stays the one preset (homeops:talos.cni is cilium).
  charts: { cilium: { chart: "cilium", repository: "https://helm.cilium.io", version: "1.19.3" } },
  policyAllowances: stackPolicyAllowances(),
};

/** The Talos-on-Proxmox example's Cilium allowances: the CNI preset is the same. */
function stackPolicyAllowances() {
  const committed = parse(readFileSync(TALOS_EXAMPLE_FILE, "utf8")).config["homeops:platform"].policyAllowances;
  const cilium = (name: string) => name.startsWith("kube-system/cilium");
  return {
    hostNetwork: committed.hostNetwork.filter(cilium),
    unfencedWorkloads: committed.unfencedWorkloads.filter(({ workload }: { workload: string }) => cilium(workload)),
  };
}

