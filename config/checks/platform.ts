import { isIPv4 } from "node:net";
import type { ConfigIssue } from "../errors";
import { addressRangeBounds, ipv4ToNumber } from "../ipv4";
import {
  ADDRESS_ANNOTATIONS,
  DEPRECATED_CILIUM_ADDRESS_ANNOTATION,
  installedPresets,
  loadBalancerPreset,
  SHARED_ADDRESS_ANNOTATIONS,
  platformCni,
  PRESET_NAMESPACES,
  PRESET_REQUIREMENTS,
  platformSecretRefs,
  SETTINGS_NEED_PRESET,
  type PlatformRelease,
  type PlatformSpec,
  type PresetSettingsKey,
} from "../platform";
import { findCycle } from "../../model/order";
import { clusterObjectKey, readValuesFile } from "../platformReleases";
import type { ClusterCni, TalosSpec } from "../talos";

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
  /** The addresses of that cluster's nodes (and its API VIP). */
  clusterAddresses?: ReservedAddress[];
  /** That cluster's pod subnets (`homeops:talos.podSubnets`), when the stack builds it. */
  clusterPodSubnets?: string[];
}

/** Cross-field checks of the platform settings. */
export function checkPlatform(platform: PlatformSpec, context: PlatformCheckContext): ConfigIssue[] {
  const cni = platformCni(platform, context.clusterCni);
  const installsCilium = cni?.name === "cilium";
  const issues = [
    ...checkCharts(platform, installsCilium),
    ...checkPresetRequirements(platform, installsCilium, context.clusterCni),
    ...checkClusterCni(platform, context.clusterCni),
    ...(platform.loadBalancer ? checkLoadBalancer(platform.loadBalancer, platform.nodeCidr, context.reservedAddresses) : []),
    ...checkCiliumLoadBalancer(platform, cni),
    ...(cni?.name === "cilium" ? checkCiliumOptions(cni, platform.nodeCidr, context.clusterAddresses ?? [], context.clusterPodSubnets ?? []) : []),
    ...(cni?.name === "custom" ? checkCniRelease(platform, cni.release) : []),
    ...checkAddressPoolObjects(platform, context.reservedAddresses),
    ...checkRequestedAddresses(platform),
    ...checkCustomPlatform(platform, installsCilium),
    ...checkGeneratedSecrets(platform, context.generatedSecrets),
  ];
  if (platform.kubeconfig === "talos" && platform.kubeContext !== undefined) {
    issues.push({ key: `${KEY}.kubeContext`, message: "applies to a kubeconfig secret or file; the Talos cluster's kubeconfig has one context" });
  }
  return issues;
}

function checkCharts(platform: PlatformSpec, installsCilium: boolean): ConfigIssue[] {
  return installedPresets(platform, installsCilium)
    .filter((release) => !platform.charts[release])
    .map((release) => ({
      key: `${KEY}.charts.${release}`,
      message:
        release === "cilium"
          ? "is required: homeops:talos.cni is cilium, so the platform installs Cilium as the cluster's CNI; give its chart, repository and pinned version"
          : `is required: ingressController is ${release}; give the chart, repository and pinned version of the ${release} release`,
    }));
}

/** Each installed preset's presets and settings, and each preset-bound settings block's preset, or an issue naming both. */
function checkPresetRequirements(platform: PlatformSpec, installsCilium: boolean, clusterCni: ClusterCni | undefined): ConfigIssue[] {
  const installed = installedPresets(platform, installsCilium);
  const issues: ConfigIssue[] = [];
  for (const preset of installed) {
    const { presets, settings, why } = PRESET_REQUIREMENTS[preset];
    const key = `${KEY}.charts.${preset}`;
    for (const needed of presets) {
      if (needed === "ingress") {
        if (!platform.ingressController) issues.push({ key, message: `${preset} needs an ingress controller (${why}); set homeops:platform.ingressController` });
      } else if (needed === "load-balancer") {
        // Without the settings block, the settings check below names it; with it, its provider's preset.
        const provider = platform.loadBalancer && loadBalancerPreset(platform.loadBalancer.provider).preset;
        if (provider && !installed.includes(provider)) issues.push({ key, message: `${preset} needs the ${provider} preset (${why}): ${howToInstall(provider, clusterCni)}` });
      } else if (!installed.includes(needed)) {
        issues.push({ key, message: `${preset} needs the ${needed} preset (${why}); add homeops:platform.charts.${needed}` });
      }
    }
    for (const block of settings) {
      if (platform[block] === undefined) issues.push({ key, message: `${preset} needs homeops:platform.${block} (${why})` });
    }
  }
  const needs = [
    ...(Object.entries(SETTINGS_NEED_PRESET) as [PresetSettingsKey, { preset: PlatformRelease; why: string }][]),
    ...(platform.loadBalancer ? [["loadBalancer", loadBalancerPreset(platform.loadBalancer.provider)] as [PresetSettingsKey, { preset: PlatformRelease; why: string }]] : []),
  ];
  for (const [block, need] of needs) {
    if (platform[block] !== undefined && !installed.includes(need.preset)) {
      issues.push({ key: `${KEY}.${block}`, message: `needs the ${need.preset} preset (${need.why}); ${howToInstall(need.preset, clusterCni)} or remove ${block}` });
    }
  }
  return issues;
}

