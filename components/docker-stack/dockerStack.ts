import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { startAfter } from "../../model/order";
import { runsInEstate, type DockerStackSpec } from "../../config/docker";
import type { DockerHost } from "../docker-host/dockerHost";
import type { StackSecrets } from "../secrets/stackSecrets";
import { containerArgs } from "./containerArgs";
import { containerCreationOrder } from "./order";

/**
 * What an adopted container keeps as it runs. kreuzwerker/terraform-provider-docker, which
 * @pulumi/docker wraps, does not read these back from a running container on import
 * (resource_docker_container_funcs.go, resourceDockerContainerRead): labels and env ("taken
 * over from the Docker image"), `volumes` and `upload` never; `ports`, `devices`, `log_opts`
 * and `networks_advanced` only when the state already has them, which an import's does not;
 * `network_mode` it reads as Docker holds it (`container:<id>`, compose's primary network),
 * not as written. All are ForceNew, so after `pulumi import` each would differ from the
 * program's value and replace the container.
 * The policy pack reads what they declare from its configuration instead (`declared`, written
 * by `npm run plan -- <stack> --policy-config`); a change to one reaches the host when the
 * container is recreated deliberately (`pulumi up --replace <urn>`, README). A plain replace
 * would create the new container from the imported state, without them: adopted containers
 * are protected, so that never happens by surprise.
 */
const KEPT_AS_THEY_RUN = ["labels", "envs", "volumes", "uploads", "ports", "devices", "logOpts", "networksAdvanced", "networkMode"] as const;

export interface DockerStackArgs {
  host: DockerHost;
  spec: DockerStackSpec;
  /** The host's user-defined networks by name. */
  networks: Record<string, docker.Network>;
  secrets: StackSecrets;
  /**
   * The containers of the host's stacks created before this one (their `containers`), which
   * this stack's containers may wait for or share a network namespace with.
   */
  earlierContainers: Readonly<Record<string, docker.Container>>;
  /** Containers another one waits for in the healthy state. */
  awaitedHealthy: ReadonlySet<string>;
}

/**
 * A named group of containers and volumes on one host: what a compose project is in the
 * original. Images are pulled and pinned; data volumes are protected and outlive the stack.
 */
export class DockerStack extends pulumi.ComponentResource {
  readonly containers: Record<string, docker.Container> = {};

  constructor(name: string, args: DockerStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homeops:docker:Stack", name, {}, opts);
    const { host, spec } = args;
    const onHost = { parent: this, provider: host.provider };
    const adopted = runsInEstate(spec, "stack");

    const volumes = Object.fromEntries(
      Object.entries(spec.volumes).map(([volumeName, volume]): [string, pulumi.Input<string>] => {
        // The running estate's volume name (compose's `<stack>_<volume>` unless given), so
        // `pulumi import` adopts the existing data.
        const dockerName = volumeDockerName(spec.name, volumeName, volume);
        // Another stack owns it: mounted by name, managed there.
        if (volume.external) return [volumeName, dockerName];
        const created = new docker.Volume(
          `${name}/${volumeName}`,
          { name: dockerName },
          // Labels are set by whoever created the volume (compose); changing them would
          // replace the volume and its data.
          { ...onHost, protect: true, retainOnDelete: true, ignoreChanges: ["labels"] },
        );
        return [volumeName, created.name];
      }),
    );

    for (const container of containerCreationOrder(spec)) {
      const resolveContainer = (needed: string) => {
        const found = this.containers[needed] ?? args.earlierContainers[needed];
        if (!found) throw new Error(`container ${container.name} needs ${needed}, which is not created before it on ${host.hostName}`);
        return found;
      };
      const created = new docker.Container(
        `${name}/${container.name}`,
        containerArgs(container, {
          hostName: host.hostName,
          stackName: spec.name,
          host: host.spec,
          image: host.pull(container.image).imageId,
          network: (network) => args.networks[network].name,
          volume: (volume) => volumes[volume],
          container: (other) => resolveContainer(other).name,
          resolve: (value) => args.secrets.resolve(value),
          waitForHealthy: args.awaitedHealthy.has(container.name),
        }),
        {
          ...onHost,
          dependsOn: startAfter(container).map(resolveContainer),
          // The container name is fixed, so the old one must go before its replacement starts.
          deleteBeforeReplace: true,
          // A tunnel-critical container is replaced only after `pulumi state unprotect`; so is an
          // adopted one, whose state lacks what the provider does not read back (KEPT_AS_THEY_RUN):
          // only `pulumi up --replace <urn>` creates its replacement from the stack file in full.
          protect: spec.tunnelCritical || adopted,
          ignoreChanges: adopted ? [...KEPT_AS_THEY_RUN] : [],
        },
      );
      this.containers[container.name] = created;
    }
    this.registerOutputs({ containers: Object.keys(this.containers) });
  }
}

/** A stack volume's name on its host: compose's `<stack>_<volume>` unless the stack file names it. */
export function volumeDockerName(stackName: string, volumeName: string, volume: { dockerName?: string }): string {
  return volume.dockerName ?? `${stackName}_${volumeName}`;
}
