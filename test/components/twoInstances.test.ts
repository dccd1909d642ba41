/**
 * Every component is a Pulumi ComponentResource taking (name, args, opts): only its name
 * tells two instances apart, so two of each, built with the same args in one program, must
 * register no URN twice (the engine refuses a duplicate URN; the SDK's mock monitor would
 * silently keep the last one, so the URNs are collected and compared here).
 */
import { Provider as AwsProvider } from "@pulumi/aws/provider";
import { Provider as CloudflareProvider } from "@pulumi/cloudflare/provider";
import { Provider as KubernetesProvider } from "@pulumi/kubernetes/provider";
import * as pulumi from "@pulumi/pulumi";
import { AcmeChallengeUser } from "../../components/dns/acmeChallengeUser";
import { DnsZone } from "../../components/dns/dnsZone";
import { DockerHost } from "../../components/docker-host/dockerHost";
import { DockerStack } from "../../components/docker-stack/dockerStack";
import { awaitedHealthy } from "../../components/docker-stack/order";
import { HelmRelease } from "../../components/kubernetes-platform/helmRelease";
import { KubernetesPlatform } from "../../components/kubernetes-platform/kubernetesPlatform";
import { platformNamespaces } from "../../components/kubernetes-platform/namespaces";
import { PlatformNamespace } from "../../components/kubernetes-platform/platformNamespace";
import { NetworkSegmentation } from "../../components/network-segmentation/networkSegmentation";
import { ProxmoxContainer } from "../../components/proxmox/container";
import { containerGuestSpec } from "../../components/proxmox/inventory";
import { ProxmoxCluster } from "../../components/proxmox/proxmoxCluster";
import { ProxmoxVm } from "../../components/proxmox/vm";
import { configSecretKeysIn, StackSecrets } from "../../components/secrets/stackSecrets";
import { inventoryValues } from "../../stacks/inventoryValues";
import { isPlannedVm, planTalosCluster, talosVmSpec } from "../../components/talos/clusterPlan";
import { TalosCluster } from "../../components/talos/talosCluster";
import { TalosPki } from "../../components/talos/pki";
import { validateHomelabConfig, validateVpsConfig } from "../../config/stacks";
import type { PlannedResource } from "../../policy/contract/plan";
import { recordProgram } from "../platform/recordProgram";
import { presetPlatform, presetPlatformArgs, presetSettings } from "../platform/settings";
import { stackConfigData } from "../support/stackConfig";
import { talosExampleConfig } from "../homelab-compute/talosExample";

function committed<T>(result: { config: T } | { issues: unknown[] }): T {
  if ("issues" in result) throw new Error(`a committed stack config is invalid: ${JSON.stringify(result.issues)}`);
  return result.config;
}
const vps = committed(validateVpsConfig(stackConfigData("vps")));
const homelab = committed(validateHomelabConfig(stackConfigData("homelab")));
// The homelab's cluster is Omni's; a cluster of the program's own is the example's.
const { talos } = talosExampleConfig();

/** Each component's type, and a program that builds one instance of it under `name`, always with the same args. */
const COMPONENTS: [type: string, build: (name: string) => void][] = [];
const component = (type: string, build: (name: string) => void) => COMPONENTS.push([type, build]);

/** Built once: what instances share (providers, a host, a cluster) is their args or options, not their children. */
function sharedDependencies() {
  const vpsHost = new DockerHost("shared-vps-host", vps.dockerHosts["racknerd-aegis"]);
  const segmentation = new NetworkSegmentation("shared-vps-host", { host: vpsHost }, { parent: vpsHost });
  // The adopted stack reads its credentials from config secrets: declared, and stored encrypted as the CLI passes them.
  const configSecretKeys = configSecretKeysIn(inventoryValues(vps.dockerStacks));
  const secretConfig = Object.fromEntries(configSecretKeys.map((key) => [`homeops:${key}`, `${key}-test`]));
  pulumi.runtime.setAllConfig(secretConfig, Object.keys(secretConfig));
  const secrets = new StackSecrets("shared-secrets", { generated: vps.generatedSecrets, configSecretKeys });
  const proxmox = new ProxmoxCluster("shared-proxmox", { settings: homelab.proxmox!, apiToken: pulumi.secret("homeops@pve!pulumi=test") });
  const kubernetes = new KubernetesProvider("shared-cluster", { kubeconfig: pulumi.secret("apiVersion: v1\nkind: Config\n") });
  const aws = new AwsProvider("shared-aws", { region: "us-east-1" });
  const cloudflare = new CloudflareProvider("shared-cloudflare", { apiToken: pulumi.secret("cloudflare-token-test") });
  return { vpsHost, segmentation, secrets, proxmox, kubernetes, aws, cloudflare };
}

let shared: ReturnType<typeof sharedDependencies>;

