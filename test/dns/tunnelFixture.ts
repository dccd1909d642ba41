import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { evaluatePlan } from "../../policy/evaluate";
import { offlineRun } from "../../tools/plan/offlinePreview";
import { policyConfigForStack } from "../../tools/plan/policyConfig";
import { planIndex } from "../support/planIndex";
import { ROOT } from "../support/stackConfig";
import { tempDir } from "../support/tempDirs";

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

/** cloudflared in the cluster instead: two replicas that may reach Traefik's pods. */
export const CLUSTER_CONNECTOR = {
  kubernetes: {
    memoryMb: 128,
    egress: [{ name: "traefik", why: "The origins are Traefik's routes.", peers: [{ namespace: "traefik" }], ports: [{ port: 8000 }] }],
  },
};

/** The homelab planned offline from a copy of its stack file whose `homeops:dns` `mutate` changed, and what the policy pack finds in it. */
export async function planHomelabWith(mutate: (config: Record<string, any>) => void) {
  const settings = parse(readFileSync(join(ROOT, "Pulumi.homelab.yaml"), "utf8"));
  const config = { dns: settings.config["homeops:dns"] };
  mutate(config);
  settings.config["homeops:dns"] = config.dns;
  const stackFile = join(tempDir("homeops-tunnel-"), "Pulumi.homelab.yaml");
  writeFileSync(stackFile, stringify(settings));
  const { plan, monitor } = await offlineRun({ stack: "homelab", configFile: stackFile });
  const states = [...monitor.resources.values()];
  /** What the mock provider answered for a resource (its id and outputs), by type and name. */
  const registered = (type: string, name: string) => {
    const found = states.find(({ urn }) => urn.endsWith(`${type}::${name}`));
    if (!found) throw new Error(`no ${type} ${name} registered`);
    return found as { id: string; state: Record<string, any> };
  };
  const packConfig = policyConfigForStack("homelab", stackFile);
  return { plan, index: planIndex(plan.resources), registered, packConfig, report: await evaluatePlan(plan, packConfig) };
}
