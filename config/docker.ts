import { isIPv4 } from "node:net";
import { z } from "zod";
import { NAMESPACE_MODE_PREFIX, type DeclaredPort } from "../policy/contract/docker";
import { TRUST_ZONES } from "../policy/contract/labels";
import { hostAddress, ipAddress, portAndProtocol, portNumber } from "./addresses";
import { imageReferenceSchema } from "./image";
import { valueSchema } from "./values";

const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "must be a lowercase DNS label (a-z, 0-9, '-')");
/** Docker's own rule for network names, which allows the `_` compose-era networks carry. */
export const dockerNetworkName = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, "must be a Docker network name (letters, digits, '_', '.', '-')");
const duration = z.string().regex(/^(\d+(ns|us|ms|s|m|h))+$/, "must be a Go duration like 30s or 1m30s");

/** A published port, compose style: `[ip:][external:]internal[/tcp|udp]`. */
const PORT = /^(?:(\d{1,3}(?:\.\d{1,3}){3}):)?(?:(\d{1,5}):)?(\d{1,5})(?:\/(tcp|udp))?$/;
export const portSchema = z.string().transform((text, ctx): DeclaredPort => {
  const match = PORT.exec(text);
  const internal = Number(match?.[3]);
  const external = match?.[2] ? Number(match[2]) : internal;
  if (!match || (match[1] !== undefined && !isIPv4(match[1])) || [internal, external].some((port) => port < 1 || port > 65535)) {
    ctx.addIssue({ code: "custom", message: `"${text}" is not a port; use [ip:][external:]internal[/tcp|udp] with an IPv4 ip and ports 1-65535` });
    return z.NEVER;
  }
  return { ip: match[1] ?? "0.0.0.0", external, internal, protocol: (match[4] as "tcp" | "udp" | undefined) ?? "tcp" };
});

/** A mount, compose style: `source:target[:ro]`; source is a stack volume name or an absolute host path. */
export interface Mount {
  source: string;
  kind: "volume" | "bind";
  target: string;
  readOnly: boolean;
}
export const mountSchema = z.string().transform((text, ctx): Mount => {
  const [source, target, mode, ...rest] = text.split(":");
  if (!source || !target?.startsWith("/") || rest.length > 0 || (mode !== undefined && mode !== "ro" && mode !== "rw")) {
    ctx.addIssue({ code: "custom", message: `"${text}" is not a mount; use <volume or /host/path>:/container/path[:ro]` });
    return z.NEVER;
  }
  return { source, kind: source.startsWith("/") ? "bind" : "volume", target, readOnly: mode === "ro" };
});

/** A device, compose style: `/dev/host[:/dev/container[:rwm]]`. */
export const deviceSchema = z.string().regex(/^\/dev\/[^:]+(:\/dev\/[^:]+(:[rwm]+)?)?$/, "must be /dev/host[:/dev/container[:rwm]]");

export const healthcheckSchema = z
  .object({
    test: z.array(z.string()).min(1),
    interval: duration.default("30s"),
    timeout: duration.default("10s"),
    retries: z.number().int().min(1).default(3),
    startPeriod: duration.default("10s"),
  })
  .strict();

/**
 * Where the program differs on purpose from the running estate (`npm run adopt -- --check`
 * compares the two): the field that differs (`memoryMb`, `env.LDAP_BIND_DN`, `internal`)
 * and why. A difference not declared here fails the estate comparison.
 */
export const deviationsSchema = z
  .array(z.object({ field: z.string().min(1), reason: z.string().min(1) }).strict())
  .default([]);
export type Deviation = z.infer<typeof deviationsSchema>[number];

/**
 * Whether the estate runs this stack or network today. The stack files declare the live
 * estate, so everything does, except where a deviation on `stack` or `network` says the
 * estate lacks it (`npm run adopt -- --check`).
 */
