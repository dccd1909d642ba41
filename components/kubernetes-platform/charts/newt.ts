import { SECRETS } from "../settings";
import { memory, type ContainerResources } from "./common";

/** The newt chart values this program sets (fossorial chart 1.1). */
export interface NewtValues {
  newtInstances: {
    name: string;
    enabled: boolean;
    /** PANGOLIN_ENDPOINT, NEWT_ID and NEWT_SECRET come from this Secret, never from values. */
    auth: { existingSecretName: string };
    /** The WireGuard Service is for accepting clients, which this tunnel does not. */
    service: { enabled: boolean };
    resources: ContainerResources;
  }[];
}

export function newtValues(): NewtValues {
  return { newtInstances: [{ name: "main-tunnel", enabled: true, auth: { existingSecretName: SECRETS.newt }, service: { enabled: false }, resources: memory("128Mi", "64Mi") }] };
}
