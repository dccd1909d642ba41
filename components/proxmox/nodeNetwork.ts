import * as proxmox from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import { vlanInterfaceParts, type NodeBridgeSpec, type NodeVlanSpec, type ProxmoxNodeSpec } from "../../config/proxmox";
import { inputsLeftOut } from "./existing";

/**
 * Every create, update and delete of a node interface is written to the node's
 * `/etc/network/interfaces` and applied at once (the provider reloads the node's network,
 * `ifreload -a`, after each one), so these resources are guarded:
 * - protected, and kept on the node if ever removed from the stack file (`retainOnDelete`):
 *   deleting a bridge cuts every guest plugged into it, and a rename is a replacement;
 * - IPv6 is not the program's: the provider deletes an address or gateway the program leaves
 *   unset on update, so `address6`/`gateway6` are never compared;
 * - an `existing` interface (the node's own vmbr0, typically holding its address and default
 *   route) is adopted, not rewritten (see inputsLeftOut).
 */
const NEVER_MANAGED = ["address6", "gateway6"];

/** Shared settings, stack-file name -> provider input. */
const INTERFACE_FIELDS = { address: "address", gateway: "gateway", mtu: "mtu", comment: "comment" } as const;
const BRIDGE_FIELDS = { ...INTERFACE_FIELDS, ports: "ports", vlanAware: "vlanAware", vlanIds: "vids" } as const;

/** The provider inputs an existing interface's entry leaves unset (and `autostart`, which no entry sets): the node keeps those. */
function unsetInputs(spec: NodeBridgeSpec | NodeVlanSpec, fields: Record<string, string>): string[] {
  return [...inputsLeftOut(spec, fields), "autostart"];
}

export function bridgeArgs(node: string, name: string, bridge: NodeBridgeSpec): proxmox.network.linux.BridgeArgs {
  return {
    nodeName: node,
    name,
    ports: bridge.ports,
    vlanAware: bridge.vlanAware,
    // bridge-vids is a space-separated list of ids and ranges.
    vids: bridge.vlanIds?.join(" "),
    address: bridge.address,
    gateway: bridge.gateway,
    mtu: bridge.mtu,
    comment: bridge.comment,
  };
}

export function bridgeIgnoreChanges(bridge: NodeBridgeSpec): string[] {
  return [...NEVER_MANAGED, ...(bridge.existing ? unsetInputs(bridge, BRIDGE_FIELDS) : [])];
}

/** A `<device>.<vlan>` name is all the provider takes; any other name needs the device and the tag. */
export function vlanArgs(node: string, name: string, vlan: NodeVlanSpec): proxmox.network.linux.VlanArgs {
  const named = vlan.interface === undefined && vlan.vlanId === undefined;
  return {
    nodeName: node,
    name,
    ...(named ? {} : { interface: vlan.interface, vlan: vlan.vlanId }),
    address: vlan.address,
    gateway: vlan.gateway,
    mtu: vlan.mtu,
    comment: vlan.comment,
  };
}

export function vlanIgnoreChanges(vlan: NodeVlanSpec): string[] {
  return [...NEVER_MANAGED, ...(vlan.existing ? unsetInputs(vlan, INTERFACE_FIELDS) : [])];
}

export interface NodeNetworkArgs {
  /** The Proxmox node's name. */
  node: string;
  spec: Pick<ProxmoxNodeSpec, "bridges" | "vlans">;
}

/**
 * The bridges and VLAN interfaces the stack file declares on one node. A VLAN interface
 * waits for the declared bridge it rides on, and a bridge for the declared VLAN interfaces
 * among its ports.
 */
export class ProxmoxNodeNetwork extends pulumi.ComponentResource {
  readonly bridges: Record<string, proxmox.network.linux.Bridge> = {};
  readonly vlans: Record<string, proxmox.network.linux.Vlan> = {};

  constructor(name: string, args: NodeNetworkArgs, opts: pulumi.ComponentResourceOptions & { provider: proxmox.Provider }) {
    super("homeops:proxmox:NodeNetwork", name, {}, opts);
    const { node, spec } = args;
    const options = (ignoreChanges: string[], dependsOn: pulumi.Resource[]): pulumi.CustomResourceOptions => ({
      parent: this,
      provider: opts.provider,
      protect: true,
      retainOnDelete: true,
      ignoreChanges,
      dependsOn,
    });
    const overVlans = (bridge: NodeBridgeSpec) => (bridge.ports ?? []).some((port) => port in spec.vlans);
    const addBridge = ([bridgeName, bridge]: [string, NodeBridgeSpec]) => {
      const ports = (bridge.ports ?? []).flatMap((port) => (this.vlans[port] ? [this.vlans[port]] : []));
      this.bridges[bridgeName] = new proxmox.network.linux.Bridge(`${name}/${bridgeName}`, bridgeArgs(node, bridgeName, bridge), options(bridgeIgnoreChanges(bridge), ports));
    };
    const bridges = Object.entries(spec.bridges);
    bridges.filter(([, bridge]) => !overVlans(bridge)).forEach(addBridge);
    for (const [vlanName, vlan] of Object.entries(spec.vlans)) {
      const { device } = vlanInterfaceParts(vlanName, vlan);
      const below = device === undefined ? undefined : this.bridges[device];
      this.vlans[vlanName] = new proxmox.network.linux.Vlan(`${name}/${vlanName}`, vlanArgs(node, vlanName, vlan), options(vlanIgnoreChanges(vlan), below ? [below] : []));
    }
    bridges.filter(([, bridge]) => overVlans(bridge)).forEach(addBridge);
    this.registerOutputs({ node, bridges: Object.keys(this.bridges), vlans: Object.keys(this.vlans) });
  }
}
