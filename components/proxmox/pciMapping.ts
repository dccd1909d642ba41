import type * as proxmox from "@muhlba91/pulumi-proxmoxve";
import type * as pulumi from "@pulumi/pulumi";
import type { PciMappingSpec } from "../../config/proxmox";
import { inputsLeftOut } from "./existing";

/** A cluster PCI resource mapping: the device on each node that has one, under one name VMs pass through. */
export function pciMappingArgs(name: string, mapping: PciMappingSpec): proxmox.hardware.mapping.PciArgs {
  return {
    name,
    comment: mapping.comment,
    mediatedDevices: mapping.mediatedDevices ?? false,
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

/** Settings an entry may leave out, stack-file name -> provider input. */
const MAPPING_FIELDS = { comment: "comment", mediatedDevices: "mediatedDevices" } as const;
const DEVICE_FIELDS = { subsystemId: "subsystemId", iommuGroup: "iommuGroup", comment: "comment" } as const;

/**
 * A mapping made in the Proxmox UI (`existing`) is imported by its name (the provider's
 * import id), protected and kept in the cluster if removed from the stack file, since VMs
 * outside the stack may pass it through; what its entry leaves out stays as the cluster has it.
 */
export function pciMappingOptions(mapping: PciMappingSpec): pulumi.CustomResourceOptions {
  if (!mapping.existing) return {};
  return {
    protect: true,
    retainOnDelete: true,
    ignoreChanges: [...inputsLeftOut(mapping, MAPPING_FIELDS), ...mapping.devices.flatMap((device, index) => inputsLeftOut(device, DEVICE_FIELDS, `maps[${index}].`))],
  };
}
