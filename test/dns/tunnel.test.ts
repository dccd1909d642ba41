/**
 * Cloudflare Tunnel: the pure plans (ingress rules, records, token, the Docker connector's
 * stack); then the homelab planned offline from stack files that differ from the committed
 * one only in `homeops:dns`, with cloudflared beside Traefik on server04 and then in the
 * cluster, judged by the policy pack (memory limits, zones, default-deny namespaces), with
 * the tunnel's secret and token never in the plan.
 */
import { CLOUDFLARE_EDGE, connectorDeploymentSpec, connectorNamespace } from "../../components/cloudflare-tunnel/clusterConnectorPlan";
import { CATCH_ALL, ingressRules, tunnelRecordNames, tunnelTarget, tunnelToken } from "../../components/cloudflare-tunnel/tunnelPlan";
import { connectorDockerStack, CLOUDFLARED_IMAGE, TUNNEL_TOKEN_SECRET } from "../../config/cloudflareTunnel";
import { dnsSchema } from "../../config/dns";
import type { PackConfig } from "../../policy/config";
import { LABELS } from "../../policy/contract/labels";
import { SECRET_PLACEHOLDER, type Plan } from "../../policy/contract/plan";
import { evaluatePlan, type PolicyReport } from "../../policy/evaluate";
import { planIndex } from "../support/planIndex";
import { brokenConfig } from "../support/stackConfig";
import { CLUSTER_CONNECTOR, planHomelabWith, TUNNEL, withTunnel } from "./tunnelFixture";

const ACCOUNT = "0123456789abcdef0123456789abcdef";
const TUNNEL_TYPE = "cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared";

