import * as proxmox from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import { guestOptions, proxmoxTags } from "./guest";

export interface VmDisk {
  /** `scsi0`, `scsi1`, `virtio0`, ...; defaults to `scsi<position>`. */
  interface?: string;
  datastore: string;
  sizeGb: number;
  /**
   * A disk image (the id of a downloaded file, `local:iso/x.img`) the disk is written from
   * when the VM is created. Only creation reads it: see `vmIgnoreChanges`.
   */
  imageFileId?: pulumi.Input<string>;
}

export interface VmNetworkDevice {
  /** The Linux bridge on the node, e.g. `vmbr0`. */
  bridge: string;
  /** VLAN tag on a VLAN-aware bridge (1-4094). */
  vlanId?: number;
  /** A fixed MAC address, so that the guest can select its link by it; Proxmox picks one otherwise. */
  macAddress?: string;
  firewall?: boolean;
}

export interface VmCloudInit {
  /** The datastore of the cloud-init drive Proxmox generates. */
  datastore: string;
  /** One per network device, in order: `address` in CIDR notation, or `dhcp`. */
  ipConfigs: { address: string; gateway?: string }[];
  dns?: { servers: string[]; domain?: string };
  /** A snippet file (`local:snippets/x.yaml`) whose content is the user-data. */
  userDataFileId?: pulumi.Input<string>;
  /** The user Proxmox's own user-data creates (instead of a snippet): name, SSH keys, password. */
  userAccount?: { username?: string; sshKeys: string[]; password?: pulumi.Input<string> };
}

/** A PCI device passed through by its cluster resource mapping (Datacenter > Resource Mappings). */
export interface PciPassthrough {
  /** The mapping's name, e.g. `gpu`; mappings work with API tokens, raw PCI ids need root@pam. */
  mapping: string;
  /** Attach as PCIe (default true; needs the q35 machine type). */
  pcie?: boolean;
  /** The VM's primary display: the emulated VGA is ignored. */
  primaryGpu?: boolean;
  /** Show the device's option ROM to the guest (default true). */
  rombar?: boolean;
  /** A ROM file under /usr/share/kvm/ on the node instead. */
  romFile?: string;
}

export interface VmSpec {
  /** The VM's name in Proxmox. */
  name: string;
  /** The Proxmox node the VM runs on. */
  node: string;
  vmId: number;
  description?: string;
  cpu: { cores: number; type?: string };
  /** Dedicated memory in MB: what capacity checks count. */
  memoryMb: number;
  /**
   * Ballooning down to this many MB; off (`memory.floating` 0) when left out, and always
   * with PCI passthrough, whose devices' DMA needs all of the VM's memory pinned.
   */
  balloonMinMb?: number;
  disks: VmDisk[];
  networkDevices: VmNetworkDevice[];
  cloudInit?: VmCloudInit;
  /** The guest runs the QEMU guest agent (Proxmox then waits for it and reports its addresses). */
  guestAgent?: boolean;
  /** Start when the node boots (default true). */
  startOnBoot?: boolean;
  /** UEFI (OVMF with an EFI disk on the first disk's datastore) instead of SeaBIOS; GPUs usually want it. */
  uefi?: boolean;
  /** `q35` (default; PCIe, which passthrough needs) or `pc` (i440fx), as the VM was created. */
  machine?: "q35" | "pc";
  pciDevices?: PciPassthrough[];
  tags?: string[];
  /** The VM's disks hold data that exists nowhere else: it is protected. */
  holdsData: boolean;
}

