import { deployDockerEstate } from "../components/docker-stack/dockerEstate";
import { configSecretKeysIn, StackSecrets } from "../components/secrets/stackSecrets";
import { loadHomelabConfig } from "../config/stacks";
import { inventoryValues } from "./inventoryValues";

/**
 * The homelab (seed L0 right-hand side, L1, L2): Proxmox guests and the Talos cluster,
 * the Kubernetes platform on it, the LAN Docker hosts, and DNS.
 */
export function homelab() {
  const config = loadHomelabConfig();
  const secrets = new StackSecrets("homelab", {
    generated: config.generatedSecrets,
    configSecretKeys: configSecretKeysIn(inventoryValues(config.dockerStacks)),
  });

  const docker = deployDockerEstate(config.dockerHosts, config.dockerStacks, secrets);

  return {
    dockerHosts: Object.keys(docker.hosts),
  };
}