export function runsInEstate(declared: { deviations?: readonly { field: string }[] }, field: "stack" | "network"): boolean {
  return !(declared.deviations ?? []).some((deviation) => deviation.field === field);
}

const loggingSchema = z.object({ driver: z.string(), options: z.record(z.string(), z.string()) }).strict();
const restartSchema = z.enum(["no", "always", "unless-stopped", "on-failure"]);

export const containerSchema = z
  .object({
    name: dnsLabel,
    /** `repository:tag` or `repository:tag@sha256:<digest>`: `latest` or a missing tag is refused. */
    image: imageReferenceSchema,
    zone: z.enum(TRUST_ZONES),
    /** Networks on this host the container joins (mutually exclusive with networkMode). */
    networks: z.array(z.string()).default([]),
    /** `host`, or `container:<name>` to share another container's network namespace. */
    networkMode: z.union([z.literal("host"), z.string().regex(new RegExp(`^${NAMESPACE_MODE_PREFIX}[a-z0-9-]+$`), "must be host or container:<name>")]).optional(),
    ports: z.array(portSchema).default([]),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name"), valueSchema).default({}),
    /** Files written into the container before it starts (content may be a secret). */
    files: z.array(z.object({ path: z.string().startsWith("/"), content: valueSchema }).strict()).default([]),
    mounts: z.array(mountSchema).default([]),
    devices: z.array(deviceSchema).default([]),
    capAdd: z.array(z.string().regex(/^[A-Z_]+$/)).default([]),
    capDrop: z.array(z.string().regex(/^[A-Z_]+$/)).default([]),
    privileged: z.boolean().default(false),
    /** Size of /dev/shm in MB (Frigate decodes camera frames there). */
    shmSizeMb: z.number().int().positive().optional(),
    /** tmpfs mounts: container path to mount options, e.g. `size=1000000000`. */
    tmpfs: z.record(z.string().startsWith("/"), z.string()).default({}),
    securityOpts: z.array(z.string()).default([]),
    /**
     * Docker labels for the container's own consumers (Traefik's Docker provider routes by
     * them). Plain text only, never a secret; `homeops.*` is reserved for the policy labels.
     */
    labels: z
      .record(z.string().refine((label) => !label.startsWith("homeops."), "homeops.* labels are set by the program"), z.string())
      .default({}),
    command: z.array(z.string()).optional(),
    /** Replaces the image's entrypoint (compose `entrypoint`). */
    entrypoint: z.array(z.string()).optional(),
    user: z.string().optional(),
    /** Run an init process as PID 1 that reaps zombies (compose `init`). */
    init: z.boolean().optional(),
    sysctls: z.record(z.string(), z.string()).default({}),
    /** DNS servers instead of the host's resolver. */
    dns: z.array(ipAddress).default([]),
    tty: z.boolean().default(false),
    stdinOpen: z.boolean().default(false),
    /** How long `docker stop` waits before killing (compose `stop_grace_period`). */
    stopGracePeriod: duration.optional(),
    /** Overrides the host's restart policy for this container. */
    restart: restartSchema.optional(),
    /** Overrides the host's logging for this container. */
    logging: loggingSchema.optional(),
    /** More names this container answers to on each of its networks (compose's service name). */
    aliases: z.array(z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, "must be a network alias")).default([]),
    healthcheck: healthcheckSchema.optional(),
    /**
     * The image defines its own HEALTHCHECK, which Docker runs when the container sets none:
     * another container may wait for this one to be healthy without a `healthcheck` here.
     */
    imageHealthcheck: z.boolean().default(false),
    /** Memory limit in MB: required for every container (policy and capacity check). */
    memoryMb: z.number().int().positive(),
    memoryReservationMb: z.number().int().positive().optional(),
    /** Containers on the same host this one needs, and whether started or healthy. */
    dependsOn: z.record(z.string(), z.enum(["started", "healthy"])).default({}),
    /** Containers the estate explicitly allows to reach this one across trust zones. */
    reachableFrom: z.array(z.string()).default([]),
    /** Containers allowed to join this container's network namespace. */
    netnsSharedWith: z.array(z.string()).default([]),
    deviations: deviationsSchema,
  })
  .strict()
  .refine((c) => !(c.networkMode && c.networks.length > 0), {
    message: "networks and networkMode exclude each other",
    path: ["networkMode"],
  });
