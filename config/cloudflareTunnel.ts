import { z } from "zod";
import { dockerNetworkName, dockerStackSchema, type DockerStackSpec } from "./docker";
import { imageReferenceSchema } from "./image";
import { dnsLabel, namespaceSchema } from "./platformReleases";

/**
 * The cloudflared image the connector runs unless the stack file names another: pinned to a
 * release tag (cloudflared publishes one per release, `YYYY.M.P`).
 */
export const CLOUDFLARED_IMAGE = "cloudflare/cloudflared:2025.9.1";

/** Relative to the zone, as `homeops:dns.records` names are: `@`, `grafana`, `*.apps`. */
const tunnelHostname = z
  .string()
  .regex(/^(@|(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\*)$/, "must be @, * or a host name relative to the zone");

/**
 * Where cloudflared sends a hostname's requests. The schemes are the ones the tunnel's
 * ingress accepts for an origin (http, https, tcp, ssh, rdp, smb, unix, unix+tls, each with
 * an address), or `http_status:<code>` to answer without an origin.
 */
const ORIGIN = /^(https?|tcp|ssh|rdp|smb):\/\/[^/\s:]+(:\d{1,5})?(\/\S*)?$|^unix(\+tls)?:\/\/\/\S+$|^http_status:[1-5]\d\d$/;
export const tunnelServiceSchema = z
  .string()
  .regex(ORIGIN, "must be <http|https|tcp|ssh|rdp|smb>://<host>[:port], unix[+tls]:///<socket path>, or http_status:<code>");

export const tunnelIngressSchema = z
  .object({
    hostname: tunnelHostname,
    service: tunnelServiceSchema,
    /** Only requests whose path matches this regular expression take this rule. */
    path: z.string().min(1).optional(),
    /** The origin's certificate is not checked (an origin with a self-signed one, such as Proxmox's UI). */
    noTlsVerify: z.boolean().optional(),
  })
  .strict();
export type TunnelIngressSpec = z.infer<typeof tunnelIngressSchema>;

/** cloudflared as a container on one of the stack's Docker hosts. */
const dockerConnectorSchema = z
  .object({
    host: dnsLabel,
    /** The host's networks the container joins: those of the containers it forwards to, and one with egress to Cloudflare. */
    networks: z.array(dockerNetworkName).min(1),
    /**
     * cloudflared carries the internet's requests in, like Newt: zone `tunnel`, which the
     * isolation policies treat as internet-facing (as `edge`), so it reaches an identity or
     * management container only where that one allows it (`reachableFrom`).
     */
    zone: z.enum(["edge", "tunnel"]).default("tunnel"),
    memoryMb: z.number().int().positive(),
    image: imageReferenceSchema.default(CLOUDFLARED_IMAGE),
  })
  .strict();
export type DockerConnectorSpec = z.infer<typeof dockerConnectorSchema>;

/** cloudflared as a Deployment in the cluster the platform manages, in a namespace of its own. */
const kubernetesConnectorSchema = z
  .object({
    namespace: dnsLabel.default("cloudflared"),
    /** Connectors of the one tunnel: Cloudflare spreads the requests over them. */
    replicas: z.number().int().min(1).max(10).default(2),
    memoryMb: z.number().int().positive(),
    image: imageReferenceSchema.default(CLOUDFLARED_IMAGE),
    /** Where cloudflared may send requests, as NetworkPolicy allowances (the origins' namespaces); DNS and Cloudflare's edge are always allowed. */
    egress: namespaceSchema.shape.egress,
  })
  .strict();
export type KubernetesConnectorSpec = z.infer<typeof kubernetesConnectorSchema>;

/** Where cloudflared runs: exactly one of the two (an object rather than a union, so a mistake inside one is reported at its own key). */
export const tunnelConnectorSchema = z
  .object({ docker: dockerConnectorSchema.optional(), kubernetes: kubernetesConnectorSchema.optional() })
  .strict()
  .refine((connector) => (connector.docker === undefined) !== (connector.kubernetes === undefined), "must be exactly one of {docker: {host, networks, memoryMb}} and {kubernetes: {memoryMb, egress}}");
export type TunnelConnectorSpec = z.infer<typeof tunnelConnectorSchema>;

/**
 * One remotely managed Cloudflare Tunnel for the zone: its public hostnames and where each
 * goes, and where cloudflared runs. One tunnel carries any number of hostnames.
 */
export const cloudflareTunnelSchema = z
  .object({
    /** The tunnel's name in Cloudflare's dashboard. */
    name: dnsLabel,
    /** In order: cloudflared takes the first rule that matches; anything else is answered 404. */
    ingress: z.array(tunnelIngressSchema).min(1),
    connector: tunnelConnectorSchema,
  })
  .strict();
export type CloudflareTunnelSpec = z.infer<typeof cloudflareTunnelSchema>;

/** The Docker stack and container that run a Docker connector (unique among the stacks and on the host: the checks refuse a clash). */
export const CONNECTOR_NAME = "cloudflared";
/**
 * The program-made secret the connector's token is resolved as (`{generated: ...}`): the
 * token is built from the tunnel's generated secret, so it exists only in the state.
 */
export const TUNNEL_TOKEN_SECRET = "cloudflare-tunnel-token";

/**
 * The Docker stack a Docker connector is, as if the stack file declared it: the program
 * deploys it with the other stacks of its host, and the policy pack judges it like them.
 */
export function connectorDockerStack(tunnel: CloudflareTunnelSpec | undefined): DockerStackSpec | undefined {
  const connector = tunnel?.connector.docker;
  if (!connector) return undefined;
  return dockerStackSchema.parse({
    name: CONNECTOR_NAME,
    host: connector.host,
    containers: [
      {
        name: CONNECTOR_NAME,
        image: connector.image,
        zone: connector.zone,
        networks: connector.networks,
        // The token names the tunnel; its ingress rules come from Cloudflare (remotely managed).
        command: ["tunnel", "--no-autoupdate", "run"],
        env: { TUNNEL_TOKEN: { generated: TUNNEL_TOKEN_SECRET } },
        capDrop: ["ALL"],
        securityOpts: ["no-new-privileges:true"],
        memoryMb: connector.memoryMb,
      },
    ],
  });
}
