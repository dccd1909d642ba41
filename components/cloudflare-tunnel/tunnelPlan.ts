/**
 * What a Cloudflare Tunnel consists of, as plain data: the ingress list its configuration
 * holds, the proxied records that send its hostnames to it, and the token cloudflared runs
 * with. No Pulumi resources here.
 */
import type { CloudflareTunnelSpec } from "../../config/cloudflareTunnel";
import { fqdn } from "../dns/records";

/** One rule of the tunnel's remotely managed configuration, as the provider takes it. */
export interface IngressRule {
  hostname?: string;
  path?: string;
  service: string;
  originRequest?: { noTlsVerify: boolean };
}

/**
 * What answers a request no rule matches. cloudflared refuses a configuration whose last
 * rule can still miss, so the list always ends with this catch-all.
 */
export const CATCH_ALL: IngressRule = { service: "http_status:404" };

/** The tunnel's ingress list: the stack file's rules in order, with full host names, then the catch-all. */
export function ingressRules(tunnel: Pick<CloudflareTunnelSpec, "ingress">, zone: string): IngressRule[] {
  return [
    ...tunnel.ingress.map((rule) => ({
      hostname: fqdn(rule.hostname, zone),
      service: rule.service,
      ...(rule.path !== undefined ? { path: rule.path } : {}),
      ...(rule.noTlsVerify !== undefined ? { originRequest: { noTlsVerify: rule.noTlsVerify } } : {}),
    })),
    CATCH_ALL,
  ];
}

/** One proxied CNAME per hostname of the rules (several paths of one hostname share it), relative to the zone. */
export function tunnelRecordNames(tunnel: Pick<CloudflareTunnelSpec, "ingress">): string[] {
  return [...new Set(tunnel.ingress.map((rule) => rule.hostname))];
}

/** Where a tunnel's hostnames point: Cloudflare routes `<tunnel id>.cfargotunnel.com` into the tunnel. */
export function tunnelTarget(tunnelId: string): string {
  return `${tunnelId}.cfargotunnel.com`;
}

/**
 * The token `cloudflared tunnel run` takes (TUNNEL_TOKEN): base64 of the JSON of the
 * account (`a`), the tunnel's id (`t`) and its secret (`s`, itself base64), the same token
 * Cloudflare's dashboard and token endpoint hand out for the tunnel.
 */
export function tunnelToken(accountId: string, tunnelId: string, secretBase64: string): string {
  return Buffer.from(JSON.stringify({ a: accountId, t: tunnelId, s: secretBase64 })).toString("base64");
}
