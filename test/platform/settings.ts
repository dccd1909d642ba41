import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import type { KubernetesPlatformArgs } from "../../components/kubernetes-platform/kubernetesPlatform";
import { platformSettings, type PlatformSettings } from "../../components/kubernetes-platform/settings";
import { platformSchema, type IngressController, type PlatformSpec } from "../../config/platform";
import { clusterCniSchema, type ClusterCni } from "../../config/talos";
import { talosExampleData } from "../homelab-compute/talosExample";
import { stackConfigData } from "../support/stackConfig";

/**
 * The presets' platform settings as a stack file gives them (every preset installed, on a
 * Talos cluster this program builds), raw: the homelab's platform before it took the
 * estate's releases over.
 */
export function presetPlatformData(): Record<string, any> {
  return parse(readFileSync(join(__dirname, "fixtures", "presetPlatform.yaml"), "utf8"));
}

/** The presets' platform, parsed as the program parses it. */
export function presetPlatform(): PlatformSpec {
  return platformSchema.parse(presetPlatformData());
}

/**
 * The CNI choice (`homeops:talos.cni`) of a cluster this program builds, whose CNI the platform
 * installs: the Talos-on-Proxmox example's (the homelab's own cluster, Omni's, runs Talos's
 * default Flannel, so its platform installs none).
 */
export function committedCni(): ClusterCni {
  return clusterCniSchema.parse(talosExampleData().talos.cni);
}

/**
 * The presets' settings on a Talos cluster this program builds, so that the platform installs
 * the cluster's CNI when `cni` (by default the example's) is Cilium.
 */
export function presetSettings(ingressController?: IngressController, cni: ClusterCni = committedCni()): PlatformSettings {
  const spec = presetPlatform();
  return platformSettings(ingressController ? { ...spec, ingressController } : spec, stackConfigData("homelab").domain, cni);
}

/** What a stack of the presets gives its KubernetesPlatform, the credentials stand-in secrets (call it inside a program: they are Outputs). */
export function presetPlatformArgs(): KubernetesPlatformArgs {
  const secret = (value: string) => pulumi.secret(value);
  return {
    settings: presetSettings(),
    charts: presetPlatform().charts,
    credentials: {
      objectStore: { accessKeyId: secret("AKIA-TEST"), secretAccessKey: secret("s3-secret-test") },
      monitoring: { pushUsername: "alloy", pushPassword: secret("push-password-test"), grafanaAdminPassword: secret("grafana-password-test") },
      argocdOidcClientSecret: secret("oidc-secret-test"),
      newt: { id: secret("newt-id-test"), secret: secret("newt-secret-test") },
    },
    acme: { kind: "route53", region: "us-east-1", hostedZoneId: "ZTESTZONE", accessKeyId: secret("acme-id-test"), secretAccessKey: secret("acme-secret-test") },
  };
}

/** A homelab config (raw, as a test mutates it) with the presets' platform on its own cluster, and the generated secret the presets refer to. */
export function withPresetPlatform(config: Record<string, any>): Record<string, any> {
  config.platform = { ...presetPlatformData(), kubeconfig: config.platform.kubeconfig };
  config.generatedSecrets = { ...config.generatedSecrets, "grafana-admin-password": { length: 32 } };
  return config;
}
