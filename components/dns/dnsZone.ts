import { DnsRecord } from "@pulumi/cloudflare/dnsRecord";
import type { Provider as CloudflareProvider } from "@pulumi/cloudflare/provider";
import { Zone as CloudflareZone } from "@pulumi/cloudflare/zone";
import * as route53 from "@pulumi/aws/route53";
import type { Provider as AwsProvider } from "@pulumi/aws/provider";
import * as pulumi from "@pulumi/pulumi";
import { providerRecords, type ResolvedRecord } from "./records";

/** The DNS service the zone lives in, and the provider that reaches it. */
export type DnsConnection = { kind: "route53"; provider: AwsProvider } | { kind: "cloudflare"; provider: CloudflareProvider; accountId: string };

export interface DnsZoneArgs {
  connection: DnsConnection;
  /** The zone's domain, e.g. sharmamohit.com. */
  zone: string;
  /** The zone's id today: the first update adopts it (`import`) instead of creating a second zone. */
  existingZoneId?: string;
  records: ResolvedRecord<pulumi.Input<string>>[];
}

/**
 * A DNS zone and its records, in Route53 or Cloudflare, chosen by configuration. The zone
 * is protected: deleting it would change its name servers and take the domain offline.
 */
export class DnsZone extends pulumi.ComponentResource {
  readonly zoneId: pulumi.Output<string>;
  /** The zone's ARN (Route53 only), what IAM policies scope to. */
  readonly zoneArn?: pulumi.Output<string>;
  readonly nameServers: pulumi.Output<string[]>;

  constructor(name: string, args: DnsZoneArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homeops:dns:Zone", name, {}, opts);
    const { connection } = args;
    const zoneOptions: pulumi.CustomResourceOptions = { parent: this, provider: connection.provider, protect: true, import: args.existingZoneId };
    const onProvider = { parent: this, provider: connection.provider };
    const records = providerRecords(connection.kind, args.zone, args.records);

    if (connection.kind === "route53") {
      // The comment of an adopted zone is whatever it was created with; leave it.
      const zone = new route53.Zone(name, { name: args.zone }, { ...zoneOptions, ignoreChanges: ["comment"] });
      for (const record of records) {
        new route53.Record(`${name}/${record.resourceName}`, { zoneId: zone.zoneId, name: record.fqdn, type: record.type, ttl: record.ttl, records: record.values }, onProvider);
      }
      this.zoneId = zone.zoneId;
      this.zoneArn = zone.arn;
      this.nameServers = zone.nameServers;
    } else {
      const zone = new CloudflareZone(name, { name: args.zone, account: { id: connection.accountId }, type: "full" }, zoneOptions);
      for (const record of records) {
        const [content] = record.values;
        new DnsRecord(
          `${name}/${record.resourceName}`,
          { zoneId: zone.id, name: record.fqdn, type: record.type, content, ttl: record.ttl, proxied: record.proxied },
          onProvider,
        );
      }
      this.zoneId = zone.id;
      this.nameServers = zone.nameServers;
    }
    this.registerOutputs({ zoneId: this.zoneId, nameServers: this.nameServers });
  }
}
