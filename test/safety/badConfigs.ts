/**
 * Bad stack configurations, each one mistake made to a committed stack file: the kind of
 * mistake, the config key that must be named, and a pattern for the rule the message must
 * state. Keys are computed from the data (which stack, which container), so the corpus
 * follows the stack files as they change.
 */
import { stackConfigData } from "../support/stackConfig";

export interface BadConfig {
  kind: string;
  stack: "vps" | "homelab";
  /** The `homeops:` keys of the broken stack file (no namespace). */
  config: Record<string, any>;
  /** The config key the message must name, exactly. */
  key: string;
  /** The rule the message must state. */
  rule: RegExp;
}

type Config = Record<string, any>;

/** `homeops:dockerStacks[i].containers[j]` of the container `name`, and the container. */
function container(config: Config, name: string): { key: string; spec: Config } {
  for (const [stackIndex, stack] of (config.dockerStacks as Config[]).entries()) {
    const containerIndex = (stack.containers as Config[]).findIndex((candidate) => candidate.name === name);
    if (containerIndex >= 0) return { key: `homeops:dockerStacks[${stackIndex}].containers[${containerIndex}]`, spec: stack.containers[containerIndex] };
  }
  throw new Error(`no container ${name} in the stack file`);
}

/** The first container, in file order, that publishes a port on all addresses, and one on its host after it. */
function portPair(config: Config): { first: Config; later: { key: string; spec: Config } } {
  const all = (config.dockerStacks as Config[]).flatMap((stack, stackIndex) =>
    (stack.containers as Config[]).map((spec, containerIndex) => ({ host: stack.host as string, key: `homeops:dockerStacks[${stackIndex}].containers[${containerIndex}]`, spec })),
  );
  const firstIndex = all.findIndex(({ spec }) => (spec.ports ?? []).some((port: string) => /^\d+(\/(tcp|udp))?$/.test(port)));
  const first = all[firstIndex];
  const later = all.slice(firstIndex + 1).find(({ host, spec }) => host === first?.host && spec.networkMode === undefined);
  if (!first || !later) throw new Error("no two bridge containers on one host to publish a port twice");
  return { first: first.spec, later };
}

/** The homelab's MetalLB address pool object: its place in homeops:platform.objects and its ranges. */
function addressPool(config: Config): { index: number; addresses: string[] } {
  const index = (config.platform.objects as Config[]).findIndex((object) => object.manifest.kind === "IPAddressPool");
  if (index < 0) throw new Error("no IPAddressPool in the homelab's platform objects");
  return { index, addresses: config.platform.objects[index].manifest.spec.addresses };
}

function broken(stack: BadConfig["stack"], mutate: (config: Config) => Omit<BadConfig, "stack" | "config" | "kind">, kind: string): BadConfig {
  const config = stackConfigData(stack);
  return { kind, stack, config, ...mutate(config) };
}

