/**
 * cloudflared in the cluster: the pure namespace and Deployment plans, then the homelab
 * planned offline from a stack file whose tunnel's connector is `kubernetes`, judged by the
 * policy pack (memory limits, default-deny namespaces).
 */
import { CLOUDFLARE_EDGE, connectorDeploymentSpec, connectorNamespace } from "../../components/cloudflare-tunnel/clusterConnectorPlan";
import { tunnelToken } from "../../components/cloudflare-tunnel/tunnelPlan";
import { dnsSchema } from "../../config/dns";
import { SECRET_PLACEHOLDER, type Plan } from "../../policy/contract/plan";
import type { PolicyReport } from "../../policy/evaluate";
import { planIndex } from "../support/planIndex";
import { brokenConfig } from "../support/stackConfig";
import { CLUSTER_CONNECTOR, planHomelabWith, withTunnel } from "./tunnelFixture";

const ACCOUNT = "0123456789abcdef0123456789abcdef";
const TUNNEL = "cloudflare:index/zeroTrustTunnelCloudflared:ZeroTrustTunnelCloudflared";
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
    const token = tunnelToken(ACCOUNT, registered(TUNNEL, "homelab").id, bytes.base64);
    const text = JSON.stringify(plan);
    for (const value of [bytes.base64, token]) expect({ value, inPlan: text.includes(value) }).toEqual({ value, inPlan: false });
  });

  test("the policy pack finds nothing", () => {
    expect(report.violations.map((violation) => `${violation.policyName} ${violation.name}: ${violation.message}`)).toEqual([]);
  });
});
