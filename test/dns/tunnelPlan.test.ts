import { connectorDockerStack, CLOUDFLARED_IMAGE, TUNNEL_TOKEN_SECRET } from "../../config/cloudflareTunnel";
import { dnsSchema } from "../../config/dns";
import { CATCH_ALL, ingressRules, tunnelRecordNames, tunnelTarget, tunnelToken } from "../../components/cloudflare-tunnel/tunnelPlan";
import { TUNNEL } from "./tunnelFixture";

const tunnel = dnsSchema.parse({
  provider: "cloudflare",
  zone: "example.com",
  cloudflare: { accountId: "0123456789abcdef0123456789abcdef", apiToken: { configSecret: "a" }, acmeApiToken: { configSecret: "b" }, tunnel: TUNNEL },
}).cloudflare!.tunnel!;

test("the ingress list keeps the rules' order with full host names and ends with the 404 catch-all", () => {
  expect(ingressRules(tunnel, "example.com")).toEqual([
    { hostname: "vault.example.com", service: "http://traefik:80" },
    { hostname: "vault.example.com", path: "^/admin", service: "http_status:403" },
    { hostname: "pve.example.com", service: "https://192.168.11.10:8006", originRequest: { noTlsVerify: true } },
    { service: "http_status:404" },
  ]);
  const apex = ingressRules({ ingress: [{ hostname: "@", service: "http://traefik:80" }, { hostname: "*", service: "http://traefik:80" }] }, "example.com");
  expect(apex.map((rule) => rule.hostname)).toEqual(["example.com", "*.example.com", undefined]);
  expect(apex.at(-1)).toBe(CATCH_ALL);
});

test("one proxied CNAME per hostname, however many paths it has, pointing into the tunnel", () => {
  expect(tunnelRecordNames(tunnel)).toEqual(["vault", "pve"]);
  expect(tunnelTarget("c0ffee00-1111-2222-3333-444444444444")).toBe("c0ffee00-1111-2222-3333-444444444444.cfargotunnel.com");
});

test("the token is base64 of the JSON cloudflared decodes: account, tunnel id, secret", () => {
  const secret = Buffer.alloc(32, 7).toString("base64");
  const token = tunnelToken("0123456789abcdef0123456789abcdef", "c0ffee00-1111-2222-3333-444444444444", secret);
  expect(JSON.parse(Buffer.from(token, "base64").toString("utf8"))).toEqual({ a: "0123456789abcdef0123456789abcdef", t: "c0ffee00-1111-2222-3333-444444444444", s: secret });
});

test("a Docker connector is a one-container stack on its host: pinned image, declared zone, memory limit, token from the program's secret", () => {
  const stack = connectorDockerStack(tunnel)!;
  expect(stack).toMatchObject({ name: "cloudflared", host: "server04", tunnelCritical: false, volumes: {} });
  expect(stack.containers).toHaveLength(1);
  expect(stack.containers[0]).toMatchObject({
    name: "cloudflared",
    image: CLOUDFLARED_IMAGE,
    zone: "tunnel",
    networks: ["traefik_proxy"],
    memoryMb: 128,
    command: ["tunnel", "--no-autoupdate", "run"],
    env: { TUNNEL_TOKEN: { generated: TUNNEL_TOKEN_SECRET } },
    capDrop: ["ALL"],
    ports: [],
  });
  expect(CLOUDFLARED_IMAGE).toMatch(/^cloudflare\/cloudflared:\d{4}\.\d+\.\d+$/);
  expect(connectorDockerStack(undefined)).toBeUndefined();
});
