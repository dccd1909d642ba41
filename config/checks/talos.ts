import type { ConfigIssue } from "../errors";
import { addressRangeBounds } from "../ipv4";
import type { ProxmoxSettings } from "../proxmox";
import { clusterLan, isVmNode, TALOS_MINIMUM, talosVmShape, type TalosClusterSpec, type TalosSpec } from "../talos";
import { kubernetesSupportIssue } from "../talosSupport";

const TALOS = "homeops:talos";

/** The release line whose config contract components/talos generates (documents, fields). */
const GENERATED_CONTRACT_MINOR = "1.13";

/**
 * The Talos rules beyond Proxmox (config/checks/proxmox.ts places the VMs and claims the
 * addresses): versions against Talos's support matrix, the cluster's pod and service subnets,
 * and what a control plane needs.
 */
export function checkTalosCluster(talos: TalosSpec, proxmox: ProxmoxSettings | undefined): ConfigIssue[] {
  if (talos.manager === "omni") return versionIssues(talos.talosVersion, talos.kubernetesVersion, `${TALOS}.kubernetesVersion`);
  return [...homeopsVersionIssues(talos), ...subnetIssues(talos, proxmox), ...controlPlaneSizeIssues(talos), ...macAddressIssues(talos)];
}

function versionIssues(talosVersion: string, kubernetesVersion: string, key: string): ConfigIssue[] {
  const issue = kubernetesSupportIssue(talosVersion, kubernetesVersion);
  return issue ? [{ key, message: issue }] : [];
}

/** The cluster's release and every pinned one must run its Kubernetes and take the generated configs. */
function homeopsVersionIssues(talos: TalosClusterSpec): ConfigIssue[] {
  const releases = [
    { key: `${TALOS}.talosVersion`, version: talos.talosVersion },
    ...talos.nodes.flatMap((node, index) => (node.talosVersion ? [{ key: `${TALOS}.nodes[${index}].talosVersion`, version: node.talosVersion }] : [])),
  ];
  const reported = new Set<string>();
  return releases.flatMap(({ key, version }) => {
    const minor = version.replace(/^v/, "").split(".").slice(0, 2).join(".");
    if (minor !== GENERATED_CONTRACT_MINOR) {
      return [{ key, message: `${version}: the program generates machine configs for the Talos v${GENERATED_CONTRACT_MINOR} config contract only; use a v${GENERATED_CONTRACT_MINOR}.x release` }];
    }
    // Reported once per rule, not once per node pinned to a release of the same line.
    const issue = kubernetesSupportIssue(version, talos.kubernetesVersion)?.replace(/ v\d+\.\d+\.\d+ /, ` v${minor} `);
    if (issue === undefined || reported.has(issue)) return [];
    reported.add(issue);
    return [{ key: `${TALOS}.kubernetesVersion`, message: issue }];
  });
}

/** Pods, Services and nodes need address ranges of their own: an overlap makes routes ambiguous. */
function subnetIssues(talos: TalosClusterSpec, proxmox: ProxmoxSettings | undefined): ConfigIssue[] {
  const nodeNetwork = clusterLan(talos, proxmox);
  const nodeNetworkKey = typeof talos.network === "string" ? `homeops:proxmox.networks.${talos.network}.subnet` : `${TALOS}.network.subnet`;
  const nodeNetworkName = typeof talos.network === "string" ? `the nodes' network ${talos.network}` : "the nodes' network";
  const ranges: { key: string; cidr: string; what: string }[] = [
    ...talos.podSubnets.map((cidr, index) => ({ key: `${TALOS}.podSubnets[${index}]`, cidr, what: "the pod subnet" })),
    ...talos.serviceSubnets.map((cidr, index) => ({ key: `${TALOS}.serviceSubnets[${index}]`, cidr, what: "the service subnet" })),
  ];
  const others = [...ranges, ...(nodeNetwork ? [{ key: nodeNetworkKey, cidr: nodeNetwork.subnet, what: nodeNetworkName }] : [])];
  return ranges.flatMap((range, index) =>
    others
      .slice(index + 1)
      .filter((other) => overlaps(range.cidr, other.cidr))
      .map((other) => ({ key: range.key, message: `${range.cidr} overlaps ${other.what} ${other.cidr}` })),
  );
}

function overlaps(a: string, b: string): boolean {
  const [first, second] = [addressRangeBounds(a)!, addressRangeBounds(b)!];
  return first.first <= second.last && second.first <= first.last;
}

/** A role's or a node's VM size may go below the cluster's, but not below what a control plane runs on. */
function controlPlaneSizeIssues(talos: TalosClusterSpec): ConfigIssue[] {
  const minimum = TALOS_MINIMUM.controlplane;
  return talos.nodes.flatMap((node, index) => {
    if (node.role !== "controlplane" || !isVmNode(node) || talos.vm === undefined) return [];
    const shape = talosVmShape(talos, node);
    return [
      ...(shape.cores < minimum.cores ? [{ key: `${TALOS}.nodes[${index}]`, message: `a control plane needs at least ${minimum.cores} cores, its VM has ${shape.cores}` }] : []),
      ...(shape.memoryMb < minimum.memoryMb ? [{ key: `${TALOS}.nodes[${index}]`, message: `a control plane needs at least ${minimum.memoryMb} MB, its VM has ${shape.memoryMb}` }] : []),
    ];
  });
}

/** Each bare-metal node's address goes on the NIC with its MAC: two nodes cannot share one. */
function macAddressIssues(talos: TalosClusterSpec): ConfigIssue[] {
  const first = new Map<string, number>();
  return talos.nodes.flatMap((node, index) => {
    const mac = node.bareMetal?.macAddress;
    if (mac === undefined) return [];
    const earlier = first.get(mac);
    if (earlier === undefined) {
      first.set(mac, index);
      return [];
    }
    return [{ key: `${TALOS}.nodes[${index}].bareMetal.macAddress`, message: `${mac} is already the NIC of ${TALOS}.nodes[${earlier}]` }];
  });
}
