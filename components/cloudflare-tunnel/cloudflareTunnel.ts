import { DnsRecord } from "@pulumi/cloudflare/dnsRecord";
import type { Provider as CloudflareProvider } from "@pulumi/cloudflare/provider";
import { ZeroTrustTunnelCloudflared } from "@pulumi/cloudflare/zeroTrustTunnelCloudflared";
import { ZeroTrustTunnelCloudflaredConfig } from "@pulumi/cloudflare/zeroTrustTunnelCloudflaredConfig";
import * as pulumi from "@pulumi/pulumi";
import { RandomBytes } from "@pulumi/random/randomBytes";
import type { CloudflareTunnelSpec } from "../../config/cloudflareTunnel";
import { CLOUDFLARE_AUTOMATIC_TTL, fqdn } from "../dns/records";
import { ingressRules, tunnelRecordNames, tunnelTarget, tunnelToken } from "./tunnelPlan";

export interface CloudflareTunnelArgs {
  spec: CloudflareTunnelSpec;
  accountId: string;
  /** The zone's domain and id, where the hostnames' records go. */
  zone: string;
  zoneId: pulumi.Input<string>;
}

/** The tunnel secret's length: Cloudflare requires at least 32 bytes. */
const SECRET_BYTES = 32;

/**
 * A remotely managed Cloudflare Tunnel (its ingress rules live in Cloudflare, so cloudflared
 * needs only the token), and one proxied CNAME per hostname pointing into it. The tunnel's
 * secret is generated and kept in the state; `token` is a secret Output.
 */
export class CloudflareTunnel extends pulumi.ComponentResource {
  readonly tunnelId: pulumi.Output<string>;
  /** What cloudflared runs with (TUNNEL_TOKEN). */
  readonly token: pulumi.Output<string>;

  constructor(name: string, args: CloudflareTunnelArgs, opts: pulumi.ComponentResourceOptions & { provider: CloudflareProvider }) {
    super("homeops:cloudflare:Tunnel", name, {}, opts);
    const onCloudflare = { parent: this, provider: opts.provider };
    const secret = new RandomBytes(`${name}/secret`, { length: SECRET_BYTES }, { parent: this });
    const tunnel = new ZeroTrustTunnelCloudflared(
      name,
      { accountId: args.accountId, name: args.spec.name, configSrc: "cloudflare", tunnelSecret: secret.base64 },
      onCloudflare,
    );
    new ZeroTrustTunnelCloudflaredConfig(
      name,
      { accountId: args.accountId, tunnelId: tunnel.id, source: "cloudflare", config: { ingresses: ingressRules(args.spec, args.zone) } },
      onCloudflare,
    );
    for (const hostname of tunnelRecordNames(args.spec)) {
      new DnsRecord(
        `${name}/${hostname}/CNAME`,
        {
          zoneId: args.zoneId,
          name: fqdn(hostname, args.zone),
          type: "CNAME",
          content: tunnel.id.apply(tunnelTarget),
          // Cloudflare routes a hostname into a tunnel only through its proxy.
          proxied: true,
          ttl: CLOUDFLARE_AUTOMATIC_TTL,
          comment: `Cloudflare Tunnel ${args.spec.name}`,
        },
        onCloudflare,
      );
    }
    this.tunnelId = tunnel.id;
    this.token = pulumi.secret(pulumi.all([tunnel.id, secret.base64]).apply(([id, base64]) => tunnelToken(args.accountId, id, base64)));
    this.registerOutputs({ tunnelId: this.tunnelId });
  }
}
