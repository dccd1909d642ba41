import * as proxmox from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import { guestOptions, proxmoxTags } from "./guest";

export interface ContainerNetworkInterface {
  bridge: string;
  vlanId?: number;
  /** Static address in CIDR notation, e.g. `192.168.11.200/24`. */
  address: string;
  gateway?: string;
}

export interface ContainerGuestSpec {
  node: string;
  vmId: number;
  hostname: string;
  description?: string;
  /** The OS template file id, e.g. `local:vztmpl/debian-12-standard_12.12-1_amd64.tar.zst`. */
  template: string;
  osType: string;
  cores: number;
  /** Dedicated memory in MB. */
  memoryMb: number;
  swapMb?: number;
  rootDisk: { datastore: string; sizeGb: number };
  /** eth0, eth1, ... in order. */
  networkInterfaces: ContainerNetworkInterface[];
  dns?: { servers: string[]; domain?: string };
  /** Default true: container root is not host root. */
  unprivileged?: boolean;
  features?: { nesting?: boolean; keyctl?: boolean; fuse?: boolean };
  /** Volumes allocated on a datastore, or directories of the node bind-mounted, at `path`. */
  mountPoints?: ({ datastore: string; sizeGb: number; path: string; readOnly?: boolean; backup?: boolean } | { hostPath: string; path: string; readOnly?: boolean })[];
  /** Host devices passed through (`devN:` entries), e.g. `/dev/net/tun`. */
  devices?: { path: string; uid?: number; gid?: number; mode?: string }[];
  startOnBoot?: boolean;
  tags?: string[];
  /** Its rootfs or mount points hold data that exists nowhere else: it is protected. */
  holdsData: boolean;
}

/** The ContainerLegacy arguments for a spec. */
export function containerLegacyArgs(spec: ContainerGuestSpec): proxmox.ContainerLegacyArgs {
  return {
    nodeName: spec.node,
    vmId: spec.vmId,
    description: spec.description,
    operatingSystem: { templateFileId: spec.template, type: spec.osType },
    unprivileged: spec.unprivileged ?? true,
    features: {
      nesting: spec.features?.nesting ?? false,
      keyctl: spec.features?.keyctl ?? false,
      fuse: spec.features?.fuse ?? false,
    },
    cpu: { cores: spec.cores },
    memory: { dedicated: spec.memoryMb, swap: spec.swapMb ?? 0 },
    disk: { datastoreId: spec.rootDisk.datastore, size: spec.rootDisk.sizeGb },
    networkInterfaces: spec.networkInterfaces.map((nic, index) => ({ name: `eth${index}`, bridge: nic.bridge, vlanId: nic.vlanId })),
    initialization: {
      hostname: spec.hostname,
      ipConfigs: spec.networkInterfaces.map((nic) => ({ ipv4: { address: nic.address, gateway: nic.gateway } })),
      dns: spec.dns && { servers: spec.dns.servers, domain: spec.dns.domain },
    },
    mountPoints: spec.mountPoints?.map((mount) =>
      "hostPath" in mount
        ? // A bind mount: the provider takes the node's path as the volume.
          { volume: mount.hostPath, path: mount.path, readOnly: mount.readOnly ?? false }
        : { volume: mount.datastore, size: `${mount.sizeGb}G`, path: mount.path, readOnly: mount.readOnly ?? false, backup: mount.backup ?? true },
    ),
    devicePassthroughs: spec.devices?.map((device) => ({ path: device.path, uid: device.uid, gid: device.gid, mode: device.mode })),
    startOnBoot: spec.startOnBoot ?? true,
    started: true,
    tags: proxmoxTags(spec.tags),
  };
}

/**
 * The OS template is a creation-only parameter (`ostemplate` of POST /nodes/{node}/lxc):
 * Proxmox does not record it, so a container adopted with `pulumi import` (CT200 and the
 * others already run) has none in its state, and the provider would replace the container
 * to "change" it. The same gap as bpg/terraform-provider-proxmox#1998 for VM disk images.
 */
export const CONTAINER_IGNORE_CHANGES = ["operatingSystem.templateFileId"];

/** A Linux container (LXC) on a Proxmox node, created through the cluster's provider (an option). */
export class ProxmoxContainer extends pulumi.ComponentResource {
  readonly container: proxmox.ContainerLegacy;

  constructor(name: string, args: ContainerGuestSpec, opts: pulumi.ComponentResourceOptions & { provider: proxmox.Provider }) {
    super("homeops:proxmox:Container", name, {}, opts);
    this.container = new proxmox.ContainerLegacy(name, containerLegacyArgs(args), {
      parent: this,
      provider: opts.provider,
      // What the guest plugs into (its bridges, its PCI mappings): a component's dependsOn does not reach its children.
      dependsOn: opts.dependsOn,
      ...guestOptions(args.holdsData),
      ignoreChanges: CONTAINER_IGNORE_CHANGES,
    });
    this.registerOutputs({ node: args.node, vmId: this.container.vmId });
  }
}
