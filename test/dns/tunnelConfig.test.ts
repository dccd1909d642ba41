import { brokenConfig } from "../support/stackConfig";
import { withTunnel } from "./tunnelFixture";

const broken = (mutate: (config: Record<string, any>) => void) => brokenConfig("homelab", mutate);
const withTunnelAnd = (mutate: (tunnel: Record<string, any>, config: Record<string, any>) => void) =>
  broken((config) => {
    withTunnel(config);
    mutate(config.dns.cloudflare.tunnel, config);
  });
const TUNNEL = "homeops:dns.cloudflare.tunnel";

test("a tunnel with a Docker connector is valid configuration", () => {
  expect(broken(withTunnel)).toEqual([]);
});

describe("a bad tunnel is refused with the key and the rule", () => {
  test.each<[string, (tunnel: Record<string, any>, config: Record<string, any>) => void, string, RegExp]>([
    ["in a Route53 zone", (_t, c) => { c.dns.provider = "route53"; c.dns.route53 = { region: "us-east-1" }; }, TUNNEL, /needs homeops:dns.provider: cloudflare \(it is route53\)/],
    ["a hostname that is also a plain record", (t) => (t.ingress[0].hostname = "komodo"), `${TUNNEL}.ingress[0].hostname`, /komodo is also homeops:dns.records\[3\]/],
    ["a rule shadowed by an earlier one", (t) => t.ingress.push({ hostname: "vault", service: "http://vaultwarden:80" }), `${TUNNEL}.ingress[3]`, /never taken: .*ingress\[0\] matches the same hostname first/],
    ["an origin without a scheme", (t) => (t.ingress[0].service = "traefik:80"), `${TUNNEL}.ingress[0].service`, /must be <http\|https\|tcp/],
    ["an origin scheme cloudflared does not know", (t) => (t.ingress[0].service = "ftp://traefik:21"), `${TUNNEL}.ingress[0].service`, /must be <http\|https\|tcp/],
    ["a status that is not one", (t) => (t.ingress[1].service = "http_status:999"), `${TUNNEL}.ingress[1].service`, /http_status:<code>/],
    ["a hostname outside the zone's names", (t) => (t.ingress[0].hostname = "Vault.example.com."), `${TUNNEL}.ingress[0].hostname`, /host name relative to the zone/],
    ["no ingress rule", (t) => (t.ingress = []), `${TUNNEL}.ingress`, /expected array to have >=1 items/],
    ["an unknown key", (t) => (t.replicas = 2), `${TUNNEL}.replicas`, /unknown key/],
    ["two connectors", (t) => (t.connector.kubernetes = { memoryMb: 128 }), `${TUNNEL}.connector`, /must be exactly one of/],
    ["a connector nowhere", (t) => (t.connector = { lxc: {} }), `${TUNNEL}.connector.lxc`, /unknown key/],
    ["a connector without a memory limit", (t) => delete t.connector.docker.memoryMb, `${TUNNEL}.connector.docker.memoryMb`, /is required but not set/],
    ["a connector image on latest", (t) => (t.connector.docker.image = "cloudflare/cloudflared:latest"), `${TUNNEL}.connector.docker.image`, /must pin a version/],
    ["a connector zone other than edge or tunnel", (t) => (t.connector.docker.zone = "app"), `${TUNNEL}.connector.docker.zone`, /Invalid option/],
    ["a connector on an unknown host", (t) => (t.connector.docker.host = "nas"), `${TUNNEL}.connector.docker.host`, /unknown Docker host "nas"/],
    ["a connector on a network its host lacks", (t) => (t.connector.docker.networks = ["traefik_proxy", "frigate_default"]), `${TUNNEL}.connector.docker.networks[1]`, /"frigate_default" is not a network of Docker host server04/],
    ["a connector without egress", (_t, c) => (c.dockerHosts.server04.networks.traefik_proxy.internal = true), `${TUNNEL}.connector.docker.networks`, /are all internal/],
    ["an origin container on another network", (t) => (t.ingress[0].service = "http://vaultwarden-backup:80"), `${TUNNEL}.ingress[0].service`, /container vaultwarden-backup is on vaultwarden_default, none of which cloudflared joins/],
    ["an origin container the host does not run", (t) => (t.ingress[0].service = "http://frigate:5000"), `${TUNNEL}.ingress[0].service`, /no container or alias "frigate" on Docker host server04/],
    ["an origin on cloudflared's own loopback", (t) => (t.ingress[0].service = "http://localhost:8080"), `${TUNNEL}.ingress[0].service`, /localhost is cloudflared's own container/],
    ["a stack already named like the connector", (_t, c) => (c.dockerStacks[0].name = "cloudflared"), `${TUNNEL}.connector.docker`, /the Docker stack "cloudflared", which homeops:dockerStacks already declares/],
    ["a generated secret named like the token", (_t, c) => (c.generatedSecrets = { ...c.generatedSecrets, "cloudflare-tunnel-token": { length: 32 } }), "homeops:generatedSecrets.cloudflare-tunnel-token", /the name the tunnel's token is resolved by/],
  ])("%s", (_kind, mutate, key, message) => {
    expect(withTunnelAnd(mutate)).toContainEqual({ key, message: expect.stringMatching(message) });
  });
});

test("origins the program cannot see (addresses, qualified names, sockets) are left to the operator", () => {
  expect(withTunnelAnd((t) => t.ingress.push({ hostname: "ssh", service: "ssh://server04.lan:22" }, { hostname: "sock", service: "unix:///run/app.sock" }))).toEqual([]);
});
