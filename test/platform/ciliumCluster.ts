import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { TALOS_EXAMPLE_FILE, talosExampleData } from "../homelab-compute/talosExample";

/**
 * The Talos-on-Proxmox example as the seeds' clusters run Cilium (001's native routing, Gateway
 * API and Hubble, 003's LB IPAM, Maglev and DSR): `homeops:talos.cni` with every feature, Cilium's LB IPAM with
 * L2 announcements instead of MetalLB (its chart and its speaker's allowance gone), a Gateway
 * at an address of the pool, and the allowances Hubble's workloads in kube-system need. Raw,
 * as a stack file gives it.
 */
export function ciliumClusterData(): Record<string, any> {
  const config = talosExampleData();
  config.talos.cni = {
    name: "cilium",
    kubeProxyReplacement: true,
    routing: { mode: "native", podCidr: "10.244.0.0/16" },
    gatewayApi: { crdsVersion: "v1.4.1" },
    hubble: { relay: true, ui: true },
    serviceLoadBalancing: { algorithm: "maglev", mode: "dsr" },
  };
  const { platform } = config;
  platform.loadBalancer = { ...platform.loadBalancer, provider: "cilium", interfaces: ["^eth[0-9]+$"] };
  delete platform.charts.metallb;
  platform.policyAllowances.hostNetwork = platform.policyAllowances.hostNetwork.filter((workload: string) => !workload.startsWith("metallb-system/"));
  // Seed 001's internal gateway, served by Cilium's Gateway API at an address of the pool.
  platform.namespaces = { ...platform.namespaces, gateways: { podSecurity: "restricted" } };
  platform.objects = [
    ...(platform.objects ?? []),
    {
      manifest: {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "Gateway",
        metadata: { name: "internal", namespace: "gateways" },
        spec: { gatewayClassName: "cilium", addresses: [{ type: "IPAddress", value: "192.168.11.91" }], listeners: [{ name: "http", port: 80, protocol: "HTTP" }] },
      },
      needs: ["cilium"],
    },
  ];
  platform.policyAllowances.unfencedWorkloads.push(
    { workload: "kube-system/hubble-relay", reason: "Hubble's relay, in Talos's kube-system beside the agents it reads" },
    { workload: "kube-system/hubble-ui", reason: "Hubble's UI, reached with kubectl port-forward" },
    { workload: "kube-system/hubble-generate-certs", reason: "the certgen CronJob that renews Hubble's certificates" },
  );
  return config;
}

/** The same as a stack settings file (its YAML document with the `homeops:` keys). */
export function ciliumClusterStackFile(): Record<string, any> {
  const settings = parse(readFileSync(TALOS_EXAMPLE_FILE, "utf8"));
  settings.config = Object.fromEntries(Object.entries(ciliumClusterData()).map(([key, value]) => [`homeops:${key}`, value]));
  return settings;
}