/**
 * How a preset gets installed: Cilium through the cluster's CNI choice, the others by their
 * chart. Only Cilium's LB IPAM needs the Cilium preset, so with a CNI of the user's own the
 * way out is MetalLB.
 */
function howToInstall(preset: PlatformRelease, clusterCni: ClusterCni | undefined): string {
  if (preset !== "cilium") return `add homeops:platform.charts.${preset}`;
  return clusterCni?.name === "custom"
    ? `the cluster's CNI is the custom release ${clusterCni.release} (homeops:talos.cni), not Cilium: use loadBalancer.provider: metallb with homeops:platform.charts.metallb`
    : "set homeops:talos.cni to {name: cilium} on the cluster this stack builds (homeops:platform.kubeconfig: talos)";
}

/** Namespaces a release, Secret or object may go to: the custom ones, the installed presets', and kube-system. */
function knownNamespaces(platform: PlatformSpec, installed: PlatformRelease[]): Set<string> {
  return new Set(["kube-system", ...Object.keys(platform.namespaces), ...installed.map((preset) => PRESET_NAMESPACES[preset])]);
}

/** Custom releases, namespaces, Secrets and objects: references that resolve, names used once, no waiting in a circle. */
function checkCustomPlatform(platform: PlatformSpec, installsCilium: boolean): ConfigIssue[] {
  const installed = installedPresets(platform, installsCilium);
  const namespaces = knownNamespaces(platform, installed);
  const issues: ConfigIssue[] = [];
  const unknownNamespace = (key: string, namespace: string) =>
    issues.push({ key, message: `namespace "${namespace}" is not declared in homeops:platform.namespaces, nor created by an installed preset (${installed.map((preset) => PRESET_NAMESPACES[preset]).join(", ") || "none"})` });

  for (const name of Object.keys(platform.namespaces)) {
    const preset = installed.find((candidate) => PRESET_NAMESPACES[candidate] === name);
    if (name === "kube-system") issues.push({ key: `${KEY}.namespaces.${name}`, message: "is the cluster's own; it cannot be declared" });
    else if (preset) issues.push({ key: `${KEY}.namespaces.${name}`, message: `is created by the ${preset} preset already` });
  }
  for (const [name, namespace] of Object.entries(platform.namespaces)) {
    // The policy names: a standard rule's own, except within-namespace, one per direction.
    const named = (direction: string) => (allow: (typeof namespace.ingress)[number]) => (allow === "within-namespace" ? `${direction}-${allow}` : typeof allow === "string" ? allow : allow.name);
    const names = [...namespace.ingress.map(named("ingress")), ...namespace.egress.map(named("egress"))];
    const twice = names.find((allow, index) => names.indexOf(allow) !== index);
    if (twice) issues.push({ key: `${KEY}.namespaces.${name}`, message: `declares the allow rule "${twice}" twice (ingress and egress rules share one name space: allow-${twice})` });
  }

  const releaseNames = new Map<string, string>();
  for (const preset of installed) releaseNames.set(`${PRESET_NAMESPACES[preset]}/${preset}`, `charts.${preset}`);
  for (const [key, release] of Object.entries(platform.releases)) {
    const at = `${KEY}.releases.${key}`;
    if (installed.includes(key as PlatformRelease)) issues.push({ key: at, message: `is also installed as a preset (homeops:platform.charts.${key}); keep one of the two` });
    if (!namespaces.has(release.namespace)) unknownNamespace(`${at}.namespace`, release.namespace);
    if (release.valuesFile !== undefined) {
      try {
        readValuesFile(release.valuesFile);
      } catch (error) {
        issues.push({ key: `${at}.valuesFile`, message: (error as Error).message });
      }
    }
    const helmName = `${release.namespace}/${release.releaseName ?? key}`;
    const other = releaseNames.get(helmName);
    if (other) issues.push({ key: at, message: `Helm release ${helmName} is declared by ${other} too` });
    releaseNames.set(helmName, `releases.${key}`);
  }

  const secretNames = new Set<string>();
  platform.secrets.forEach((secret, index) => {
    const at = `${KEY}.secrets[${index}]`;
    if (!namespaces.has(secret.namespace)) unknownNamespace(`${at}.namespace`, secret.namespace);
    const id = `${secret.namespace}/${secret.name}`;
    if (secretNames.has(id)) issues.push({ key: at, message: `Secret ${id} is declared twice` });
    secretNames.add(id);
  });

  const objectKeys = new Set<string>();
  platform.objects.forEach((object, index) => {
    const at = `${KEY}.objects[${index}]`;
    const { namespace } = object.manifest.metadata;
    if (namespace !== undefined && !namespaces.has(namespace)) unknownNamespace(`${at}.manifest.metadata.namespace`, namespace);
    const id = clusterObjectKey(object);
    if (objectKeys.has(id)) issues.push({ key: at, message: `${id} is declared twice` });
    objectKeys.add(id);
  });

  // What waits for what: custom releases, objects, and the installed presets (which wait for nothing here).
  const waits = new Map<string, { at: string; needs: string[] }>([
    ...Object.entries(platform.releases).map(([key, release]) => [key, { at: `${KEY}.releases.${key}.needs`, needs: release.needs }] as const),
    ...platform.objects.map((object, index) => [clusterObjectKey(object), { at: `${KEY}.objects[${index}].needs`, needs: object.needs }] as const),
  ]);
  const known = new Set<string>([...waits.keys(), ...installed]);
  for (const { at, needs } of waits.values()) {
    for (const need of needs) {
      if (!known.has(need)) issues.push({ key: at, message: `"${need}" is not a release (custom or installed preset) nor an object (<kind>/<namespace>/<name>) of the platform` });
    }
  }
  const cycle = findCycle([...waits.keys()], (key) => key, (key) => waits.get(key)!.needs);
  if (cycle) issues.push({ key: waits.get(cycle[0])!.at, message: `waits in a circle: ${cycle.join(" -> ")}` });
  return issues;
}