export function badConfigs(): BadConfig[] {
  return [
    // --- the VPS inventory (Docker) ---
    broken("vps", (c) => {
      delete c.dockerHosts;
      return { key: "homeops:dockerHosts", rule: /required/ };
    }, "a missing required key"),
    broken("vps", (c) => {
      const [host] = Object.keys(c.dockerHosts);
      c.dockerHosts[host].sshPort = String(c.dockerHosts[host].sshPort ?? 22);
      return { key: `homeops:dockerHosts.${host}.sshPort`, rule: /expected number/i };
    }, "a wrong type (a port as a string)"),
    broken("vps", (c) => {
      const lldap = container(c, "lldap");
      lldap.spec.networks = ["identity-internl"];
      return { key: `${lldap.key}.networks[0]`, rule: /unknown network "identity-internl"/ };
    }, "a container on an unknown network"),
    broken("vps", (c) => {
      const { first, later } = portPair(c);
      const port = (first.ports as string[]).find((candidate) => /^\d+(\/(tcp|udp))?$/.test(candidate))!;
      later.spec.ports = [...(later.spec.ports ?? []), port];
      return { key: `${later.key}.ports[${later.spec.ports.length - 1}]`, rule: /already published/ };
    }, "a port published twice on one host"),
    broken("vps", (c) => {
      const [host] = Object.keys(c.dockerHosts);
      c.dockerHosts[host].memoryMb = 512;
      return { key: `homeops:dockerHosts.${host}.memoryMb`, rule: /more than the host's 512 MB/ };
    }, "container memory over the host's capacity"),
    broken("vps", (c) => {
      c.domain = "sharmamohit";
      return { key: "homeops:domain", rule: /domain/ };
    }, "an invalid domain"),
    broken("vps", (c) => {
      const lldap = container(c, "lldap");
      const name = Object.keys(lldap.spec.env).find((variable) => /SECRET|PASSWORD|KEY/.test(variable))!;
      lldap.spec.env[name] = "hunter2-in-plaintext";
      return { key: `${lldap.key}.env.${name}`, rule: /plaintext/ };
    }, "a plaintext value where a secret is required (Docker env)"),
    broken("vps", (c) => {
      const periphery = container(c, "periphery");
      periphery.spec.image = `${String(periphery.spec.image).split(":")[0]}:latest`;
      return { key: `${periphery.key}.image`, rule: /pin/ };
    }, "an image that is not pinned"),

    // --- the homelab inventory (Proxmox, Talos, platform) ---
    broken("homelab", (c) => {
      delete c.talos;
      return { key: "homeops:talos", rule: /required/ };
    }, "a missing required section"),
    broken("homelab", (c) => {
      const [vm] = Object.keys(c.proxmoxVms);
      c.proxmoxVms[vm].memoryMb = "16G";
      return { key: `homeops:proxmoxVms.${vm}.memoryMb`, rule: /expected number/i };
    }, "a wrong type (memory as text)"),
    broken("homelab", (c) => {
      const [first, second] = Object.keys(c.proxmoxContainers);
      c.proxmoxContainers[second].vmId = c.proxmoxContainers[first].vmId;
      return { key: `homeops:proxmoxContainers.${second}.vmId`, rule: new RegExp(`VMID ${c.proxmoxContainers[first].vmId} is already used`) };
    }, "duplicate VMIDs"),
    broken("homelab", (c) => {
      c.talos.machines[1].address = c.talos.machines[0].address;
      return { key: "homeops:talos.machines[1].address", rule: /already used/ };
    }, "duplicate IP addresses"),
    broken("homelab", (c) => {
      c.talos.machines[0].address = "10.250.250.250";
      return { key: "homeops:talos.machines[0].address", rule: /not a host address of network|outside/ };
    }, "an IP outside its subnet"),
    broken("homelab", (c) => {
      const [first] = Object.keys(c.proxmoxContainers);
      c.proxmoxContainers[first].network[0].network = "lan-typo";
      return { key: `homeops:proxmoxContainers.${first}.network[0].network`, rule: /unknown network "lan-typo"/ };
    }, "a guest on an unknown network"),
    broken("homelab", (c) => {
      const [vm] = Object.values(c.proxmoxVms) as Config[];
      // 4 GB for guests beside what the ZFS ARC keeps.
      c.proxmox.nodes[vm.node].memoryMb = (c.proxmox.nodes[vm.node].zfsArcMaxMb ?? 0) + 4096;
      return { key: `homeops:proxmox.nodes.${vm.node}.memoryMb`, rule: /more than the node's 4096 MB for guests/ };
    }, "guest memory over a Proxmox node's capacity"),
    broken("homelab", (c) => {
      c.talos.machines[0].name = "Talos_CP_1";
      return { key: "homeops:talos.machines[0].name", rule: /DNS label/ };
    }, "an invalid hostname"),
    broken("homelab", (c) => {
      const [first] = Object.keys(c.proxmoxContainers);
      c.proxmoxContainers[first].node = "pve-missing";
      return { key: `homeops:proxmoxContainers.${first}.node`, rule: /unknown Proxmox node "pve-missing"/ };
    }, "an unknown Proxmox node"),
    broken("homelab", (c) => {
      const controlPlanes = c.talos.machines.filter((machine: Config) => machine.role === "controlplane");
      const last = c.talos.machines[c.talos.machines.length - 1];
      const ip = String(last.address).split(".");
      c.talos.machines.push({ ...last, name: "talos-extra", role: "controlplane", uuid: "5f0c1d2e-0000-4000-8000-000000000001", address: [...ip.slice(0, 3), Number(ip[3]) + 20].join(".") });
      return { key: "homeops:talos.machines", rule: new RegExp(`${controlPlanes.length + 1} control planes.*etcd.*evenControlPlanesAcknowledged`) };
    }, "an even Talos control-plane count without acknowledgement"),
    broken("homelab", (c) => {
      const [release] = Object.keys(c.platform.releases);
      c.platform.releases[release].version = `${String(c.platform.releases[release].version).split(".").slice(0, 2).join(".")}.x`;
      return { key: `homeops:platform.releases.${release}.version`, rule: /pin/ };
    }, "a chart version that is not pinned"),
    broken("homelab", (c) => {
      c.proxmox.apiToken = "root@pam!homeops=00000000-0000-0000-0000-000000000000";
      return { key: "homeops:proxmox.apiToken", rule: /configSecret/ };
    }, "a plaintext value where a secret is required (Proxmox API token)"),
    broken("homelab", (c) => {
      const [name, vm] = Object.entries(c.proxmoxVms as Config)[0];
      const network = c.proxmox.networks[vm.network[0].network];
      network.vlanId = 30;
      c.proxmox.nodes[vm.node].bridges = { [network.bridge]: { existing: true, vlanAware: true, vlanIds: [20] } };
      return { key: `homeops:proxmoxVms.${name}.network[0].network`, rule: new RegExp(`VLAN 30 on bridge ${network.bridge}, which on node ${vm.node} carries VLANs 20 only`) };
    }, "a VM on a VLAN its node's bridge does not carry"),
    broken("homelab", (c) => {
      const { index, addresses } = addressPool(c);
      const holder = Object.entries(c.dockerHosts as Config).find(([, host]) => /^\d+\.\d+\.\d+\.\d+$/.test(host.address))!;
      addresses.push(`${holder[1].address}/32`);
      return { key: `homeops:platform.objects[${index}].manifest.spec.addresses[${addresses.length - 1}]`, rule: new RegExp(`includes ${holder[1].address.replace(/\./g, "\\.")}, the address of Docker host ${holder[0]}`) };
    }, "a MetalLB pool over an address a host holds"),
    broken("homelab", (c) => {
      const { index, addresses } = addressPool(c);
      addresses.push(addresses[addresses.length - 1]);
      return { key: `homeops:platform.objects[${index}].manifest.spec.addresses[${addresses.length - 1}]`, rule: /overlaps .*MetalLB refuses a pool with overlapping ranges/ };
    }, "overlapping pools"),
  ];
}