/** The VmLegacy arguments for a spec. */
export function vmLegacyArgs(spec: VmSpec): proxmox.VmLegacyArgs {
  if (spec.disks.length === 0) throw new Error(`VM ${spec.name} needs at least one disk`);
  const pciDevices = spec.pciDevices ?? [];
  if (pciDevices.length > 16) throw new Error(`VM ${spec.name}: Proxmox allows at most 16 PCI devices`);
  if (pciDevices.length > 0 && spec.balloonMinMb !== undefined) throw new Error(`VM ${spec.name}: a VM with PCI passthrough cannot balloon`);
  const cloudInit = spec.cloudInit;
  if (cloudInit?.userAccount && cloudInit.userDataFileId !== undefined) throw new Error(`VM ${spec.name}: cloud-init takes a user account or a user-data file, not both`);
  return {
    nodeName: spec.node,
    vmId: spec.vmId,
    name: spec.name,
    description: spec.description,
    machine: spec.machine ?? "q35",
    bios: spec.uefi ? "ovmf" : "seabios",
    efiDisk: spec.uefi ? { datastoreId: spec.disks[0].datastore, type: "4m", fileFormat: "raw" } : undefined,
    operatingSystem: { type: "l26" },
    cpu: { cores: spec.cpu.cores, type: spec.cpu.type ?? "host" },
    memory: { dedicated: spec.memoryMb, floating: spec.balloonMinMb ?? 0 },
    agent: { enabled: spec.guestAgent ?? false, trim: spec.guestAgent ?? false },
    onBoot: spec.startOnBoot ?? true,
    started: true,
    // One I/O thread per disk.
    scsiHardware: "virtio-scsi-single",
    disks: spec.disks.map((disk, position) => {
      const diskInterface = disk.interface ?? `scsi${position}`;
      return {
        interface: diskInterface,
        datastoreId: disk.datastore,
        size: disk.sizeGb,
        fileFormat: "raw",
        fileId: disk.imageFileId,
        discard: "on",
        iothread: true,
        // Proxmox has no SSD emulation on VirtIO block devices.
        ssd: diskInterface.startsWith("virtio") ? undefined : true,
      };
    }),
    networkDevices: spec.networkDevices.map((device) => ({
      model: "virtio",
      bridge: device.bridge,
      vlanId: device.vlanId,
      macAddress: device.macAddress,
      firewall: device.firewall ?? false,
    })),
    initialization: cloudInit && {
      datastoreId: cloudInit.datastore,
      ipConfigs: cloudInit.ipConfigs.map((ip) => ({ ipv4: { address: ip.address, gateway: ip.gateway } })),
      dns: cloudInit.dns && { servers: cloudInit.dns.servers, domain: cloudInit.dns.domain },
      userDataFileId: cloudInit.userDataFileId,
      userAccount: cloudInit.userAccount && {
        username: cloudInit.userAccount.username,
        keys: cloudInit.userAccount.sshKeys,
        password: cloudInit.userAccount.password === undefined ? undefined : pulumi.secret(cloudInit.userAccount.password),
      },
    },
    hostpcis: pciDevices.length === 0 ? undefined : pciDevices.map((device, index) => ({
      device: `hostpci${index}`,
      mapping: device.mapping,
      pcie: device.pcie ?? true,
      xvga: device.primaryGpu ?? false,
      rombar: device.rombar ?? true,
      romFile: device.romFile,
    })),
    tags: proxmoxTags(spec.tags),
  };
}

/**
 * Inputs that only matter when the VM is created, which a change must not turn into a
 * replacement of a VM and its data:
 * - `initialization.userDataFileId`: a changed snippet is a replaced file resource, whose
 *   id is unknown until applied, and the provider replaces any VM whose user-data file id
 *   changes (bpg/terraform-provider-proxmox#1636, #2071, #2901: the `*_file_id` attributes
 *   force replacement). The file keeps its name, so the id the VM holds stays valid.
 * - `disks[i].fileId`: the image a disk was written from. The provider does not read it
 *   back (bpg/terraform-provider-proxmox#1998: imported VMs are replaced over it), and a
 *   newer image must not rewrite a disk in use.
 */
export function vmIgnoreChanges(spec: VmSpec): string[] {
  return [
    ...(spec.cloudInit?.userDataFileId === undefined ? [] : ["initialization.userDataFileId"]),
    ...spec.disks.flatMap((disk, position) => (disk.imageFileId === undefined ? [] : [`disks[${position}].fileId`])),
  ];
}

/** A QEMU virtual machine on a Proxmox node, created through the cluster's provider (an option). */
export class ProxmoxVm extends pulumi.ComponentResource {
  readonly vm: proxmox.VmLegacy;

  constructor(name: string, args: VmSpec, opts: pulumi.ComponentResourceOptions & { provider: proxmox.Provider }) {
    super("homeops:proxmox:Vm", name, {}, opts);
    this.vm = new proxmox.VmLegacy(name, vmLegacyArgs(args), {
      parent: this,
      provider: opts.provider,
      // What the guest plugs into (its bridges, its PCI mappings): a component's dependsOn does not reach its children.
      dependsOn: opts.dependsOn,
      ...guestOptions(args.holdsData),
      ignoreChanges: vmIgnoreChanges(args),
    });
    this.registerOutputs({ node: args.node, vmId: this.vm.vmId });
  }
}
