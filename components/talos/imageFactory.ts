import { TalosConfigError } from "./errors";

export const IMAGE_FACTORY_REGISTRY = "factory.talos.dev";

export interface InstallerImageInput {
  /** The image factory schematic id (64 hex characters) naming the extensions baked in. */
  schematicId: string;
  /** Talos version, e.g. `v1.13.9`. */
  talosVersion: string;
  /** The platform the installer is for; Proxmox VMs booted with cloud-init data use `nocloud`. */
  platform?: string;
}

/** The installer image Talos upgrades itself from, e.g. `factory.talos.dev/nocloud-installer/<id>:v1.13.9`. */
export function installerImage({ schematicId, talosVersion, platform = "nocloud" }: InstallerImageInput): string {
  if (!/^[0-9a-f]{64}$/.test(schematicId)) {
    throw new TalosConfigError(`schematic id ${JSON.stringify(schematicId)} is not 64 lowercase hex characters`);
  }
  if (!/^v\d+\.\d+\.\d+$/.test(talosVersion)) {
    throw new TalosConfigError(`Talos version ${JSON.stringify(talosVersion)} is not like v1.13.9`);
  }
  return `${IMAGE_FACTORY_REGISTRY}/${platform}-installer/${schematicId}:${talosVersion}`;
}
