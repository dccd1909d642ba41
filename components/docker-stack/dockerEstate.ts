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
    const segmentation = new NetworkSegmentation(host);
    const stacksOnHost = stackSpecs.filter((stack) => stack.host === hostName);
    const hostContainers = new Map<string, docker.Container>();
    const waitedFor = awaitedHealthy(stacksOnHost);
    for (const spec of stackCreationOrder(stacksOnHost)) {
      estate.stacks[spec.name] = new DockerStack(spec.name, {
        host,
        spec,
        networks: segmentation.networks,
        secrets,
        hostContainers,
        awaitedHealthy: waitedFor,
      });
    }
    estate.hosts[hostName] = host;
    estate.networks[hostName] = segmentation.networks;
  }
  return estate;
}
