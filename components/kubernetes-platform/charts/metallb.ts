import { memory, type ContainerResources } from "./common";

/** The MetalLB chart values this program sets (chart 0.16, L2 mode only). */
export interface MetallbValues {
  crds: { enabled: boolean };
  controller: { resources: ContainerResources };
  speaker: {
    frr: { enabled: boolean };
    /** Announce from nodes labelled exclude-from-external-load-balancers: Talos control planes carry it, and all three nodes are control planes. */
    ignoreExcludeLB: boolean;
    resources: ContainerResources;
  };
}

export function metallbValues(): MetallbValues {
  return {
    crds: { enabled: true },
    controller: { resources: memory("128Mi", "32Mi") },
    // FRR is for BGP; L2 advertisement needs only the speaker (and four fewer containers).
    speaker: { frr: { enabled: false }, ignoreExcludeLB: true, resources: memory("128Mi", "32Mi") },
  };
}