describe("the tunnel's pure plans", () => {
  const tunnel = dnsSchema.parse({
    provider: "cloudflare",
    zone: "example.com",
    cloudflare: { accountId: ACCOUNT, apiToken: { configSecret: "a" }, acmeApiToken: { configSecret: "b" }, tunnel: TUNNEL },
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
    const token = tunnelToken(ACCOUNT, "c0ffee00-1111-2222-3333-444444444444", secret);
    expect(JSON.parse(Buffer.from(token, "base64").toString("utf8"))).toEqual({ a: ACCOUNT, t: "c0ffee00-1111-2222-3333-444444444444", s: secret });
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
});

describe("cloudflared as a container on a Docker host, in the planned homelab", () => {
  const TUNNEL_CONFIG = "cloudflare:index/zeroTrustTunnelCloudflaredConfig:ZeroTrustTunnelCloudflaredConfig";
  const RECORD = "cloudflare:index/dnsRecord:DnsRecord";
  const CONTAINER = "docker:index/container:Container";

  let plan: Plan;
  let index: ReturnType<typeof planIndex>;
  let report: PolicyReport;
  let packConfig: PackConfig;
  let registered: Awaited<ReturnType<typeof planHomelabWith>>["registered"];

  beforeAll(async () => {
    ({ plan, index, report, packConfig, registered } = await planHomelabWith(withTunnel));
  });

  test("a remotely managed tunnel with a generated secret, and its ingress rules ending in the catch-all", () => {
    const tunnel = index.named(TUNNEL_TYPE, "homelab");
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
    const tunnelId = registered(TUNNEL_TYPE, "homelab").id;
    const records = index.ofType(RECORD).filter((record) => record.name.startsWith("homelab/"));
    expect(records.map((record) => record.name).sort()).toEqual(["homelab/pve/CNAME", "homelab/vault/CNAME"]);
    const zone = index.named("cloudflare:index/zone:Zone", "sharmamohit.com");
    for (const record of records) {
      expect(record.inputs).toMatchObject({ type: "CNAME", proxied: true, ttl: 1 });
      expect(record.inputs.content).toBe(`${tunnelId}.cfargotunnel.com`);
      expect(record.propertyDependencies.zoneId).toEqual([zone.urn]);
      expect(record.provider).toBe(index.named(TUNNEL_TYPE, "homelab").provider);
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
    expect(container.propertyDependencies.envs).toContain(index.named(TUNNEL_TYPE, "homelab").urn);
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
    const token = tunnelToken(ACCOUNT, registered(TUNNEL_TYPE, "homelab").id, bytes.base64);
    const text = JSON.stringify(plan);
    for (const value of [bytes.base64, bytes.hex, token]) expect({ value, inPlan: text.includes(value) }).toEqual({ value, inPlan: false });
  });
});

describe("cloudflared in the cluster", () => {
  const DEPLOYMENT = "kubernetes:apps/v1:Deployment";

  const withClusterConnector = (config: Record<string, any>) => {
    withTunnel(config);
    config.dns.cloudflare.tunnel.ingress = [{ hostname: "grafana", service: "http://traefik.traefik.svc.cluster.local:80" }];
    config.dns.cloudflare.tunnel.connector = structuredClone(CLUSTER_CONNECTOR);
  };

  describe("the plans", () => {
    const spec = (() => {
      const config = { dns: { provider: "cloudflare", zone: "example.com", records: [] } as Record<string, any> };
      withClusterConnector(config);
      const connector = dnsSchema.parse(config.dns).cloudflare!.tunnel!.connector.kubernetes;
      if (!connector) throw new Error("the fixture's connector is not kubernetes");
      return connector;
    })();

    test("the namespace is restricted, takes nothing in, and sends only to DNS, Cloudflare's edge and the declared origins", () => {
      const plan = connectorNamespace(spec, "192.168.11.0/24");
      expect(plan).toMatchObject({ name: "cloudflared", podSecurity: "restricted", access: { ingress: [] } });
      expect(plan.access.egress.map((allow) => allow.name)).toEqual(["dns", "traefik", "cloudflare-edge"]);
      expect(plan.access.egress.at(-1)).toBe(CLOUDFLARE_EDGE);
      expect(CLOUDFLARE_EDGE.ports).toEqual(expect.arrayContaining([{ port: 7844, protocol: "UDP" }, { port: 7844, protocol: "TCP" }]));
    });

    test("the Deployment runs the replicas with the token from the Secret and a memory limit, as restricted Pod Security requires", () => {
      const deployment = connectorDeploymentSpec(spec, "cloudflared-token");
      expect(deployment.replicas).toBe(2);
      const [container] = deployment.template.spec.containers;
      expect(container.image).toMatch(/^cloudflare\/cloudflared:\d{4}\.\d+\.\d+$/);
      expect(container.env).toEqual([{ name: "TUNNEL_TOKEN", valueFrom: { secretKeyRef: { name: "cloudflared-token", key: "token" } } }]);
      expect(container.resources.limits.memory).toBe("128Mi");
      expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
      expect(deployment.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
      expect(deployment.selector.matchLabels).toEqual(deployment.template.metadata.labels);
    });
  });

  describe("config", () => {
    test("a cluster connector is valid; one in a namespace the platform already declares is refused", () => {
      expect(brokenConfig("homelab", withClusterConnector)).toEqual([]);
      const clash = brokenConfig("homelab", (config) => {
        withClusterConnector(config);
        config.platform.namespaces = { ...(config.platform.namespaces ?? {}), cloudflared: { podSecurity: "restricted" } };
      });
      expect(clash).toContainEqual({ key: "homeops:dns.cloudflare.tunnel.connector.kubernetes.namespace", message: expect.stringMatching(/homeops:platform.namespaces already declares cloudflared/) });
    });
  });

  describe("the homelab with cloudflared in the cluster", () => {
    let plan: Plan;
    let index: ReturnType<typeof planIndex>;
    let report: PolicyReport;
    let registered: Awaited<ReturnType<typeof planHomelabWith>>["registered"];

    beforeAll(async () => {
      ({ plan, index, report, registered } = await planHomelabWith(withClusterConnector));
    });

    test("no Docker connector; a Deployment in its own default-deny namespace, through the platform's provider, after the platform", () => {
      expect(plan.resources.some((resource) => resource.name === "cloudflared/cloudflared")).toBe(false);
      const deployment = index.named(DEPLOYMENT, "homelab/connector");
      expect(deployment.inputs).toMatchObject({ metadata: { name: "cloudflared", namespace: "cloudflared" }, spec: { replicas: 2 } });
      const policies = index.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").filter((policy) => (policy.inputs.metadata as { namespace: string }).namespace === "cloudflared");
      expect(policies.map((policy) => (policy.inputs.metadata as { name: string }).name).sort()).toEqual(["allow-cloudflare-edge", "allow-dns", "allow-traefik", "default-deny"]);
      expect(deployment.provider).toBe(index.named("kubernetes:helm.sh/v4:Chart", "platform/cert-manager").provider);
      expect(deployment.dependencies).toEqual(expect.arrayContaining([index.named("kubernetes:core/v1:Secret", "homelab/connector/cloudflared-token").urn]));
    });

    test("the token reaches the cluster only as a secret", () => {
      const secret = index.named("kubernetes:core/v1:Secret", "homelab/connector/cloudflared-token");
      expect(secret.inputs.stringData).toBe(SECRET_PLACEHOLDER);
      const bytes = registered("random:index/randomBytes:RandomBytes", "homelab/secret").state;
      const token = tunnelToken(ACCOUNT, registered(TUNNEL_TYPE, "homelab").id, bytes.base64);
      const text = JSON.stringify(plan);
      for (const value of [bytes.base64, token]) expect({ value, inPlan: text.includes(value) }).toEqual({ value, inPlan: false });
    });

    test("the policy pack finds nothing", () => {
      expect(report.violations.map((violation) => `${violation.policyName} ${violation.name}: ${violation.message}`)).toEqual([]);
    });
  });
});
