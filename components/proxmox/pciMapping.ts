import type * as proxmox from "@muhlba91/pulumi-proxmoxve";
import type { PciMappingSpec } from "../../config/proxmox";

/** A cluster PCI resource mapping: the device on each node that has one, under one name VMs pass through. */
export function pciMappingArgs(name: string, mapping: PciMappingSpec): proxmox.hardware.mapping.PciArgs {
  return {
    name,
    comment: mapping.comment,
    mediatedDevices: mapping.mediatedDevices,
    maps: mapping.devices.map((device) => ({
      node: device.node,
      path: device.path,
      id: device.id,
      subsystemId: device.subsystemId,
      iommuGroup: device.iommuGroup,
      comment: device.comment,
    })),
  };
}
