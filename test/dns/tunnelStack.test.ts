/**
 * The homelab planned offline from a stack file that differs from the committed one only in
 * `homeops:dns`: Cloudflare with a tunnel whose cloudflared runs beside Traefik on server04.
 * The policy pack judges the whole plan, and the tunnel's secret and token never appear in it.
 */
import { tunnelToken } from "../../components/cloudflare-tunnel/tunnelPlan";
import { SECRET_PLACEHOLDER, type Plan } from "../../policy/contract/plan";
import { LABELS } from "../../policy/contract/labels";
import type { PackConfig } from "../../policy/config";
import { evaluatePlan, type PolicyReport } from "../../policy/evaluate";
import { planIndex } from "../support/planIndex";
import { planHomelabWith, withTunnel } from "./tunnelFixture";

const TUNNEL = "cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared";
const TUNNEL_CONFIG = "cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig";
const RECORD = "cloudflare:index/dnsRecord:DnsRecord";
const CONTAINER = "docker:index/container:Container";
const ACCOUNT = "0123456789abcdef0123456789abcdef";

let plan: Plan;
let index: ReturnType<typeof planIndex>;
let report: PolicyReport;
let packConfig: PackConfig;
let registered: Awaited<ReturnType<typeof planHomelabWith>>["registered"];

beforeAll(async () => {
  ({ plan, index, report, packConfig, registered } = await planHomelabWith(withTunnel));
});

test("a remotely managed tunnel with a generated secret, and its ingress rules ending in the catch-all", () => {
  const tunnel = index.named(TUNNEL, "homelab");
  expect(tunnel.inputs).toMatchObject({ accountId: ACCOUNT, name: "homelab", configSrc: "cloudflare", tunnelSecret: SECRET_PLACEHOLDER });
  expect(tunnel.dependencies).toContain(index.named("random:index/randomBytes:RandomBytes", "homelab/secret").urn);
  expect(index.named("random:index/randomBytes:RandomBytes", "homelab/secret").inputs).toEqual({ length: 32 });
  const config = index.named(TUNNEL_CONFIG, "homelab");
  expect(config.inputs).toMatchObject({ accountId: ACCOUNT, source: "cloudflare" });
  expect(config.propertyDependencies.tunnelId).toEqual([tunnel.urn]);
  const ingresses = (config.inputs.config as { ingresses: { hostname?: string; service: string }[] }).ingresses;
  expect(ingresses.map((rule) => [rule.hostname, rule.service])).toEqual([
    ["vault.sharmamohit.com", "http://traefik:80"],
    ["vault.sharmamohit.com", "http_status:403"],
    ["pve.sharmamohit.com", "https://192.168.11.10:8006"],
    [undefined, "http_status:404"],
  ]);
});

test("each hostname is a proxied CNAME into the tunnel, in the zone, through the zone's provider", () => {
  const tunnelId = registered(TUNNEL, "homelab").id;
  const records = index.ofType(RECORD).filter((record) => record.name.startsWith("homelab/"));
  expect(records.map((record) => record.name).sort()).toEqual(["homelab/pve/CNAME", "homelab/vault/CNAME"]);
  const zone = index.named("cloudflare:index/zone:Zone", "sharmamohit.com");
  for (const record of records) {
    expect(record.inputs).toMatchObject({ type: "CNAME", proxied: true, ttl: 1 });
    expect(record.inputs.content).toBe(`${tunnelId}.cfargotunnel.com`);
    expect(record.propertyDependencies.zoneId).toEqual([zone.urn]);
    expect(record.provider).toBe(index.named(TUNNEL, "homelab").provider);
  }
  expect(index.named(RECORD, "homelab/vault/CNAME").inputs.name).toBe("vault.sharmamohit.com");
});

test("cloudflared runs on server04 as a declared container: pinned image, tunnel zone, memory limit, the token as a secret", () => {
  const container = index.named(CONTAINER, "cloudflared/cloudflared");
  expect(container.inputs).toMatchObject({
    name: "cloudflared",
    memory: 128,
    command: ["tunnel", "--no-autoupdate", "run"],
    envs: SECRET_PLACEHOLDER,
    networksAdvanced: [{ name: "traefik_proxy" }],
  });
  const labels = Object.fromEntries((container.inputs.labels as { label: string; value: string }[]).map(({ label, value }) => [label, value]));
  expect(labels).toMatchObject({ [LABELS.host]: "server04", [LABELS.zone]: "tunnel", [LABELS.image]: "cloudflare/cloudflared:2025.9.1" });
  expect(container.propertyDependencies.envs).toContain(index.named(TUNNEL, "homelab").urn);
});

test("the policy pack finds nothing, the connector included", () => {
  expect(report.violations.map((violation) => `${violation.policyName} ${violation.name}: ${violation.message}`)).toEqual([]);
});

test("the pack judges the connector like any container: without its memory limit it is flagged", async () => {
  const resources = plan.resources.map((resource) =>
    resource.type === CONTAINER && resource.name === "cloudflared/cloudflared" ? { ...resource, inputs: { ...resource.inputs, memory: undefined } } : resource,
  );
  const stripped = await evaluatePlan({ ...plan, resources }, {});
  expect(stripped.violations.filter((violation) => violation.policyName === "docker-container-memory").map((violation) => violation.message)).toEqual([
    expect.stringContaining("Container cloudflared sets no memory limit."),
  ]);
});

test("as an edge container, the connector may not reach a protected container unless that one allows it", async () => {
  // vaultwarden shares traefik_proxy with cloudflared; declared an identity container, it is protected.
  const config = structuredClone(packConfig) as Record<string, { declared: Record<string, { containers: Record<string, { zone: string }> }> }>;
  config["docker-isolation-boundaries"].declared.server04.containers.vaultwarden.zone = "identity";
  const isolation = (await evaluatePlan(plan, config)).violations.filter((violation) => violation.policyName === "docker-isolation-boundaries");
  expect(isolation.map((violation) => violation.message).join("\n")).toMatch(/vaultwarden \(zone identity\) is reachable over .* from internet-facing .*cloudflared/);
});

test("neither the tunnel's secret nor its token appears in the plan", () => {
  const bytes = registered("random:index/randomBytes:RandomBytes", "homelab/secret").state;
  expect(Buffer.from(bytes.base64, "base64")).toHaveLength(32);
  const token = tunnelToken(ACCOUNT, registered(TUNNEL, "homelab").id, bytes.base64);
  const text = JSON.stringify(plan);
  for (const value of [bytes.base64, bytes.hex, token]) expect({ value, inPlan: text.includes(value) }).toEqual({ value, inPlan: false });
});
