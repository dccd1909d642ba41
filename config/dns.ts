import { z } from "zod";
import { ipv4Address } from "./addresses";
import { cloudflareTunnelSchema } from "./cloudflareTunnel";
import { dnsLabel, invalid, secretRefSchema } from "./platform";
import type { Value } from "./values";

/** The DNS providers a zone can live in; the same records are written to either. */
export const DNS_PROVIDERS = ["route53", "cloudflare"] as const;
export type DnsProvider = (typeof DNS_PROVIDERS)[number];

export const RECORD_TYPES = ["A", "AAAA", "CNAME", "TXT"] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/**
 * A record value: literal text (an address, a host name, TXT content), or
 * `{vpsHost: <name>}`, the public address of that Docker host of the vps stack.
 */
export const recordValueSchema = z.union([z.string().min(1), z.object({ vpsHost: dnsLabel }).strict()], {
  error: invalid("must be a value or {vpsHost: <Docker host of the vps stack>}"),
});
export type RecordValue = z.infer<typeof recordValueSchema>;

export const dnsRecordSchema = z
  .object({
    /** Relative to the zone: `@` is the apex, `*` the wildcard, `*.proxy`, `komodo`. */
    name: z.string().regex(/^(@|(\*\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9])?)*|\*)$/, "must be @, * or a name relative to the zone"),
    type: z.enum(RECORD_TYPES),
    values: z.array(recordValueSchema).min(1),
    /** Seconds; Cloudflare sets its own TTL on proxied records. */
    ttl: z.number().int().min(60).max(86400).default(300),
    /** Cloudflare only: serve the record through Cloudflare's proxy. */
    proxied: z.boolean().optional(),
  })
  .strict();
export type DnsRecordSpec = z.infer<typeof dnsRecordSchema>;

/**
 * Where `{vpsHost}` values come from: `fromStack` reads the vps stack's `dockerHosts`
 * output through a StackReference (`<organization>/<project>/<stack>`, as
 * `pulumi stack ls -a` shows it; a self-managed backend's organization is `organization`);
 * `fromConfig` gives the addresses, for when that stack is not deployed.
 */
export const vpsAddressesSchema = z.union(
  [
    z.object({ fromStack: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "must be <organization>/<project>/<stack>") }).strict(),
    z.object({ fromConfig: z.record(dnsLabel, ipv4Address) }).strict(),
  ],
  { error: invalid("must be {fromStack: <organization>/<project>/<stack>} or {fromConfig: {<host>: <address>}}") },
);
export type VpsAddressesSpec = z.infer<typeof vpsAddressesSchema>;

export const dnsSchema = z
  .object({
    provider: z.enum(DNS_PROVIDERS),
    /** The zone's domain, e.g. sharmamohit.com. */
    zone: z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a DNS domain like example.com"),
    /**
     * The id of the zone as it exists today (Route53 hosted zone id, Cloudflare zone id): the
     * first `pulumi up` adopts it instead of creating a second zone with other name servers.
     */
    existingZoneId: z.string().min(1).optional(),
    route53: z.object({ region: z.string().min(1) }).strict().optional(),
    cloudflare: z
      .object({
        accountId: z.string().regex(/^[a-f0-9]{32}$/, "must be a Cloudflare account id (32 hex digits)"),
        /** The token this program manages the zone with (Zone:DNS:Edit and Zone:Zone:Read on it). */
        apiToken: secretRefSchema,
        /** The token cert-manager solves DNS-01 with (Zone:DNS:Edit on this zone only). */
        acmeApiToken: secretRefSchema,
        /** A Cloudflare Tunnel publishing hostnames of the zone without opening a port (README, "A Cloudflare Tunnel"). */
        tunnel: cloudflareTunnelSchema.optional(),
      })
      .strict()
      .optional(),
    vpsAddresses: vpsAddressesSchema.optional(),
    records: z.array(dnsRecordSchema).default([]),
  })
  .strict();
export type DnsSpec = z.infer<typeof dnsSchema>;

/** The DNS settings' secret references as inventory values. */
export function dnsValues(dns: DnsSpec): Value[] {
  return dns.cloudflare ? [dns.cloudflare.apiToken, dns.cloudflare.acmeApiToken] : [];
}
