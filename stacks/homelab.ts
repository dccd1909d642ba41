import type { Provider as KubernetesProvider } from "@pulumi/kubernetes/provider";
import { CloudflareTunnel } from "../components/cloudflare-tunnel/cloudflareTunnel";
import { ClusterConnector } from "../components/cloudflare-tunnel/clusterConnector";
import { deployDnsEstate, type DnsEstate } from "../components/dns/dnsEstate";
import { deployDockerEstate } from "../components/docker-stack/dockerEstate";
import { deployKubernetesPlatform } from "../components/kubernetes-platform/deployPlatform";
import { deployContainers, deployVms, vmSecretValues } from "../components/proxmox/inventory";
import { ProxmoxCluster, proxmoxSecretValues } from "../components/proxmox/proxmoxCluster";
import { configSecretKeysIn, StackSecrets } from "../components/secrets/stackSecrets";
import { omniClusterTemplate } from "../components/omni/clusterTemplate";
import { OmniClusterTemplate } from "../components/omni/omniClusterTemplate";
import { TalosCluster } from "../components/talos/talosCluster";
import { connectorDockerStack, TUNNEL_TOKEN_SECRET } from "../config/cloudflareTunnel";
import { dnsValues, type DnsSpec } from "../config/dns";
import { platformValues } from "../config/platform";
import { clusterLan } from "../config/talos";
import { loadHomelabConfig } from "../config/stacks";
import { inventoryValues } from "./inventoryValues";

/**
 * The homelab (seed L0 right-hand side, L1, L2): Proxmox guests and the Talos cluster,
 * the Kubernetes platform on it, the LAN Docker hosts, and DNS.
 */