export type ContainerSpec = z.infer<typeof containerSchema>;

export const dockerStackSchema = z
  .object({
    name: dnsLabel,
    host: z.string(),
    /**
     * Restarting this stack's containers cuts a tunnel (the seed never batch-redeploys
     * it): its containers are protected, so replacing one is a deliberate act.
     */
    tunnelCritical: z.boolean().default(false),
    /** Named volumes; data in them is protected and kept on delete. */
    volumes: z
      .record(
        dnsLabel,
        z
          .object({
            /** The Docker volume name on the host; defaults to compose's `<stack>_<volume>`. */
            dockerName: z.string().optional(),
            /**
             * Another stack of the host owns this volume (or nothing does): it is only mounted
             * by name here, never created, imported or protected by this stack.
             */
            external: z.boolean().optional(),
          })
          .strict(),
      )
      .default({}),
    containers: z.array(containerSchema).min(1),
    /** Stack-level differences from the estate (`volumes.<name>`, a container the estate lacks). */
    deviations: deviationsSchema,
  })
  .strict();
export type DockerStackSpec = z.infer<typeof dockerStackSchema>;

export const dockerNetworkSchema = z
  .object({
    purpose: z.string(),
    /** No route out of the host: for networks whose members need no egress. */
    internal: z.boolean().default(false),
    /** Why a network holding identity or management containers is not internal. */
    egressReason: z.string().optional(),
    /**
     * Leave the host without an address on this bridge, so host-network containers cannot
     * reach its members either (Docker 28+: `gateway_mode_ipv4=isolated`, internal only).
     */
    isolatedFromHost: z.boolean().default(false),
    deviations: deviationsSchema,
  })
  .strict()
  .refine((network) => !network.isolatedFromHost || network.internal, {
    message: "isolatedFromHost needs internal: true (Docker isolates only internal bridges from the host)",
    path: ["isolatedFromHost"],
  });

export const dockerHostSchema = z
  .object({
    address: hostAddress,
    sshUser: z.string().regex(/^[a-z_][a-z0-9_-]*$/, "must be a Unix user name"),
    sshPort: portNumber.default(22),
    /** Extra options for the ssh client the Docker provider runs, e.g. ["-i", "~/.ssh/id_ed25519"]. */
    sshOptions: z.array(z.string()).default([]),
    /** Memory the host can give its containers, in MB; container limits must fit in it. */
    memoryMb: z.number().int().positive(),
    /** Ports that may be published on public addresses, as `port/protocol`. */
    publicPorts: z.array(portAndProtocol).optional(),
    networks: z.record(dockerNetworkName, dockerNetworkSchema).default({}),
    /** Containers allowed the host's network stack; the policy pack refuses any other. */
    hostNetworkAllowed: z.array(z.string()).default([]),
    /** Containers allowed to mount the Docker socket (control of the whole host). */
    dockerSocketAllowed: z.array(z.string()).default([]),
    /** Every container on this host must run an image pinned by digest (the policy pack's docker-image-digest-pinned). */
    requireImageDigests: z.boolean().default(false),
    /** Defaults every container on this host gets. */
    restart: restartSchema.default("unless-stopped"),
    logging: loggingSchema.default({ driver: "json-file", options: { "max-size": "10m", "max-file": "3" } }),
  })
  .strict();
export type DockerHostSpec = z.infer<typeof dockerHostSchema>;

export const dockerHostsSchema = z.record(dnsLabel, dockerHostSchema);
export const dockerStacksSchema = z.array(dockerStackSchema);
