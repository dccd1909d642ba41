/**
 * The stateful resources of a plan: what holds data or identity that a replacement or a
 * deletion would lose. Judged from each resource's type and inputs, not from the options the
 * program chose, so that the protection test can find what the program forgot.
 */
import type { Plan, PlannedResource } from "../../policy/contract/plan";

export type StatefulCategory = "Docker volume" | "Proxmox guest holding data" | "DNS zone" | "Talos PKI" | "Ceph cluster" | "generated secret";

export interface Stateful {
  resource: PlannedResource;
  category: StatefulCategory;
  why: string;
}

const records = (value: unknown): Record<string, any>[] => (Array.isArray(value) ? value.filter((item) => item && typeof item === "object") : []);

/** The address part of `a.b.c.d/len`. */
const addressOf = (cidr: unknown) => String(cidr ?? "").split("/")[0];

export function statefulResources(plan: Plan): Stateful[] {
  const { resources } = plan;
  const found: Stateful[] = [];
  const add = (resource: PlannedResource, category: StatefulCategory, why: string) => found.push({ resource, category, why });

  // Docker hosts by address, from their providers (`ssh://user@address:port`), and by name (their providers').
  const dockerProviders = resources.filter((resource) => resource.type === "pulumi:providers:docker");
  const dockerHostAddresses = new Set(dockerProviders.map((provider) => /@([^:/]+)/.exec(String(provider.inputs.host ?? ""))?.[1] ?? ""));
  const dockerHostNames = new Set(dockerProviders.map((provider) => provider.name));
  // Keys that sign a CA, and keys that only back a leaf certificate request.
  const caKeys = new Set<string>();
  const leafKeys = new Set<string>();
  for (const resource of resources) {
    const keys = resource.propertyDependencies.privateKeyPem ?? [];
    if (resource.type === "tls:index/selfSignedCert:SelfSignedCert" && resource.inputs.isCaCertificate === true) keys.forEach((urn) => caKeys.add(urn));
    if (resource.type === "tls:index/certRequest:CertRequest") keys.forEach((urn) => leafKeys.add(urn));
  }

  for (const resource of resources) {
    const { type } = resource;
    const inputs = resource.inputs as Record<string, any>;
    if (type === "docker:index/volume:Volume") add(resource, "Docker volume", "a Docker volume holds container data");
    else if (type === "proxmoxve:index/vmLegacy:VmLegacy" && records(inputs.disks).length > 1) add(resource, "Proxmox guest holding data", "a VM with data disks");
    else if (type === "proxmoxve:index/vmLegacy:VmLegacy" && dockerHostNames.has(String(inputs.name))) {
      add(resource, "Proxmox guest holding data", "a VM that is a Docker host (its volumes live in its disks)");
    }
    else if (type === "proxmoxve:index/containerLegacy:ContainerLegacy") {
      const addresses = records(inputs.initialization?.ipConfigs).map((config) => addressOf(config.ipv4?.address));
      if (records(inputs.mountPoints).length > 0) add(resource, "Proxmox guest holding data", "an LXC with mount points");
      else if (addresses.some((address) => dockerHostAddresses.has(address))) add(resource, "Proxmox guest holding data", "an LXC that is a Docker host (its volumes live in its root disk)");
    } else if (type === "aws:route53/zone:Zone" || type === "cloudflare:index/zone:Zone") add(resource, "DNS zone", "a DNS zone: recreated, it gets new name servers");
    else if (type === "tls:index/selfSignedCert:SelfSignedCert" && inputs.isCaCertificate === true) add(resource, "Talos PKI", "a CA certificate every node and client trusts");
    else if (type === "tls:index/privateKey:PrivateKey" && (caKeys.has(resource.urn) || !leafKeys.has(resource.urn))) {
      add(resource, "Talos PKI", caKeys.has(resource.urn) ? "a CA's private key" : "a long-lived key (not a re-issuable leaf), e.g. the service-account key");
    } else if (type.startsWith("random:")) add(resource, "generated secret", "a generated secret: regenerated, it locks users out of what it protects");
    else if (inputs.chart === "rook-ceph-cluster" || type === "kubernetes:ceph.rook.io/v1:CephCluster") add(resource, "Ceph cluster", "the Ceph cluster: its pools hold the cluster's volumes");
  }
  return found;
}

export function isKept(resource: PlannedResource): boolean {
  return resource.protect || resource.retainOnDelete;
}
