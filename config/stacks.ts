import { z } from "zod";
import { checkDns } from "./checks/dns";
import { checkDockerInventory } from "./checks/docker";
import { checkPlatform, reservedAddresses, talosAddresses } from "./checks/platform";
import { checkCompute } from "./checks/proxmox";
import { checkTalosCluster } from "./checks/talos";
import { checkTunnel } from "./checks/tunnel";
import { dnsSchema } from "./dns";
import { dockerHostsSchema, dockerStacksSchema } from "./docker";
import { loadStackConfig, validateStackConfig } from "./load";
import { platformSchema } from "./platform";
import { containersSchema, proxmoxSchema, vmsSchema } from "./proxmox";
import { talosSchema } from "./talos";
import { generatedSecretsSchema } from "./values";

const domain = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a DNS domain like example.com");

/** The `vps` stack's configuration: one Docker host and its stacks. */
export const vpsConfigShape = {
  domain,
  dockerHosts: dockerHostsSchema,
  dockerStacks: dockerStacksSchema,
  generatedSecrets: generatedSecretsSchema.default({}),
};
export type VpsConfig = z.infer<z.ZodObject<typeof vpsConfigShape>>;

export function loadVpsConfig(): VpsConfig {
  return loadStackConfig(vpsConfigShape, checkDockerInventory);
}

export function validateVpsConfig(raw: Record<string, unknown>) {
  return validateStackConfig(vpsConfigShape, checkDockerInventory, raw);
}

/**
 * The `homelab` stack's configuration. Each area adds its keys and checks here:
 * Docker hosts on the LAN, Proxmox guests and the Talos cluster, the Kubernetes
 * platform, DNS.
 */
export const homelabConfigShape = {
  domain,
  dockerHosts: dockerHostsSchema.default({}),
  dockerStacks: dockerStacksSchema.default([]),
  generatedSecrets: generatedSecretsSchema.default({}),
  /** Optional: a cluster of bare-metal Talos nodes with no Proxmox guest declares its LAN in homeops:talos.network. */
  proxmox: proxmoxSchema.optional(),
  proxmoxContainers: containersSchema.default({}),
  proxmoxVms: vmsSchema.default({}),
  talos: talosSchema,
  platform: platformSchema,
  dns: dnsSchema,
};
export type HomelabConfig = z.infer<z.ZodObject<typeof homelabConfigShape>>;

function checkHomelab(config: HomelabConfig) {
  return [
    ...checkDockerInventory(config),
    ...checkCompute(config),
    ...checkTalosCluster(config.talos, config.proxmox),
    ...checkPlatform(config.platform, {
      generatedSecrets: config.generatedSecrets,
      reservedAddresses: reservedAddresses(config),
      clusterCni: config.talos.cni,
      clusterAddresses: talosAddresses(config.talos),
      ...(config.talos.manager === "homeops" ? { clusterPodSubnets: config.talos.podSubnets } : {}),
    }),
    ...checkDns(config.dns, config),
    ...checkTunnel(config),
  ];
}

export function loadHomelabConfig(): HomelabConfig {
  return loadStackConfig(homelabConfigShape, checkHomelab);
}

export function validateHomelabConfig(raw: Record<string, unknown>) {
  return validateStackConfig(homelabConfigShape, checkHomelab, raw);
}

/** Validation of each stack's raw config, for tools that read the config without running the program. */
export const stackConfigValidators: Record<string, (raw: Record<string, unknown>) => ReturnType<typeof validateVpsConfig | typeof validateHomelabConfig>> = {
  homelab: validateHomelabConfig,
  vps: validateVpsConfig,
};
