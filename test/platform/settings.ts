import * as pulumi from "@pulumi/pulumi";
import type { KubernetesPlatformArgs } from "../../components/kubernetes-platform/kubernetesPlatform";
import { platformSettings, type PlatformSettings } from "../../components/kubernetes-platform/settings";
import { platformSchema, type IngressController, type PlatformSpec } from "../../config/platform";
import { clusterCniSchema, type ClusterCni } from "../../config/talos";
import { talosExampleData } from "../homelab-compute/talosExample";
import { stackConfigData } from "../support/stackConfig";

/** The committed homelab platform settings, parsed as the program parses them. */
export function committedPlatform(): PlatformSpec {
  return platformSchema.parse(stackConfigData("homelab").platform);
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
 * The committed platform's settings on a Talos cluster this program builds (`kubeconfig: talos`),
 * so that the platform installs the cluster's CNI when `cni` (by default the example's) is
 * Cilium: what the platform does for such a cluster, which the Omni-managed homelab is not.
 */
export function committedSettings(ingressController?: IngressController, cni: ClusterCni = committedCni()): PlatformSettings {
  const spec: PlatformSpec = { ...committedPlatform(), kubeconfig: "talos" };
  return platformSettings(ingressController ? { ...spec, ingressController } : spec, stackConfigData("homelab").domain, cni);
}

/** What the homelab stack gives its KubernetesPlatform, the credentials stand-in secrets (call it inside a program: they are Outputs). */
export function committedPlatformArgs(): KubernetesPlatformArgs {
  const secret = (value: string) => pulumi.secret(value);
  return {
    settings: committedSettings(),
    charts: committedPlatform().charts,
    credentials: {
      objectStore: { accessKeyId: secret("AKIA-TEST"), secretAccessKey: secret("s3-secret-test") },
      monitoring: { pushUsername: "alloy", pushPassword: secret("push-password-test"), grafanaAdminPassword: secret("grafana-password-test") },
      argocdOidcClientSecret: secret("oidc-secret-test"),
      newt: { id: secret("newt-id-test"), secret: secret("newt-secret-test") },
    },
    acme: { kind: "route53", region: "us-east-1", hostedZoneId: "ZTESTZONE", accessKeyId: secret("acme-id-test"), secretAccessKey: secret("acme-secret-test") },
  };
}
