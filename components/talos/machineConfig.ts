/**
 * Talos machine configuration for the v1.13 config contract, generated as plain data:
 * what `talosctl gen config` writes (the v1alpha1 document and the multi-documents the
 * contract adds), plus this estate's per-node static network and control-plane VIP,
 * then the patches. No Pulumi here: the Talos component feeds it resolved PKI outputs.
 */
import { stringify } from "yaml";
import { DOCUMENT_API_VERSION, type TalosDocument } from "./documents";
import { TalosConfigError } from "./errors";
import type { CniChoice, InstallInput, MachineType, StaticNetworkInput } from "./inputs";
import { hostnameDocument, layer2VipDocument, staticNetworkDocuments } from "./networkDocuments";
import { TALOS_DEFAULT_POD_SUBNETS, TALOS_DEFAULT_SERVICE_SUBNETS } from "../../config/talos";
import { applyPatches, type ConfigPatch, type SourcedPatch } from "./patches";
import { parseSecretsBundle, type TalosSecretsBundle } from "./secretsBundle";
import { v1alpha1Document } from "./v1alpha1";

export type { TalosDocument } from "./documents";
export type { ConfigPatch, SourcedPatch } from "./patches";
export type * from "./inputs";

/** Cluster-wide inputs: what `talosctl gen config` takes as arguments and flags. */
export interface ClusterConfigInput {
  clusterName: string;
  /** The Kubernetes API endpoint every node uses, e.g. `https://192.168.11.60:6443` (the VIP). */
  endpoint: string;
  /** e.g. `1.35.0` or `v1.35.0`. */
  kubernetesVersion: string;
  /** The secrets bundle (`talosctl gen secrets` format); checked before use. */
  secrets: TalosSecretsBundle;
  /** Extra names and addresses for the Talos API and Kubernetes API server certificates. */
  additionalSans?: string[];
  /** Default `cluster.local`. */
  dnsDomain?: string;
  allowSchedulingOnControlPlanes?: boolean;
  /** Install disk, installer image, kernel arguments for every node (a node may override them). */
  install?: InstallInput;
  /** The port the API server listens on locally when it differs from the endpoint's. */
  localApiServerPort?: number;
  sysctls?: Record<string, string>;
  /** Left out: Talos's default, Flannel. */
  cni?: CniChoice;
  /** Default Talos's: 10.244.0.0/16. */
  podSubnets?: string[];
  /** Default Talos's: 10.96.0.0/12. */
  serviceSubnets?: string[];
  /** Registry host -> mirror endpoint URLs, e.g. `{ "docker.io": ["https://mirror.lan"] }`. */
  registryMirrors?: Record<string, string[]>;
  /** A layer-2 virtual IP the control planes share (announced on each one's static link). */
  vip?: string;
  /** Applied to every node, before the node's own patches. */
  patches?: (ConfigPatch | SourcedPatch)[];
}

/** What differs from node to node. */
export interface NodeConfigInput {
  type: MachineType;
  /** Left out: Talos generates a stable hostname. */
  hostname?: string;
  network?: StaticNetworkInput;
  /** Overrides the cluster's install settings, e.g. to move one node to a new installer image. */
  install?: InstallInput;
  patches?: (ConfigPatch | SourcedPatch)[];
}

/** All documents of one machine's configuration, in the order Talos writes them. */
export function generateMachineConfig(cluster: ClusterConfigInput, node: NodeConfigInput): TalosDocument[] {
  const generated = [
    v1alpha1Document({
      type: node.type,
      clusterName: checkClusterName(cluster.clusterName),
      endpoint: checkEndpoint(cluster.endpoint),
      kubernetesVersion: normaliseKubernetesVersion(cluster.kubernetesVersion),
      secrets: parseSecretsBundle(cluster.secrets),
      additionalSans: cluster.additionalSans ?? [],
      dnsDomain: cluster.dnsDomain ?? "cluster.local",
      allowSchedulingOnControlPlanes: cluster.allowSchedulingOnControlPlanes ?? false,
      install: { ...cluster.install, ...node.install },
      localApiServerPort: cluster.localApiServerPort,
      sysctls: cluster.sysctls ?? {},
      cni: cluster.cni,
      podSubnets: cluster.podSubnets ?? TALOS_DEFAULT_POD_SUBNETS,
      serviceSubnets: cluster.serviceSubnets ?? TALOS_DEFAULT_SERVICE_SUBNETS,
    }),
    ...registryMirrorDocuments(cluster.registryMirrors ?? {}),
    hostnameDocument(node.hostname),
    ...(node.network === undefined ? [] : staticNetworkDocuments(node.network)),
    ...vipDocuments(cluster.vip, node),
  ];
  return applyPatches(generated, [...(cluster.patches ?? []), ...(node.patches ?? [])]);
}

/** The multi-document YAML a node reads as its configuration (the nocloud user-data). */
export function toYaml(documents: readonly TalosDocument[]): string {
  // No anchors/aliases: Talos' decoder would accept them, but readers of the file should not need to.
  return documents.map((document) => stringify(document, { indent: 4, lineWidth: 0, aliasDuplicateObjects: false })).join("---\n");
}

function registryMirrorDocuments(mirrors: Record<string, string[]>): TalosDocument[] {
  return Object.entries(mirrors).map(([registry, endpoints]) => ({
    apiVersion: DOCUMENT_API_VERSION,
    kind: "RegistryMirrorConfig",
    name: registry,
    endpoints: endpoints.map((url) => ({ url: checkMirrorUrl(url, registry) })),
  }));
}

/** Only control planes announce the VIP, and they need a known link to announce it on. */
function vipDocuments(vip: string | undefined, node: NodeConfigInput): TalosDocument[] {
  if (vip === undefined || node.type !== "controlplane") return [];
  if (node.network === undefined) {
    throw new TalosConfigError(
      `control plane ${node.hostname ?? "(no hostname)"} must announce the VIP ${vip} but has no static network to announce it on`,
    );
  }
  return [layer2VipDocument(vip, node.network)];
}

function checkClusterName(name: string): string {
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name)) {
    throw new TalosConfigError(`cluster name ${JSON.stringify(name)} must be lowercase letters, digits and dashes`);
  }
  return name;
}

function checkEndpoint(endpoint: string): string {
  if (!endpoint.startsWith("https://") || !URL.canParse(endpoint)) {
    throw new TalosConfigError(`endpoint ${JSON.stringify(endpoint)} must be an https:// URL, e.g. https://192.168.11.60:6443`);
  }
  return endpoint;
}

function normaliseKubernetesVersion(version: string): string {
  if (!/^v?\d+\.\d+\.\d+$/.test(version)) {
    throw new TalosConfigError(`Kubernetes version ${JSON.stringify(version)} is not like 1.35.0`);
  }
  return version.startsWith("v") ? version : `v${version}`;
}

function checkMirrorUrl(url: string, registry: string): string {
  if (!/^https?:\/\//.test(url) || !URL.canParse(url)) {
    throw new TalosConfigError(`mirror ${JSON.stringify(url)} for ${registry} must be an http(s) URL`);
  }
  return url;
}
