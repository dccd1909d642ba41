import { isIPv4 } from "node:net";
import type { ConfigIssue } from "../errors";
import { addressRangeBounds, ipv4ToNumber } from "../ipv4";
import { INGRESS_CONTROLLERS, PLATFORM_RELEASES, platformInstallsCni, platformSecretRefs, type PlatformRelease, type PlatformSpec } from "../platform";
import type { ClusterCni } from "../talos";

const KEY = "homeops:platform";

/** An address something else on the LAN already holds. */
export interface ReservedAddress {
  address: string;
  /** Says who holds it, e.g. "Docker host nvr". */
  owner: string;
}

export interface PlatformCheckContext {
  generatedSecrets: Record<string, unknown>;
  /** Addresses MetalLB must never hand out: hosts, cluster nodes, the API VIP. */
  reservedAddresses: ReservedAddress[];
  /** The CNI of the Talos cluster this stack builds (`homeops:talos.cni`), when it builds one. */
  clusterCni?: ClusterCni;
}

/** Cross-field checks of the platform settings. */
export function checkPlatform(platform: PlatformSpec, context: PlatformCheckContext): ConfigIssue[] {
  const installsCni = platformInstallsCni(platform, context.clusterCni);
  const issues = [
    ...checkCharts(platform, installsCni),
    ...checkClusterCni(platform, context.clusterCni),
    ...checkLoadBalancer(platform, context.reservedAddresses),
    ...checkGeneratedSecrets(platform, context.generatedSecrets),
  ];
  if (platform.kubeconfig === "talos" && platform.kubeContext !== undefined) {
    issues.push({ key: `${KEY}.kubeContext`, message: "applies to a kubeconfig secret or file; the Talos cluster's kubeconfig has one context" });
  }
  return issues;
}

/** The releases this configuration installs: Cilium when the platform installs the CNI, and every other one but the ingress controller not chosen. */
export function releasesToInstall(ingressController: PlatformSpec["ingressController"], installsCni = false): PlatformRelease[] {
  return PLATFORM_RELEASES.filter((release) => {
    if (release === "cilium") return installsCni;
    return !(INGRESS_CONTROLLERS as readonly string[]).includes(release) || release === ingressController;
  });
}

function checkCharts(platform: PlatformSpec, installsCni: boolean): ConfigIssue[] {
  return releasesToInstall(platform.ingressController, installsCni)
    .filter((release) => !platform.charts[release])
    .map((release) => ({
      key: `${KEY}.charts.${release}`,
      message:
        release === "cilium"
          ? "is required: homeops:talos.cni is cilium, so the platform installs Cilium as the cluster's CNI; give its chart, repository and pinned version"
          : `is required: the chart, repository and pinned version of the ${release} release`,
    }));
}

/** A Talos cluster told to leave the CNI to the platform must get it from this platform. */
function checkClusterCni(platform: PlatformSpec, clusterCni: ClusterCni | undefined): ConfigIssue[] {
  if (clusterCni?.name !== "cilium" || platform.kubeconfig === "talos") return [];
  return [
    {
      key: `${KEY}.kubeconfig`,
      message:
        "points at another cluster, but homeops:talos.cni is cilium, which this platform installs only on the Talos cluster: " +
        "that cluster would have no CNI and its nodes would stay NotReady; use kubeconfig: talos, or cni: {name: flannel}",
    },
  ];
}

function checkLoadBalancer(platform: PlatformSpec, reserved: ReservedAddress[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { addresses, ingressAddress } = platform.loadBalancer;
  const nodes = addressRangeBounds(platform.nodeCidr);
  const within = (address: number) => nodes !== undefined && address >= nodes.first && address <= nodes.last;
  const ranges = addresses.map((range, index) => ({ range, index, bounds: addressRangeBounds(range) }));
  for (const { range, index, bounds } of ranges) {
    const key = `${KEY}.loadBalancer.addresses[${index}]`;
    if (!bounds) continue; // the schema refuses it
    // L2 mode answers ARP for pool addresses: they must be on the nodes' own segment.
    if (!within(bounds.first) || !within(bounds.last)) issues.push({ key, message: `"${range}" is not inside the nodes' network ${platform.nodeCidr}` });
    for (const { address, owner } of reserved) {
      const value = ipv4ToNumber(address);
      if (value >= bounds.first && value <= bounds.last) {
        issues.push({ key, message: `includes ${address}, the address of ${owner}: MetalLB would hand it to a Service and both would answer ARP for it` });
      }
    }
  }
  ranges.forEach(({ range, index, bounds }) => {
    const earlier = ranges.slice(0, index).find((other) => bounds && other.bounds && bounds.first <= other.bounds.last && other.bounds.first <= bounds.last);
    if (earlier) issues.push({ key: `${KEY}.loadBalancer.addresses[${index}]`, message: `"${range}" overlaps "${earlier.range}" (addresses[${earlier.index}]): MetalLB refuses a pool with overlapping ranges` });
  });
  const ingress = ipv4ToNumber(ingressAddress);
  if (!ranges.some(({ bounds }) => bounds && ingress >= bounds.first && ingress <= bounds.last)) {
    issues.push({ key: `${KEY}.loadBalancer.ingressAddress`, message: `${ingressAddress} is not in the pool ${platform.loadBalancer.poolName} (${addresses.join(", ")})` });
  }
  return issues;
}

function checkGeneratedSecrets(platform: PlatformSpec, generated: Record<string, unknown>): ConfigIssue[] {
  return platformSecretRefs(platform)
    .filter(({ ref }) => "generated" in ref && !(ref.generated in generated))
    .map(({ path, ref }) => ({ key: `${KEY}.${path}`, message: `generated secret "${"generated" in ref ? ref.generated : ""}" is not declared in homeops:generatedSecrets` }));
}

/** What the rest of the homelab's configuration says holds an address on the LAN. */
export interface AddressHolders {
  dockerHosts: Record<string, { address: string }>;
  proxmox: { nodes: Record<string, { address: string }> };
  talos: { vip: string; nodes: { name: string; ip: string }[] };
}

export function reservedAddresses(holders: AddressHolders): ReservedAddress[] {
  return [
    ...Object.entries(holders.dockerHosts).filter(([, host]) => isIPv4(host.address)).map(([name, host]) => ({ address: host.address, owner: `Docker host ${name}` })),
    ...Object.entries(holders.proxmox.nodes).map(([name, node]) => ({ address: node.address, owner: `Proxmox node ${name}` })),
    ...holders.talos.nodes.map((node) => ({ address: node.ip, owner: `Talos node ${node.name}` })),
    { address: holders.talos.vip, owner: "the Kubernetes API VIP" },
  ];
}