/** A Talos cluster told to leave the CNI to the platform must get it from this platform. */
function checkClusterCni(platform: PlatformSpec, clusterCni: ClusterCni | undefined): ConfigIssue[] {
  if (clusterCni === undefined || clusterCni.name === "flannel" || platform.kubeconfig === "talos") return [];
  const what = clusterCni.name === "cilium" ? "cilium" : `the custom release ${clusterCni.release}`;
  return [
    {
      key: `${KEY}.kubeconfig`,
      message:
        `points at another cluster, but homeops:talos.cni is ${what}, which this platform installs only on the Talos cluster: ` +
        "that cluster would have no CNI and its nodes would stay NotReady; use kubeconfig: talos, or cni: {name: flannel}",
    },
  ];
}

/**
 * The custom release that is the cluster's CNI: declared, and waiting for nothing, since
 * every other release waits for it and no pod runs before it (its Secrets, from
 * homeops:platform.secrets, are made before any release).
 */
function checkCniRelease(platform: PlatformSpec, release: string): ConfigIssue[] {
  const declared = platform.releases[release];
  if (!declared) {
    const keys = Object.keys(platform.releases);
    return [{ key: "homeops:talos.cni.release", message: `"${release}" is not a release of homeops:platform.releases (declared: ${keys.join(", ") || "none"})` }];
  }
  return declared.needs.length === 0
    ? []
    : [{ key: `${KEY}.releases.${release}.needs`, message: `${release} is the cluster's CNI (homeops:talos.cni): it is installed first and every other release waits for it, so it cannot wait for ${declared.needs.join(", ")}` }];
}

