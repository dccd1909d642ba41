import { Provider as AwsProvider } from "@pulumi/aws/provider";
import { Provider as CloudflareProvider } from "@pulumi/cloudflare/provider";
import * as pulumi from "@pulumi/pulumi";
import type { DnsSpec, RecordValue } from "../../config/dns";
import type { StackSecrets } from "../secrets/stackSecrets";
import { AcmeChallengeUser } from "./acmeChallengeUser";
import { DnsZone, type DnsConnection } from "./dnsZone";
import type { ResolvedValue } from "./records";
import { vpsAddressResolver } from "./vpsAddresses";

/** What an ACME client needs to solve DNS-01 in the zone. */
export type AcmeDns01Credentials =
  | { kind: "route53"; region: string; hostedZoneId: pulumi.Input<string>; accessKeyId: pulumi.Input<string>; secretAccessKey: pulumi.Input<string> }
  | { kind: "cloudflare"; apiToken: pulumi.Input<string> };

export interface DnsEstate {
  zone: DnsZone;
  /** cert-manager's DNS-01 credentials (its ClusterIssuer). */
  certManager: AcmeDns01Credentials;
  /** The VPS Traefik's Route53 credentials, exported for the vps stack; Route53 only. */
  vpsTraefik?: Extract<AcmeDns01Credentials, { kind: "route53" }>;
  /** The zone's DNS service and its provider (a Cloudflare Tunnel goes through it). */
  connection: DnsConnection;
}

/**
 * The zone of the estate with its records, in the provider the configuration names, and
 * one least-privilege ACME DNS-01 identity per consumer (Route53: IAM users; Cloudflare: the
 * token the configuration gives).
 */
export function deployDnsEstate(spec: DnsSpec, secrets: StackSecrets, opts?: pulumi.ComponentResourceOptions): DnsEstate {
  const connection = dnsConnection(spec, secrets, opts);
  const resolveVpsHost = spec.vpsAddresses ? vpsAddressResolver(spec.vpsAddresses, { ...opts }) : undefined;
  const resolveValue = (value: RecordValue): ResolvedValue<pulumi.Input<string>> => {
    if (typeof value === "string") return { key: value, value };
    // The config checks refuse {vpsHost} without homeops:dns.vpsAddresses.
    return { key: `vps-${value.vpsHost}`, value: resolveVpsHost!(value.vpsHost) };
  };
  const zone = new DnsZone(
    spec.zone,
    {
      connection,
      zone: spec.zone,
      existingZoneId: spec.existingZoneId,
      records: spec.records.map((record) => ({ ...record, values: record.values.map(resolveValue) })),
    },
    opts,
  );

  if (connection.kind === "cloudflare") {
    return { zone, connection, certManager: { kind: "cloudflare", apiToken: secrets.resolve(spec.cloudflare!.acmeApiToken) } };
  }
  const region = spec.route53!.region;
  const identity = (name: string, consumer: string) => {
    const user = new AcmeChallengeUser(name, { hostedZoneId: zone.zoneId, zone: spec.zone, consumer }, { ...opts, provider: connection.provider });
    return { kind: "route53" as const, region, hostedZoneId: zone.zoneId, accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey };
  };
  return {
    zone,
    connection,
    certManager: identity("cert-manager", "cert-manager ClusterIssuer in the homelab cluster"),
    vpsTraefik: identity("vps-traefik", "aegis-traefik on the VPS (vps stack)"),
  };
}

function dnsConnection(spec: DnsSpec, secrets: StackSecrets, opts?: pulumi.ComponentResourceOptions): DnsConnection {
  if (spec.provider === "route53") {
    // Credentials come from the AWS SDK chain of the machine running Pulumi (AWS_PROFILE, ...).
    return { kind: "route53", provider: new AwsProvider("dns", { region: spec.route53!.region }, opts) };
  }
  const settings = spec.cloudflare!;
  return {
    kind: "cloudflare",
    provider: new CloudflareProvider("dns", { apiToken: secrets.resolve(settings.apiToken) }, opts),
    accountId: settings.accountId,
  };
}
