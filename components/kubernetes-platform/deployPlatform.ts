import { homedir } from "node:os";
import { Provider } from "@pulumi/kubernetes/provider";
import type * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../config/errors";
import type { KubeconfigSource, PlatformSpec } from "../../config/platform";
import type { SecretRefSpec } from "../../config/platformReleases";
import type { ClusterCni } from "../../config/talos";
import type { AcmeDns01Credentials } from "../dns/dnsEstate";
import type { StackSecrets } from "../secrets/stackSecrets";
import { customPlatform } from "./customReleases";
import { KubernetesPlatform } from "./kubernetesPlatform";
import { customNamespace } from "./namespaces";
import { platformSettings } from "./settings";

export interface PlatformInputs {
  domain: string;
  secrets: StackSecrets;
  /** cert-manager's DNS-01 credentials, from the DNS area. */
  acme: AcmeDns01Credentials;
  /** The provider of the Talos cluster this stack builds (from its admin kubeconfig, after bootstrap), when it builds one. */
  talosProvider?: Provider;
  /**
   * That cluster's CNI choice (`homeops:talos.cni`): with `cilium` or `custom` the cluster has
   * no CNI of its own and the platform installs Cilium, or the named custom release, as its
   * first release (on the Talos cluster only).
   */
  clusterCni?: ClusterCni;
}

/** A kubeconfig from outside the stack: its contents (config secret) or a file path, which the provider reads. */
export function externalKubeconfig(source: Exclude<KubeconfigSource, "talos">, secrets: StackSecrets): pulumi.Input<string> {
  if ("configSecret" in source) return secrets.resolve(source);
  return source.path.startsWith("~/") ? `${homedir()}${source.path.slice(1)}` : source.path;
}

/** The cluster the releases go to: the Talos cluster's own provider, or one made from the configured kubeconfig. */
export function clusterProvider(spec: PlatformSpec, inputs: Pick<PlatformInputs, "secrets" | "talosProvider">, opts?: pulumi.CustomResourceOptions): Provider {
  if (spec.kubeconfig !== "talos") return new Provider("cluster", { kubeconfig: externalKubeconfig(spec.kubeconfig, inputs.secrets), context: spec.kubeContext }, opts);
  if (!inputs.talosProvider) {
    throw new ConfigError([{ key: "homeops:platform.kubeconfig", message: "is talos, but this stack builds no Talos cluster; give {configSecret: <key>} or {path: <kubeconfig file>}" }]);
  }
  return inputs.talosProvider;
}

/** The Kubernetes platform on the cluster the configuration points at, through an explicit provider. */
export function deployKubernetesPlatform(spec: PlatformSpec, inputs: PlatformInputs, opts?: pulumi.ComponentResourceOptions): KubernetesPlatform {
  const provider = clusterProvider(spec, inputs, opts);
  const { secrets } = inputs;
  const resolve = (ref: SecretRefSpec) => secrets.resolve(ref);
  const { objectStore, monitoring, argocd, newt } = spec;
  const settings = platformSettings(spec, inputs.domain, inputs.clusterCni);
  return new KubernetesPlatform(
    "platform",
    {
      settings,
      charts: spec.charts,
      acme: inputs.acme,
      credentials: {
        ...(objectStore ? { objectStore: { accessKeyId: resolve(objectStore.accessKeyId), secretAccessKey: resolve(objectStore.secretAccessKey) } } : {}),
        ...(monitoring
          ? { monitoring: { pushUsername: monitoring.pushUsername, pushPassword: resolve(monitoring.pushPassword), grafanaAdminPassword: resolve(monitoring.grafanaAdminPassword) } }
          : {}),
        ...(argocd ? { argocdOidcClientSecret: resolve(argocd.oidc.clientSecret) } : {}),
        ...(newt ? { newt: { id: resolve(newt.id), secret: resolve(newt.secret) } } : {}),
      },
      customNamespaces: Object.entries(spec.namespaces).map(([name, namespace]) => customNamespace(name, namespace, spec.nodeCidr)),
      custom: customPlatform(spec, resolve),
    },
    { ...opts, provider },
  );
}