function checkLoadBalancer(loadBalancer: NonNullable<PlatformSpec["loadBalancer"]>, nodeCidr: string, reserved: ReservedAddress[]): ConfigIssue[] {
  const { addresses, ingressAddress, provider } = loadBalancer;
  const issues = checkAddressPool(addresses, `${KEY}.loadBalancer.addresses`, nodeCidr, reserved, provider === "cilium" ? "Cilium" : "MetalLB");
  const ingress = ipv4ToNumber(ingressAddress);
  if (!addresses.map(addressRangeBounds).some((bounds) => bounds && ingress >= bounds.first && ingress <= bounds.last)) {
    issues.push({ key: `${KEY}.loadBalancer.ingressAddress`, message: `${ingressAddress} is not in the pool ${loadBalancer.poolName} (${addresses.join(", ")})` });
  }
  if (provider === "metallb" && loadBalancer.interfaces) issues.push({ key: `${KEY}.loadBalancer.interfaces`, message: "applies to provider cilium (its L2 announcement policy); MetalLB announces on every interface here" });
  return issues;
}

/**
 * Cilium's LB IPAM with L2 announcements: Cilium must be the platform's (the CNI it installs),
 * replacing kube-proxy (an L2 announcement prerequisite), and MetalLB must not run beside it:
 * both would hand out addresses to the same Services and answer ARP for them.
 */
function checkCiliumLoadBalancer(platform: PlatformSpec, cni: ClusterCni | undefined): ConfigIssue[] {
  if (platform.loadBalancer?.provider !== "cilium") return [];
  const issues: ConfigIssue[] = [];
  const key = `${KEY}.loadBalancer.provider`;
  if (cni?.name === "cilium" && !cni.kubeProxyReplacement) {
    issues.push({ key, message: "cilium needs homeops:talos.cni.kubeProxyReplacement: true (Cilium's L2 announcements work only with kube-proxy replacement)" });
  }
  if (platform.charts.metallb) {
    issues.push({ key: `${KEY}.charts.metallb`, message: "MetalLB would run beside Cilium's LB IPAM (loadBalancer.provider: cilium): both would hand out addresses and answer ARP for them; remove it, or use provider: metallb" });
  }
  return issues;
}