export function homelab() {
  const config = loadHomelabConfig();
  const secrets = new StackSecrets("homelab", {
    generated: config.generatedSecrets,
    configSecretKeys: configSecretKeysIn([
      ...inventoryValues(config.dockerStacks),
      ...(config.proxmox ? proxmoxSecretValues(config.proxmox) : []),
      ...vmSecretValues(config.proxmoxVms),
      ...(config.talos.manager === "omni" ? [config.talos.omni.serviceAccountKey] : []),
      ...platformValues(config.platform),
      ...dnsValues(config.dns),
    ]),
  });

  // Compute (seed L0, L1, L2): the Proxmox nodes and their guests (the LXCs and VMs that host
  // Docker), when there is a Proxmox cluster, and the Talos cluster: built here on Proxmox VMs
  // or bare-metal machines (`manager: homeops`, whose `kubernetesProvider` the platform may
  // use) or managed by Omni (`manager: omni`).
  const settings = config.proxmox;
  const proxmox =
    settings &&
    new ProxmoxCluster("proxmox", {
      settings,
      apiToken: secrets.resolve(settings.apiToken),
      sshPrivateKey: settings.ssh.privateKey && secrets.resolve(settings.ssh.privateKey),
    });
  // Without a Proxmox cluster the config checks refuse any guest.
  const containers = proxmox ? deployContainers(proxmox, config.proxmoxContainers) : {};
  const vms = proxmox ? deployVms(proxmox, config.proxmoxVms, (ref) => secrets.resolve(ref)) : {};
  const talos = config.talos;
  const lan = clusterLan(talos, settings);
  if (lan === undefined) throw new Error(`homeops:talos.network names no network; the config checks should have refused it`);
  const cluster = talos.manager === "homeops" ? new TalosCluster(talos.clusterName, { spec: talos, lan, proxmox }) : undefined;
  // Omni's cluster: the program keeps Omni's cluster template equal to the stack file's.
  const omniCluster =
    talos.manager === "omni"
      ? new OmniClusterTemplate(talos.clusterName, {
          clusterName: talos.clusterName,
          template: omniClusterTemplate(talos),
          endpoint: talos.omni.endpoint,
          serviceAccountKey: secrets.resolve(talos.omni.serviceAccountKey),
          machines: talos.machines.map(({ name, uuid, address, role }) => ({ name, uuid, address, role })),
        })
      : undefined;

  // DNS: the zone and its records, the ACME DNS-01 identities of cert-manager and the VPS
  // Traefik, and in Cloudflare the tunnel when one is declared (its token is a program-made secret).
  const dns = deployDnsEstate(config.dns, secrets);
  const tunnel = cloudflareTunnel(config.dns, dns);
  if (tunnel) secrets.addGenerated(TUNNEL_TOKEN_SECRET, tunnel.token);

  // LAN Docker hosts (seed L1): six hosts over SSH, each with the shared Alloy stack, and the
  // tunnel's cloudflared when it runs on one of them.
  const connector = connectorDockerStack(config.dns.cloudflare?.tunnel);
  const docker = deployDockerEstate(config.dockerHosts, connector ? [...config.dockerStacks, connector] : config.dockerStacks, secrets);

  // Platform (seed L2): the Helm releases on the cluster, cert-manager solving DNS-01 in the zone.
  const platform = deployKubernetesPlatform(config.platform, {
    domain: config.domain,
    secrets,
    acme: dns.certManager,
    talosProvider: cluster?.kubernetesProvider,
    // The cluster's CNI when Talos installs none (homeops:talos.cni: cilium or a custom release): the platform's first release.
    clusterCni: config.talos.cni,
  });

  // cloudflared in the cluster, when the tunnel's connector is `kubernetes`: through the
  // platform's provider, once the platform (its CNI first) is in place.
  const tunnelSpec = config.dns.cloudflare?.tunnel;
  if (tunnel && tunnelSpec?.connector.kubernetes) {
    new ClusterConnector(
      `${tunnelSpec.name}/connector`,
      { spec: tunnelSpec.connector.kubernetes, token: tunnel.token, nodeCidr: config.platform.nodeCidr },
      { parent: tunnel, provider: platform.getProvider("kubernetes::") as KubernetesProvider, dependsOn: [platform] },
    );
  }

  return {
    proxmoxContainers: Object.keys(containers),
    proxmoxVms: Object.keys(vms),
    talosNodes: cluster ? cluster.nodeNames : talos.manager === "omni" ? talos.machines.map((machine) => machine.name) : [],
    ...(omniCluster ? { omniCluster: omniCluster.id } : {}),
    // `pulumi stack output kubeconfig --show-secrets > ~/.kube/homeops` (README); a cluster
    // under Omni has its kubeconfig from Omni.
    ...(cluster ? { kubeconfig: cluster.kubeconfig, talosconfig: cluster.talosconfig } : {}),
    dockerHosts: Object.keys(docker.hosts),
    platformReleases: Object.keys(platform.releases),
    dns: { zone: config.dns.zone, zoneId: dns.zone.zoneId, nameServers: dns.zone.nameServers, ...(tunnel ? { tunnelId: tunnel.tunnelId } : {}) },
    // For the vps stack's aegis-traefik (README, "DNS"): Route53 only.
    vpsAcme: dns.vpsTraefik && {
      awsAccessKeyId: dns.vpsTraefik.accessKeyId,
      awsSecretAccessKey: dns.vpsTraefik.secretAccessKey,
      awsHostedZoneId: dns.vpsTraefik.hostedZoneId,
    },
  };
}

/** The Cloudflare Tunnel `homeops:dns.cloudflare.tunnel` declares, through the zone's Cloudflare provider. */
function cloudflareTunnel(spec: DnsSpec, dns: DnsEstate): CloudflareTunnel | undefined {
  const tunnel = spec.cloudflare?.tunnel;
  // The config checks refuse a tunnel outside a Cloudflare zone.
  if (!tunnel || dns.connection.kind !== "cloudflare") return undefined;
  return new CloudflareTunnel(
    tunnel.name,
    { spec: tunnel, accountId: dns.connection.accountId, zone: spec.zone, zoneId: dns.zone.zoneId },
    { provider: dns.connection.provider },
  );
}
