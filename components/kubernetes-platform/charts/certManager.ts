import { memory, type ContainerResources } from "./common";

/** The cert-manager chart values this program sets (chart 1.21; its values schema is strict). */
export interface CertManagerValues {
  crds: { enabled: boolean; keep: boolean };
  replicaCount: number;
  resources: ContainerResources;
  dns01RecursiveNameservers: string;
  dns01RecursiveNameserversOnly: boolean;
  webhook: { replicaCount: number; resources: ContainerResources };
  cainjector: { replicaCount: number; resources: ContainerResources };
  startupapicheck: { resources: ContainerResources };
}

export function certManagerValues(): CertManagerValues {
  return {
    // CRDs with the chart (spec), kept when the release goes so certificates survive it.
    crds: { enabled: true, keep: true },
    replicaCount: 3,
    resources: memory("256Mi", "64Mi"),
    // The DNS-01 self-check must see the public zone, not the LAN resolver's view of it.
    dns01RecursiveNameservers: "1.1.1.1:53,9.9.9.9:53",
    dns01RecursiveNameserversOnly: true,
    webhook: { replicaCount: 3, resources: memory("128Mi", "32Mi") },
    cainjector: { replicaCount: 2, resources: memory("256Mi", "64Mi") },
    // A Helm hook Job that Pulumi applies as an ordinary Job and awaits: the release is
    // ready only once the webhook answers, so the ClusterIssuer after it does not race it.
    startupapicheck: { resources: memory("64Mi", "32Mi") },
  };
}