/** The Cilium features that need others, and native routing's CIDR against the nodes' network. */
function checkCiliumOptions(cni: Extract<ClusterCni, { name: "cilium" }>, nodeCidr: string, clusterAddresses: ReservedAddress[], podSubnets: string[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const at = "homeops:talos.cni";
  if (cni.gatewayApi && !cni.kubeProxyReplacement) {
    issues.push({ key: `${at}.gatewayApi`, message: "needs kubeProxyReplacement: true (Cilium's Gateway API serves through its eBPF service load balancing)" });
  }
  if (cni.serviceLoadBalancing && !cni.kubeProxyReplacement) {
    issues.push({ key: `${at}.serviceLoadBalancing`, message: "needs kubeProxyReplacement: true (Maglev and DSR are modes of Cilium's own service load balancing)" });
  }
  if (cni.serviceLoadBalancing && cni.serviceLoadBalancing.mode !== "snat" && cni.routing?.mode !== "native") {
    issues.push({ key: `${at}.serviceLoadBalancing.mode`, message: `${cni.serviceLoadBalancing.mode} needs routing: {mode: native} (DSR carries the service address in the packet to the backend's node, which Cilium's VXLAN tunnel does not)` });
  }
  if (cni.hubble && cni.hubble.ui && !cni.hubble.relay) {
    issues.push({ key: `${at}.hubble.ui`, message: "needs hubble.relay: true (the UI reads flows through the relay)" });
  }
  if (cni.routing?.mode === "native") {
    const pods = addressRangeBounds(cni.routing.podCidr);
    const nodes = addressRangeBounds(nodeCidr);
    if (pods && nodes && pods.first <= nodes.last && nodes.first <= pods.last) {
      issues.push({ key: `${at}.routing.podCidr`, message: `${cni.routing.podCidr} overlaps the nodes' network ${nodeCidr} (homeops:platform.nodeCidr): traffic to the nodes would be routed as pod traffic, unmasqueraded` });
    }
    // Pods outside the routed range would be masqueraded behind their node and not reached directly.
    const { podCidr } = cni.routing;
    podSubnets.forEach((subnet, index) => {
      const bounds = addressRangeBounds(subnet);
      if (pods && bounds && !(bounds.first >= pods.first && bounds.last <= pods.last)) {
        issues.push({ key: `${at}.routing.podCidr`, message: `${podCidr} does not contain the cluster's pod subnet ${subnet} (homeops:talos.podSubnets[${index}]): write the pod subnet, or one that holds it` });
      }
    });
    // Each node routes the others' pod ranges to them directly: they must share one L2 segment.
    const outside = cni.routing.autoDirectNodeRoutes ? clusterAddresses.filter(({ address }) => nodes && !(ipv4ToNumber(address) >= nodes.first && ipv4ToNumber(address) <= nodes.last)) : [];
    for (const { address, owner } of outside) {
      issues.push({ key: `${at}.routing.autoDirectNodeRoutes`, message: `needs every node on the nodes' network ${nodeCidr} (one L2 segment), but ${owner} is at ${address}; set it to false and route the pod ranges on your router, or use mode: tunnel` });
    }
  }
  return issues;
}

/** A MetalLB IPAddressPool the stack file declares as an object is held to the same rules as the preset's pool. */
function checkAddressPoolObjects(platform: PlatformSpec, reserved: ReservedAddress[]): ConfigIssue[] {
  return platform.objects.flatMap((object, index) => {
    const { manifest } = object;
    const addresses = (manifest.spec as { addresses?: unknown } | undefined)?.addresses;
    if (manifest.kind !== "IPAddressPool" || !manifest.apiVersion.startsWith("metallb.io/")) return [];
    const key = `${KEY}.objects[${index}].manifest.spec.addresses`;
    if (!Array.isArray(addresses) || !addresses.every((range): range is string => typeof range === "string")) return [{ key, message: "must be a list of address ranges (first-last or a subnet)" }];
    return checkAddressPool(addresses, key, platform.nodeCidr, reserved);
  });
}

/** An address an object asks the load balancer for, where it asks, and whether it may share it. */
interface RequestedAddress {
  address: string;
  key: string;
  by: string;
  shares: boolean;
}

/**
 * The addresses the stack file's objects ask the load balancer for: a LoadBalancer Service's
 * address annotation or `spec.loadBalancerIP`, a Gateway's `IPAddress` addresses and its
 * `spec.infrastructure` annotations (what Cilium's Gateway API gives the Service it makes).
 */
function requestedAddresses(platform: PlatformSpec): RequestedAddress[] {
  const annotationKeys = [...Object.values(ADDRESS_ANNOTATIONS), DEPRECATED_CILIUM_ADDRESS_ANNOTATION];
  const record = (value: unknown): Record<string, unknown> => (value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
  return platform.objects.flatMap(({ manifest }, index) => {
    const at = `${KEY}.objects[${index}].manifest`;
    const by = `${manifest.kind} ${[manifest.metadata.namespace, manifest.metadata.name].filter(Boolean).join("/")}`;
    const spec = record(manifest.spec);
    const fromAnnotations = (annotations: Record<string, unknown>, path: string) =>
      annotationKeys.flatMap((name) => (typeof annotations[name] === "string" ? (annotations[name] as string).split(",").map((address) => ({ address: address.trim(), key: `${path}.${name}` })) : []));
    let asked: { address: string; key: string }[] = [];
    let annotations: Record<string, unknown> = {};
    if (manifest.kind === "Service" && manifest.apiVersion === "v1" && spec.type === "LoadBalancer") {
      annotations = record(manifest.metadata.annotations);
      asked = [...fromAnnotations(annotations, `${at}.metadata.annotations`), ...(typeof spec.loadBalancerIP === "string" ? [{ address: spec.loadBalancerIP, key: `${at}.spec.loadBalancerIP` }] : [])];
    } else if (manifest.kind === "Gateway" && manifest.apiVersion.startsWith("gateway.networking.k8s.io/")) {
      annotations = record(record(spec.infrastructure).annotations);
      const addresses = Array.isArray(spec.addresses) ? spec.addresses.map(record) : [];
      asked = [
        ...addresses.flatMap((entry, position) => ((entry.type ?? "IPAddress") === "IPAddress" && typeof entry.value === "string" ? [{ address: entry.value, key: `${at}.spec.addresses[${position}].value` }] : [])),
        ...fromAnnotations(annotations, `${at}.spec.infrastructure.annotations`),
      ];
    }
    const shares = SHARED_ADDRESS_ANNOTATIONS.some((name) => name in annotations);
    return asked.map((entry) => ({ ...entry, by, shares }));
  });
}

/** Every address asked of the load balancer lies in its pool, and is asked for once (unless shared by annotation). */
function checkRequestedAddresses(platform: PlatformSpec): ConfigIssue[] {
  const { loadBalancer } = platform;
  const asked = requestedAddresses(platform);
  const issues: ConfigIssue[] = [];
  const pool = loadBalancer?.addresses.map(addressRangeBounds) ?? [];
  const held = new Map<string, RequestedAddress>();
  // The ingress address is held only when an ingress controller is installed to take it.
  if (loadBalancer && platform.ingressController) held.set(loadBalancer.ingressAddress, { address: loadBalancer.ingressAddress, key: `${KEY}.loadBalancer.ingressAddress`, by: "the ingress controller", shares: false });
  for (const request of asked) {
    const { address, key } = request;
    if (!isIPv4(address)) {
      issues.push({ key, message: `"${address}" is not an IPv4 address` });
      continue;
    }
    if (!loadBalancer) {
      issues.push({ key, message: `asks the load balancer for ${address}, but homeops:platform.loadBalancer declares no pool` });
      continue;
    }
    const value = ipv4ToNumber(address);
    if (!pool.some((bounds) => bounds && value >= bounds.first && value <= bounds.last)) {
      issues.push({ key, message: `${address} is not in the pool ${loadBalancer.poolName} (${loadBalancer.addresses.join(", ")})` });
    }
    const other = held.get(address);
    if (other && !(other.shares && request.shares)) issues.push({ key, message: `${address} is asked for by ${other.by} too (${other.key}); give each its own address` });
    else held.set(address, request);
  }
  return issues;
}

/** Ranges on the nodes' segment (L2 mode answers ARP there), over no address a host holds, none overlapping another. */
function checkAddressPool(addresses: string[], key: string, nodeCidr: string, reserved: ReservedAddress[], announcer: "MetalLB" | "Cilium" = "MetalLB"): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const nodes = addressRangeBounds(nodeCidr);
  const within = (address: number) => nodes !== undefined && address >= nodes.first && address <= nodes.last;
  const ranges = addresses.map((range, index) => ({ range, index, bounds: addressRangeBounds(range) }));
  for (const { range, index, bounds } of ranges) {
    const at = `${key}[${index}]`;
    if (!bounds) {
      issues.push({ key: at, message: `"${range}" is not an address range (first-last, first not after last, or a subnet)` });
      continue;
    }
    if (!within(bounds.first) || !within(bounds.last)) issues.push({ key: at, message: `"${range}" is not inside the nodes' network ${nodeCidr}` });
    for (const { address, owner } of reserved) {
      const value = ipv4ToNumber(address);
      if (value >= bounds.first && value <= bounds.last) {
        issues.push({ key: at, message: `includes ${address}, the address of ${owner}: ${announcer} would hand it to a Service and both would answer ARP for it` });
      }
    }
  }
  ranges.forEach(({ range, index, bounds }) => {
    const earlier = ranges.slice(0, index).find((other) => bounds && other.bounds && bounds.first <= other.bounds.last && other.bounds.first <= bounds.last);
    if (earlier) issues.push({ key: `${key}[${index}]`, message: `"${range}" overlaps "${earlier.range}" (addresses[${earlier.index}]): ${announcer === "MetalLB" ? "MetalLB refuses a pool with overlapping ranges" : "write each address once"}` });
  });
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
  proxmox?: { nodes: Record<string, { address: string }> };
  talos: TalosSpec;
}

/** The addresses of a Talos cluster's machines, and of its API VIP when it has one. */
export function talosAddresses(talos: TalosSpec): ReservedAddress[] {
  if (talos.manager === "omni") return talos.machines.map((machine) => ({ address: machine.address, owner: `Talos node ${machine.name}` }));
  return [...talos.nodes.map((node) => ({ address: node.ip, owner: `Talos node ${node.name}` })), { address: talos.vip, owner: "the Kubernetes API VIP" }];
}

export function reservedAddresses(holders: AddressHolders): ReservedAddress[] {
  return [
    ...Object.entries(holders.dockerHosts).filter(([, host]) => isIPv4(host.address)).map(([name, host]) => ({ address: host.address, owner: `Docker host ${name}` })),
    ...Object.entries(holders.proxmox?.nodes ?? {}).map(([name, node]) => ({ address: node.address, owner: `Proxmox node ${name}` })),
    ...talosAddresses(holders.talos),
  ];
}
