import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { HOST_ISOLATION_OPTION, NETWORK_LABELS } from "../../policy/contract/labels";
import { runsInEstate } from "../../config/docker";
import type { DockerHost } from "../docker-host/dockerHost";

export interface NetworkSegmentationArgs {
  /** The host whose declared networks these are, and whose provider creates them. */
  host: DockerHost;
}

/**
 * The user-defined Docker networks of one host: the segmentation that decides which
 * containers can reach each other (seed L3). Networks are resources here, where the
 * original created them by hand, so `internal` is declared and checked by the policy pack.
 */
export class NetworkSegmentation extends pulumi.ComponentResource {
  readonly networks: Record<string, docker.Network> = {};

  constructor(name: string, args: NetworkSegmentationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homeops:docker:NetworkSegmentation", name, {}, opts);
    const { host } = args;
    for (const [networkName, spec] of Object.entries(host.spec.networks)) {
      const labels = [
        { label: NETWORK_LABELS.host, value: host.hostName },
        ...(spec.egressReason ? [{ label: NETWORK_LABELS.egressReason, value: spec.egressReason }] : []),
      ];
      this.networks[networkName] = new docker.Network(
        `${name}/${networkName}`,
        {
          name: networkName,
          driver: "bridge",
          internal: spec.internal,
          labels,
          options: spec.isolatedFromHost ? { [HOST_ISOLATION_OPTION]: "isolated" } : undefined,
        },
        // The name is fixed (containers and compose files refer to it), so a replacement
        // must remove the old network first. An adopted network keeps the labels it runs
        // with (compose's): Docker would replace it, with every container on it, to change one.
        { parent: this, provider: host.provider, deleteBeforeReplace: true, ignoreChanges: runsInEstate(spec, "network") ? ["labels"] : [] },
      );
    }
    this.registerOutputs({ networks: Object.keys(this.networks) });
  }
}
