import { configSecretKeysIn, StackSecrets } from "../components/secrets/stackSecrets";
import { deployDockerEstate } from "../components/docker-stack/dockerEstate";
import { loadVpsConfig } from "../config/stacks";
import { inventoryValues } from "./inventoryValues";

/**
 * The VPS `racknerd-aegis` (seed L1 and L3): one Docker host reached over SSH on its own
 * sshd port, four segmented networks, seven stacks. Pulumi does not depend on the
 * Pangolin tunnel it manages: SSH is the management path.
 */
export function vps() {
  const config = loadVpsConfig();

  const secrets = new StackSecrets("vps", {
    generated: config.generatedSecrets,
    configSecretKeys: configSecretKeysIn(inventoryValues(config.dockerStacks)),
  });

  const estate = deployDockerEstate(config.dockerHosts, config.dockerStacks, secrets);

  return {
    dockerHosts: Object.fromEntries(Object.entries(config.dockerHosts).map(([name, host]) => [name, { address: host.address, sshPort: host.sshPort }])),
    networks: Object.fromEntries(Object.entries(estate.networks).map(([host, networks]) => [host, Object.keys(networks)])),
    containers: Object.fromEntries(Object.entries(estate.stacks).map(([name, stack]) => [name, Object.keys(stack.containers)])),
  };
}
