import { platformSettings, type PlatformSettings } from "../../components/kubernetes-platform/settings";
import { platformSchema, type IngressController, type PlatformSpec } from "../../config/platform";
import { stackConfigData } from "../support/vpsConfig";

/** The committed homelab platform settings, parsed as the program parses them. */
export function committedPlatform(): PlatformSpec {
  return platformSchema.parse(stackConfigData("homelab").platform);
}

export function committedSettings(ingressController?: IngressController): PlatformSettings {
  const spec = committedPlatform();
  return platformSettings(ingressController ? { ...spec, ingressController } : spec, stackConfigData("homelab").domain);
}
