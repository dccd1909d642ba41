/**
 * The homelab's DNS moved to Cloudflare with a tunnel, as another homelab would write it:
 * two hostnames through the LAN Traefik on server04 and the Proxmox UI by address, with
 * cloudflared as a container beside Traefik. The committed stack file has no tunnel.
 */
export const TUNNEL = {
  name: "homelab",
  ingress: [
    { hostname: "vault", service: "http://traefik:80" },
    { hostname: "vault", path: "^/admin", service: "http_status:403" },
    { hostname: "pve", service: "https://192.168.11.10:8006", noTlsVerify: true },
  ],
  connector: { docker: { host: "server04", networks: ["traefik_proxy"], memoryMb: 128 } },
};

/** Switches a homelab config's `dns` (without the namespace) to Cloudflare with TUNNEL. */
export function withTunnel(config: Record<string, any>): void {
  config.dns.provider = "cloudflare";
  delete config.dns.route53;
  config.dns.cloudflare = {
    accountId: "0123456789abcdef0123456789abcdef",
    apiToken: { configSecret: "cloudflareApiToken" },
    acmeApiToken: { configSecret: "cloudflareAcmeApiToken" },
    tunnel: structuredClone(TUNNEL),
  };
}
