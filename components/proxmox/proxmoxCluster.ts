import * as proxmox from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import type { ProxmoxNetworkSpec, ProxmoxSettings } from "../../config/proxmox";
import { ProxmoxNodeNetwork } from "./nodeNetwork";
import { pciMappingArgs, pciMappingOptions } from "./pciMapping";

export interface ProxmoxClusterArgs {
  settings: ProxmoxSettings;
  /** `user@realm!tokenid=secret`; a secret Output. */
  apiToken: pulumi.Input<string>;
  /** The SSH private key when `settings.ssh.privateKey` names one; a secret Output. */
  sshPrivateKey?: pulumi.Input<string>;
}

/**
 * The provider's settings: the API with a token, and SSH to each node at its declared
 * address (the API cannot write snippets; `nodes` spares the provider from resolving
 * node addresses through the API, which may hand back an unreachable one).
 */
export function providerArgs({ settings, apiToken, sshPrivateKey }: ProxmoxClusterArgs): proxmox.ProviderArgs {
  return {
    endpoint: settings.endpoint,
    apiToken: pulumi.secret(apiToken),
    insecure: settings.insecure,
    ssh: {
      username: settings.ssh.username,
      agent: settings.ssh.agent,
      ...(sshPrivateKey === undefined ? {} : { privateKey: pulumi.secret(sshPrivateKey) }),
      nodes: Object.entries(settings.nodes).map(([name, node]) => ({ name, address: node.address })),
    },
  };
}

/**
 * A Proxmox VE cluster reached through its API (and SSH for snippets), with the node
 * bridges, VLAN interfaces and PCI mappings the stack file declares. Every guest and file
 * on it is created through `provider`, never a default provider.
 */
export class ProxmoxCluster extends pulumi.ComponentResource {
  readonly provider: proxmox.Provider;
  readonly settings: ProxmoxSettings;
  /** Per node that declares bridges or VLAN interfaces. */
  readonly nodeNetworks: Record<string, ProxmoxNodeNetwork>;
  readonly pciMappings: Record<string, proxmox.hardware.mapping.Pci>;

  constructor(name: string, args: ProxmoxClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homeops:proxmox:Cluster", name, {}, opts);
    this.settings = args.settings;
    this.provider = new proxmox.Provider(name, providerArgs(args), { parent: this });
    const child = { parent: this, provider: this.provider };
    this.nodeNetworks = Object.fromEntries(
      Object.entries(args.settings.nodes)
        .filter(([, node]) => Object.keys(node.bridges).length + Object.keys(node.vlans).length > 0)
        .map(([node, spec]) => [node, new ProxmoxNodeNetwork(`${name}/${node}`, { node, spec }, child)]),
    );
    this.pciMappings = Object.fromEntries(
      Object.entries(args.settings.pciMappings).map(([mapping, spec]) => [mapping, new proxmox.hardware.mapping.Pci(`${name}/pci/${mapping}`, pciMappingArgs(mapping, spec), { ...child, ...pciMappingOptions(spec) })]),
    );
    this.registerOutputs({ endpoint: args.settings.endpoint, nodes: Object.keys(args.settings.nodes), pciMappings: Object.keys(this.pciMappings) });
  }

  /** What a guest on `node` must wait for: the declared bridges of its networks there, and its PCI mappings. */
  attachments(node: string, networks: readonly string[], pciMappings: readonly string[] = []): pulumi.Resource[] {
    const bridges = this.nodeNetworks[node]?.bridges ?? {};
    const used = [...new Set(networks.map((network) => this.network(network).bridge))];
    return [...used.flatMap((bridge) => (bridges[bridge] ? [bridges[bridge]] : [])), ...[...new Set(pciMappings)].flatMap((mapping) => (this.pciMappings[mapping] ? [this.pciMappings[mapping]] : []))];
  }

  network(name: string): ProxmoxNetworkSpec {
    const network = this.settings.networks[name];
    if (!network) throw new Error(`unknown Proxmox network ${name}; the config checks should have refused it`);
    return network;
  }
}

/** The secret references in the Proxmox settings, for StackSecrets. */
export function proxmoxSecretValues(settings: ProxmoxSettings): { configSecret: string }[] {
  return [settings.apiToken, ...(settings.ssh.privateKey ? [settings.ssh.privateKey] : [])];
}
