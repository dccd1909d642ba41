import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { DockerHostSpec, DockerStackSpec } from "../../config/docker";
import { DockerHost } from "../docker-host/dockerHost";
import { NetworkSegmentation } from "../network-segmentation/networkSegmentation";
import type { StackSecrets } from "../secrets/stackSecrets";
import { DockerStack } from "./dockerStack";
import { awaitedHealthy, stackCreationOrder } from "./order";

export interface DockerEstate {
  hosts: Record<string, DockerHost>;
  networks: Record<string, Record<string, docker.Network>>;
  stacks: Record<string, DockerStack>;
}

/**
 * Every Docker host of an inventory with its networks and stacks: each host reached
 * over SSH, its segmentation created, its stacks in dependency order.
 */
export function deployDockerEstate(
  hostSpecs: Record<string, DockerHostSpec>,
  stackSpecs: DockerStackSpec[],
  secrets: StackSecrets,
  opts?: pulumi.ComponentResourceOptions,
): DockerEstate {
  const estate: DockerEstate = { hosts: {}, networks: {}, stacks: {} };
  for (const [hostName, hostSpec] of Object.entries(hostSpecs)) {
    const host = new DockerHost(hostName, hostSpec, opts);
    const segmentation = new NetworkSegmentation(hostName, { host }, { parent: host });
    const stacksOnHost = stackSpecs.filter((stack) => stack.host === hostName);
    const waitedFor = awaitedHealthy(stacksOnHost);
    let earlierContainers: Record<string, docker.Container> = {};
    for (const spec of stackCreationOrder(stacksOnHost)) {
      const stack = new DockerStack(
        spec.name,
        { host, spec, networks: segmentation.networks, secrets, earlierContainers, awaitedHealthy: waitedFor },
        { parent: host },
      );
      estate.stacks[spec.name] = stack;
      earlierContainers = { ...earlierContainers, ...stack.containers };
    }
    estate.hosts[hostName] = host;
    estate.networks[hostName] = segmentation.networks;
  }
  return estate;
}
