/**
 * How records are laid out per provider, as plain data: Route53 keeps every value of a
 * name and type in one record set, Cloudflare has one record per value and its own TTL
 * for proxied records. No Pulumi resources here.
 */
import type { DnsProvider, RecordType } from "../../config/dns";

/** A record value once resolved; `key` names it stably (the literal, or where it came from). */
export interface ResolvedValue<V> {
  key: string;
  value: V;
}

export interface ResolvedRecord<V> {
  /** Relative to the zone: `@`, `*`, `*.proxy`, `komodo`. */
  name: string;
  type: RecordType;
  values: ResolvedValue<V>[];
  ttl: number;
  proxied?: boolean;
}

/** One record as the provider stores it. */
export interface ProviderRecord<V> {
  /**
   * Logical resource name relative to the zone (`proxy/A`): stable while the record's name,
   * type (and, for Cloudflare, value) stay. The zone component prefixes its own name.
   */
  resourceName: string;
  fqdn: string;
  type: RecordType;
  values: V[];
  ttl: number;
  proxied?: boolean;
}

/** Cloudflare's "automatic" TTL, the only one a proxied record takes. */
export const CLOUDFLARE_AUTOMATIC_TTL = 1;

export function fqdn(name: string, zone: string): string {
  return name === "@" ? zone : `${name}.${zone}`;
}

export function providerRecords<V>(provider: DnsProvider, zone: string, records: readonly ResolvedRecord<V>[]): ProviderRecord<V>[] {
  return records.flatMap((record) => {
    const name = fqdn(record.name, zone);
    if (provider === "route53") {
      return [{ resourceName: `${record.name}/${record.type}`, fqdn: name, type: record.type, values: record.values.map(({ value }) => value), ttl: record.ttl }];
    }
    return record.values.map(({ key, value }) => ({
      resourceName: `${record.name}/${record.type}/${key}`,
      fqdn: name,
      type: record.type,
      values: [value],
      ttl: record.proxied ? CLOUDFLARE_AUTOMATIC_TTL : record.ttl,
      proxied: record.proxied ?? false,
    }));
  });
}
