import { isIPv4 } from "node:net";
import { CONNECTOR_NAME, TUNNEL_TOKEN_SECRET, type CloudflareTunnelSpec, type DockerConnectorSpec } from "../cloudflareTunnel";
import type { DnsSpec } from "../dns";
import type { DockerHostSpec, DockerStackSpec } from "../docker";
import type { ConfigIssue } from "../errors";

const KEY = "homeops:dns.cloudflare.tunnel";

interface TunnelContext {
  dns: DnsSpec;
  platform: { namespaces: Record<string, unknown> };
  dockerHosts: Record<string, DockerHostSpec>;
  dockerStacks: DockerStackSpec[];
  generatedSecrets: Record<string, unknown>;
}

/** Cross-field checks of the Cloudflare Tunnel: its provider, its hostnames against the plain records, its connector against the Docker inventory. */
export function checkTunnel(config: TunnelContext): ConfigIssue[] {
  const tunnel = config.dns.cloudflare?.tunnel;
  if (!tunnel) return [];
  const issues: ConfigIssue[] = [];
  if (config.dns.provider !== "cloudflare") {
    issues.push({ key: KEY, message: `needs homeops:dns.provider: cloudflare (it is ${config.dns.provider}): a tunnel's hostnames are proxied records of a Cloudflare zone` });
  }
  const seen = new Map<string, number>();
  tunnel.ingress.forEach((rule, index) => {
    const key = `${KEY}.ingress[${index}]`;
    const record = config.dns.records.findIndex((candidate) => candidate.name === rule.hostname);
    if (record >= 0) {
      issues.push({ key: `${key}.hostname`, message: `${rule.hostname} is also homeops:dns.records[${record}]; the tunnel writes its own proxied CNAME for it, so keep one of the two` });
    }
    const match = `${rule.hostname} ${rule.path ?? ""}`;
    const first = seen.get(match);
    if (first !== undefined) issues.push({ key, message: `never taken: ${KEY}.ingress[${first}] matches the same hostname${rule.path ? " and path" : ""} first` });
    else seen.set(match, index);
  });
  const { docker, kubernetes } = tunnel.connector;
  if (docker) issues.push(...checkDockerConnector(tunnel, docker, config));
  if (kubernetes && kubernetes.namespace in config.platform.namespaces) {
    const { namespace } = kubernetes;
    issues.push({ key: `${KEY}.connector.kubernetes.namespace`, message: `homeops:platform.namespaces already declares ${namespace}; the connector makes its namespace itself, so give it another` });
  }
  return issues;
}

function checkDockerConnector(tunnel: CloudflareTunnelSpec, connector: DockerConnectorSpec, config: TunnelContext): ConfigIssue[] {
  const key = `${KEY}.connector.docker`;
  const host = config.dockerHosts[connector.host];
  if (!host) return [{ key: `${key}.host`, message: `unknown Docker host "${connector.host}" (declared: ${Object.keys(config.dockerHosts).join(", ") || "none"})` }];
  const issues: ConfigIssue[] = [];
  connector.networks.forEach((network, index) => {
    if (!host.networks[network]) issues.push({ key: `${key}.networks[${index}]`, message: `"${network}" is not a network of Docker host ${connector.host} (declared: ${Object.keys(host.networks).join(", ") || "none"})` });
  });
  const known = connector.networks.filter((network) => host.networks[network]);
  if (known.length === connector.networks.length && known.every((network) => host.networks[network].internal)) {
    issues.push({ key: `${key}.networks`, message: "are all internal: cloudflared dials out to Cloudflare, so it needs one network with egress" });
  }
  if (config.dockerStacks.some((stack) => stack.name === CONNECTOR_NAME)) {
    issues.push({ key: `${key}`, message: `the connector is the Docker stack "${CONNECTOR_NAME}", which homeops:dockerStacks already declares` });
  }
  const onHost = config.dockerStacks.filter((stack) => stack.host === connector.host).flatMap((stack) => stack.containers);
  if (onHost.some((container) => container.name === CONNECTOR_NAME)) {
    issues.push({ key: `${key}.host`, message: `${connector.host} already runs a container named "${CONNECTOR_NAME}", the connector's name` });
  }
  if (TUNNEL_TOKEN_SECRET in config.generatedSecrets) {
    issues.push({ key: `homeops:generatedSecrets.${TUNNEL_TOKEN_SECRET}`, message: `is the name the tunnel's token is resolved by ({generated: ${TUNNEL_TOKEN_SECRET}}); choose another` });
  }
  tunnel.ingress.forEach((rule, index) => {
    const problem = unreachableOrigin(originHost(rule.service), connector, onHost);
    if (problem) issues.push({ key: `${KEY}.ingress[${index}].service`, message: problem });
  });
  return issues;
}

/** The host part of an origin URL; undefined for a socket or a status answer. */
export function originHost(service: string): string | undefined {
  return /^[a-z]+:\/\/([^/:]+)/.exec(service)?.[1];
}

/**
 * Why a Docker connector cannot reach an origin host, if it cannot: a bare name resolves
 * through Docker's DNS only to a container (or alias) on a network cloudflared joins.
 * Addresses and qualified names are the LAN's, which the program cannot see.
 */
export function unreachableOrigin(hostname: string | undefined, connector: DockerConnectorSpec, containers: readonly DockerStackSpec["containers"][number][]): string | undefined {
  if (hostname === undefined || isIPv4(hostname) || hostname.includes(".")) return undefined;
  if (hostname === "localhost") return "localhost is cloudflared's own container; name the container that serves it";
  const target = containers.find((container) => container.name === hostname || container.aliases.includes(hostname));
  if (!target) return `no container or alias "${hostname}" on Docker host ${connector.host}; name one, or give an address`;
  if (!target.networks.some((network) => connector.networks.includes(network))) {
    return `container ${target.name} is on ${target.networks.join(", ") || "no user network"}, none of which cloudflared joins (${connector.networks.join(", ")}); add one to its networks`;
  }
  return undefined;
}
