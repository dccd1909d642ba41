import { platformSettings, type PlatformSettings } from "../../components/kubernetes-platform/settings";
import { platformSchema, type IngressController, type PlatformSpec } from "../../config/platform";
import { clusterCniSchema, type ClusterCni } from "../../config/talos";
import { stackConfigData } from "../support/stackConfig";

/** The committed homelab platform settings, parsed as the program parses them. */
export function committedPlatform(): PlatformSpec {
  return platformSchema.parse(stackConfigData("homelab").platform);
}

/** The committed Talos cluster's CNI choice (`homeops:talos.cni`). */
export function committedCni(): ClusterCni {
  return clusterCniSchema.parse(stackConfigData("homelab").talos.cni);
}

/** The platform's settings as the homelab stack makes them; `cni` replaces the committed CNI choice. */
export function committedSettings(ingressController?: IngressController, cni: ClusterCni = committedCni()): PlatformSettings {
  const spec = committedPlatform();
  return platformSettings(ingressController ? { ...spec, ingressController } : spec, stackConfigData("homelab").domain, cni);
}
