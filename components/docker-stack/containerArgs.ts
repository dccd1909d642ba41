import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { ContainerSpec, DockerHostSpec } from "../../config/docker";
import { isSecretRef, type Value } from "../../config/values";
import { joinNamespace, namespaceOwner } from "../../policy/contract/docker";
import { LABELS } from "../../policy/contract/labels";

/** What a container's arguments refer to outside its own spec. */
export interface ContainerContext {
  hostName: string;
  stackName: string;
  host: DockerHostSpec;
  /** The pulled image's id, so a new pull replaces the container. */
  image: pulumi.Input<string>;
  network(name: string): pulumi.Input<string>;
  volume(name: string): pulumi.Input<string>;
  /** Name of another container on the host (for `network_mode: container:<name>`). */
  container(name: string): pulumi.Input<string>;
  resolve(value: Value): pulumi.Input<string>;
  /** Another container waits for this one to be healthy: creation blocks until it is. */
  waitForHealthy: boolean;
}

/** Translates one inventory container into the Docker provider's arguments. */
export function containerArgs(spec: ContainerSpec, context: ContainerContext): docker.ContainerArgs {
  return {
    name: spec.name,
    image: context.image,
    restart: spec.restart ?? context.host.restart,
    logDriver: (spec.logging ?? context.host.logging).driver,
    logOpts: (spec.logging ?? context.host.logging).options,
    memory: spec.memoryMb,
    memoryReservation: spec.memoryReservationMb,
    labels: containerLabels(spec, context),
    ...networking(spec, context),
    ports: spec.ports.map((port) => ({ internal: port.internal, external: port.external, ip: port.ip, protocol: port.protocol })),
    envs: secretAware(
      Object.entries(spec.env).map(([name, value]) => [name, value] as const),
      ([, value]) => value,
      ([name], resolved) => `${name}=${resolved}`,
      context,
    ),
    uploads: secretAware(
      spec.files,
      (file) => file.content,
      (file, resolved) => ({ file: file.path, content: resolved }),
      context,
    ),
    volumes: spec.mounts.map((mount) =>
      mount.kind === "volume"
        ? { volumeName: context.volume(mount.source), containerPath: mount.target, readOnly: mount.readOnly }
        : { hostPath: mount.source, containerPath: mount.target, readOnly: mount.readOnly },
    ),
    devices: spec.devices.map((device) => {
      const [hostPath, containerPath = hostPath, permissions = "rwm"] = device.split(":");
      return { hostPath, containerPath, permissions };
    }),
    capabilities: spec.capAdd.length + spec.capDrop.length > 0 ? { adds: spec.capAdd, drops: spec.capDrop } : undefined,
    privileged: spec.privileged || undefined,
    shmSize: spec.shmSizeMb,
    tmpfs: Object.keys(spec.tmpfs).length > 0 ? spec.tmpfs : undefined,
    securityOpts: spec.securityOpts.length > 0 ? spec.securityOpts : undefined,
    command: spec.command,
    entrypoints: spec.entrypoint,
    user: spec.user,
    init: spec.init,
    sysctls: Object.keys(spec.sysctls).length > 0 ? spec.sysctls : undefined,
    dns: spec.dns.length > 0 ? spec.dns : undefined,
    tty: spec.tty || undefined,
    stdinOpen: spec.stdinOpen || undefined,
    stopTimeout: spec.stopGracePeriod === undefined ? undefined : durationSeconds(spec.stopGracePeriod),
    healthcheck: spec.healthcheck && {
      tests: spec.healthcheck.test,
      interval: spec.healthcheck.interval,
      timeout: spec.healthcheck.timeout,
      retries: spec.healthcheck.retries,
      startPeriod: spec.healthcheck.startPeriod,
    },
    wait: context.waitForHealthy || undefined,
  };
}

function containerLabels(spec: ContainerSpec, context: ContainerContext): docker.types.input.ContainerLabel[] {
  const labels: [string, string][] = [
    ...Object.entries(spec.labels),
    [LABELS.host, context.hostName],
    [LABELS.stack, context.stackName],
    [LABELS.zone, spec.zone],
    [LABELS.image, spec.image],
  ];
  if (spec.reachableFrom.length > 0) labels.push([LABELS.reachableFrom, spec.reachableFrom.join(",")]);
  if (spec.netnsSharedWith.length > 0) labels.push([LABELS.netnsSharedWith, spec.netnsSharedWith.join(",")]);
  return labels.map(([label, value]) => ({ label, value }));
}

/**
 * Docker attaches a container to the default bridge unless its network mode names a
 * network, so the first declared network is the mode (as compose does) and all of them
 * are listed: no container lands on the shared default bridge by accident.
 */
function networking(spec: ContainerSpec, context: ContainerContext): Pick<docker.ContainerArgs, "networkMode" | "networksAdvanced"> {
  if (spec.networkMode === "host") return { networkMode: "host" };
  const owner = namespaceOwner(spec.networkMode);
  if (owner) return { networkMode: pulumi.output(context.container(owner)).apply(joinNamespace) };
  if (spec.networks.length === 0) return {};
  return {
    networkMode: context.network(spec.networks[0]),
    networksAdvanced: spec.networks.map((network) => ({ name: context.network(network), aliases: [spec.name, ...spec.aliases] })),
  };
}

const SECONDS_PER_UNIT: Record<string, number> = { ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** A Go duration (`1m30s`) in whole seconds, as Docker's stop timeout takes it. */
export function durationSeconds(duration: string): number {
  const seconds = [...duration.matchAll(/(\d+)(ns|us|ms|s|m|h)/g)].reduce((sum, [, amount, unit]) => sum + Number(amount) * SECONDS_PER_UNIT[unit], 0);
  return Math.round(seconds);
}

/**
 * Builds a list whose entries may carry secrets. With any secret among them, the whole
 * list becomes one secret Output, so no part of it is stored or shown in plaintext.
 */
function secretAware<Item, Result>(
  items: readonly Item[],
  valueOf: (item: Item) => Value,
  build: (item: Item, resolved: string) => Result,
  context: ContainerContext,
): pulumi.Input<Result[]> | undefined {
  if (items.length === 0) return undefined;
  if (!items.some((item) => isSecretRef(valueOf(item)))) return items.map((item) => build(item, valueOf(item) as string));
  const resolved = pulumi.all(items.map((item) => context.resolve(valueOf(item))));
  const built = resolved.apply((values) => items.map((item, index) => build(item, values[index])));
  // Result holds no Outputs, so the unwrapped type apply reports is Result itself.
  return pulumi.secret(built) as pulumi.Output<Result[]>;
}