component("homeops:docker:Host", (name) => new DockerHost(name, vps.dockerHosts["racknerd-aegis"]));
component("homeops:docker:NetworkSegmentation", (name) => new NetworkSegmentation(name, { host: shared.vpsHost }, { parent: shared.vpsHost }));
component("homeops:docker:Stack", (name) => {
  // Volumes, containers, and one container waiting for another to be healthy.
  const spec = vps.dockerStacks.find((stack) => stack.name === "aegis-identity")!;
  new DockerStack(
    name,
    { host: shared.vpsHost, spec, networks: shared.segmentation.networks, secrets: shared.secrets, earlierContainers: {}, awaitedHealthy: awaitedHealthy([spec]) },
    { parent: shared.vpsHost },
  );
});
// The VPS adopts its secrets and generates none, so this instance generates one of its own to have children.
component("homeops:secrets:StackSecrets", (name) => new StackSecrets(name, { generated: { "session-key": { length: 32, special: false } }, configSecretKeys: [] }));
component("homeops:proxmox:Cluster", (name) => new ProxmoxCluster(name, { settings: homelab.proxmox!, apiToken: pulumi.secret("homeops@pve!pulumi=test") }));
component("homeops:proxmox:Vm", (name) => {
  const plan = planTalosCluster(talos, homelab.proxmox!.networks.lan);
  const spec = talosVmSpec(talos, plan.nodes.filter(isPlannedVm)[0], homelab.proxmox!.networks.lan, { systemImage: "local:iso/talos.img", userData: "local:snippets/talos.yaml" });
  new ProxmoxVm(name, spec, { provider: shared.proxmox.provider });
});
component("homeops:proxmox:Container", (name) => {
  const spec = containerGuestSpec("komodo", homelab.proxmoxContainers.komodo, (network) => shared.proxmox.network(network));
  new ProxmoxContainer(name, spec, { provider: shared.proxmox.provider });
});
component("homeops:talos:Pki", (name) => new TalosPki(name, { clusterName: talos.clusterName }));
component("homeops:talos:Cluster", (name) => new TalosCluster(name, { spec: talos, lan: homelab.proxmox!.networks.lan, proxmox: shared.proxmox }));
component("homeops:kubernetes:Namespace", (name) => new PlatformNamespace(name, { plan: platformNamespaces(presetSettings())[0] }, { provider: shared.kubernetes }));
component("homeops:kubernetes:HelmRelease", (name) => {
  const source = presetPlatform().charts.metallb!;
  new HelmRelease(name, { releaseName: "metallb", source, namespace: { existing: "kube-system" }, values: {} }, { provider: shared.kubernetes });
});
component("homeops:kubernetes:Platform", (name) => new KubernetesPlatform(name, presetPlatformArgs(), { provider: shared.kubernetes }));
component("homeops:dns:Zone", (name) => {
  const records = [{ name: "www", type: "A" as const, values: [{ key: "198.51.100.1", value: "198.51.100.1" }], ttl: 300 }];
  // The same domain twice is what a public and a private (split-horizon) zone are.
  new DnsZone(name, { connection: { kind: "route53", provider: shared.aws }, zone: "example.com", records });
  new DnsZone(`${name}-cloudflare`, { connection: { kind: "cloudflare", provider: shared.cloudflare, accountId: "0123456789abcdef0123456789abcdef" }, zone: "example.com", records });
});
component("homeops:dns:AcmeChallengeUser", (name) => new AcmeChallengeUser(name, { hostedZoneId: "ZTESTZONE", zone: "example.com", consumer: "a test" }, { provider: shared.aws }));

const INSTANCES = ["first", "second"];
/** Instance names differ per component, so that one nested in another (a cluster's PKI) is not mistaken for it. */
const instanceName = (type: string, instance: string) => `${type.split(":").pop()}-${instance}`;
let resources: PlannedResource[];

beforeAll(async () => {
  resources = await recordProgram(() => {
    shared = sharedDependencies();
    for (const [type, build] of COMPONENTS) for (const instance of INSTANCES) build(instanceName(type, instance));
  });
});

/** Every resource registered under `root`, itself included. */
function subtree(root: PlannedResource): PlannedResource[] {
  return [root, ...resources.filter((resource) => resource.parent === root.urn).flatMap(subtree)];
}

test("no URN is registered twice in a program holding two instances of every component", () => {
  const seen = new Map<string, number>();
  for (const { urn } of resources) seen.set(urn, (seen.get(urn) ?? 0) + 1);
  expect([...seen].filter(([, count]) => count > 1).map(([urn]) => urn)).toEqual([]);
});

test.each(COMPONENTS.map(([type]) => type))("%s: both instances register their own children", (type) => {
  const names = INSTANCES.map((instance) => instanceName(type, instance));
  const instances = names.map((name) => resources.find((resource) => resource.type === type && resource.name === name));
  expect(instances.map((instance) => instance?.name)).toEqual(names);
  const [first, second] = instances.map((instance) => subtree(instance!).map((resource) => resource.urn));
  // A component with no children could not clash; every one here has some.
  expect(first.length).toBeGreaterThan(1);
  expect(second).toHaveLength(first.length);
  expect(first.filter((urn) => second.includes(urn))).toEqual([]);
});
