import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import { Secret } from "@pulumi/kubernetes/core/v1";
import { Ingress } from "@pulumi/kubernetes/networking/v1";
import type { Provider } from "@pulumi/kubernetes/provider";
import { ConfigFile } from "@pulumi/kubernetes/yaml/v2";
import * as pulumi from "@pulumi/pulumi";
import type { ChartSource, PlatformRelease } from "../../config/platform";
import { topologicalOrder } from "../../model/order";
import type { AcmeDns01Credentials } from "../dns/dnsEstate";
import { thanosObjectStoreConfig } from "./charts/thanos";
import type { CustomObjectPlan, CustomPlatform, CustomReleasePlan } from "./customReleases";
import { HelmRelease, type ExistingNamespace } from "./helmRelease";
import {
  ACME_SECRET_KEYS,
  ciliumL2AnnouncementPolicy,
  ciliumLoadBalancerIpPool,
  clusterIssuer,
  gatewayApiCrdsUrl,
  htpasswdLine,
  ipAddressPool,
  l2Advertisement,
  pushAuthMiddleware,
  pushEndpointIngresses,
  wildcardCertificate,
  type Dns01Solver,
  type Manifest,
} from "./manifests";
import { platformNamespaces, type NamespacePlan } from "./namespaces";
import { PlatformNamespace } from "./platformNamespace";
import { cniStep, platformSteps, type ConfigStep, type Step } from "./releases";
import { CLUSTER_NAMESPACES, installs, NAMESPACES, SECRETS, type PlatformSettings } from "./settings";

/** Credentials the presets hand to their workloads, all secret Outputs; each present when its settings block is. */
export interface PlatformCredentials {
  objectStore?: { accessKeyId: pulumi.Input<string>; secretAccessKey: pulumi.Input<string> };
  monitoring?: { pushUsername: string; pushPassword: pulumi.Input<string>; grafanaAdminPassword: pulumi.Input<string> };
  argocdOidcClientSecret?: pulumi.Input<string>;
  newt?: { id: pulumi.Input<string>; secret: pulumi.Input<string> };
}

export interface KubernetesPlatformArgs {
  settings: PlatformSettings;
  /** Chart, repository and pinned version per preset (the config checks require every installed one). */
  charts: Partial<Record<PlatformRelease, ChartSource>>;
  credentials: PlatformCredentials;
  /** How cert-manager solves DNS-01 in the zone (from the DNS area). */
  acme: AcmeDns01Credentials;
  /** The stack file's own namespaces (as plans), releases, Secrets and objects. */
  customNamespaces?: NamespacePlan[];
  custom?: CustomPlatform;
}

/**
 * The cluster's platform (seed L2): namespaces with their Pod Security levels and
 * NetworkPolicies, the Secrets the charts read, the Helm releases in dependency order,
 * and the configuration objects between them. First the installed presets (issuer,
 * certificate, address pool and the basic-auth push endpoints with them), then the stack
 * file's own releases and objects, each after what it needs. When the cluster has no CNI of
 * its own, the first release is the one the platform installs (Cilium into kube-system, or
 * the stack file's release `settings.cniRelease`), and every other release waits for it.
 * All of it goes through the cluster's provider, an option.
 */
export class KubernetesPlatform extends pulumi.ComponentResource {
  readonly namespaces: Record<string, PlatformNamespace> = {};
  /** Every release by its key: the presets' names and the custom releases' keys. */
  readonly releases: Record<string, HelmRelease<object>> = {};

  constructor(name: string, args: KubernetesPlatformArgs, opts: pulumi.ComponentResourceOptions & { provider: Provider }) {
    super("homeops:kubernetes:Platform", name, {}, opts);
    const { settings } = args;
    const { provider } = opts;
    const onCluster = { parent: this, provider };
    const own = args.custom ?? { releases: [], secrets: [], objects: [] };

    for (const plan of [...platformNamespaces(settings), ...(args.customNamespaces ?? [])]) {
      this.namespaces[plan.name] = new PlatformNamespace(`${name}/${plan.name}`, { plan }, onCluster);
    }
    const namespaceOf = (namespace: string) => {
      const found = this.namespaces[namespace];
      if (!found) throw new Error(`no platform namespace ${namespace}`);
      return found;
    };
    // A release goes to a namespace the platform creates, or to one the cluster brings (the CNI to kube-system).
    const clusterNamespaces: readonly string[] = Object.values(CLUSTER_NAMESPACES);
    const releaseNamespace = (namespace: string): PlatformNamespace | ExistingNamespace =>
      clusterNamespaces.includes(namespace) ? { existing: namespace } : namespaceOf(namespace);
    /** A namespaced object names its namespace through the namespace's output, so it is created after it. */
    const namespaceInput = (namespace: string): pulumi.Input<string> => (clusterNamespaces.includes(namespace) ? namespace : namespaceOf(namespace).name);

    // Secrets first: the charts refer to them by name, and a pod whose Secret is missing does not start.
    const secretsIn = new Map<string, Secret[]>();
    const secret = (namespace: string, secretName: string, stringData: Record<string, pulumi.Input<string>>, extra: { labels?: Record<string, string>; type?: string } = {}) => {
      const created = new Secret(
        `${name}/${namespace}/${secretName}`,
        { metadata: { name: secretName, namespace: namespaceInput(namespace), labels: extra.labels }, type: extra.type ?? "Opaque", stringData },
        onCluster,
      );
      secretsIn.set(namespace, [...(secretsIn.get(namespace) ?? []), created]);
    };
    const { credentials } = args;
    const has = (preset: PlatformRelease) => installs(settings, preset);
    if (has("cert-manager") && settings.acme) secret(NAMESPACES.certManager, SECRETS.acmeDns01, acmeSecretData(args.acme));
    const { objectStore } = settings;
    if (credentials.objectStore && objectStore && (has("loki") || has("tempo") || has("thanos"))) {
      const { accessKeyId, secretAccessKey } = credentials.objectStore;
      secret(NAMESPACES.monitoring, SECRETS.objectStore, { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey });
      secret(NAMESPACES.monitoring, SECRETS.thanosObjectStore, {
        "objstore.yml": pulumi
          .all([accessKeyId, secretAccessKey])
          .apply(([accessKey, secretKey]) => thanosObjectStoreConfig({ ...objectStore, bucket: objectStore.buckets.thanos }, accessKey, secretKey)),
      });
    }
    const { monitoring } = credentials;
    if (monitoring && has("kube-prometheus-stack")) {
      secret(NAMESPACES.monitoring, SECRETS.grafanaAdmin, { "admin-user": "admin", "admin-password": monitoring.grafanaAdminPassword });
      // `auth` is the key ingress-nginx reads, `users` the one Traefik's basicAuth reads.
      const htpasswd = pulumi.output(monitoring.pushPassword).apply((password) => htpasswdLine(monitoring.pushUsername, password));
      secret(NAMESPACES.monitoring, SECRETS.pushAuth, { auth: htpasswd, users: htpasswd });
    }
    if (credentials.argocdOidcClientSecret !== undefined && has("argo-cd")) {
      secret(NAMESPACES.argocd, SECRETS.argocdOidc, { clientSecret: credentials.argocdOidcClientSecret }, { labels: { "app.kubernetes.io/part-of": "argocd" } });
    }
    if (credentials.newt && settings.newtEndpoint && has("newt")) {
      secret(NAMESPACES.newt, SECRETS.newt, { PANGOLIN_ENDPOINT: settings.newtEndpoint, NEWT_ID: credentials.newt.id, NEWT_SECRET: credentials.newt.secret });
    }
    for (const plan of own.secrets) secret(plan.namespace, plan.name, plan.stringData, { labels: plan.labels, type: plan.type });

    const done = new Map<string, pulumi.Resource[]>();
    const after = (steps: string[]) =>
      steps.flatMap((step) => {
        const ready = done.get(step);
        if (!ready) throw new Error(`platform step ${step} is needed before it is created`);
        return ready;
      });
    const placed = (metadata: Manifest["metadata"]) => (metadata.namespace ? { ...metadata, namespace: namespaceInput(metadata.namespace) } : metadata);
    const custom = (manifest: Pick<Manifest, "apiVersion" | "kind" | "metadata"> & object, resourceName: string, needs: string[], holdsData = false) =>
      new CustomResource(
        `${name}/${resourceName}`,
        { ...manifest, metadata: placed(manifest.metadata) },
        { ...onCluster, dependsOn: after(needs), ...(holdsData ? { protect: true, retainOnDelete: true } : {}) },
      );
    const configObjects: Record<ConfigStep, (needs: Step[]) => pulumi.Resource[]> = {
      "gateway-api-crds": (needs) => {
        const version = settings.cni?.gatewayApi?.crdsVersion;
        if (!version) throw new Error("the Gateway API's CRDs without a version (the config schema should have refused this)");
        return [new ConfigFile(`${name}/gateway-api-crds`, { file: gatewayApiCrdsUrl(version) }, { ...onCluster, dependsOn: after(needs) })];
      },
      "address-pool": (needs) =>
        settings.loadBalancerPool?.provider === "cilium"
          ? [custom(ciliumLoadBalancerIpPool(settings), "cilium-lb-pool", needs), custom(ciliumL2AnnouncementPolicy(settings), "cilium-l2-announcement", needs)]
          : [custom(ipAddressPool(settings), "metallb-system/address-pool", needs), custom(l2Advertisement(settings), "metallb-system/l2-advertisement", needs)],
      "acme-issuer": (needs) => [custom(clusterIssuer(settings, dns01Solver(args.acme)), "acme-issuer", needs)],
      "wildcard-certificate": (needs) => [custom(wildcardCertificate(settings), "wildcard-certificate", needs)],
      "push-endpoints": (needs) => {
        const middleware = settings.ingress?.controller === "traefik" ? [custom(pushAuthMiddleware(), "monitoring/push-basic-auth", needs)] : [];
        return pushEndpointIngresses(settings).map(
          (ingress) => new Ingress(`${name}/monitoring/${ingress.metadata.name}`, { metadata: placed(ingress.metadata), spec: ingress.spec }, { ...onCluster, dependsOn: [...after(needs), ...middleware] }),
        );
      },
    };

    const customRelease = (plan: CustomReleasePlan, needs: string[]) => {
      const { key, releaseName, source, namespace, values, unkeyedContainers, holdsData } = plan;
      this.releases[key] = new HelmRelease(
        `${name}/${key}`,
        { releaseName, source, namespace: releaseNamespace(namespace), values, unkeyedContainers, holdsData },
        { ...onCluster, dependsOn: [...after(needs), ...(secretsIn.get(namespace) ?? [])] },
      );
      done.set(key, [this.releases[key]]);
    };
    // A custom release that is the cluster's CNI comes before every preset (the config checks give it no needs).
    const cniRelease = own.releases.find((plan) => plan.key === settings.cniRelease);
    if (cniRelease) customRelease(cniRelease, []);
    const network = cniStep(settings);

    for (const step of platformSteps(settings)) {
      if (step.kind === "config") {
        done.set(step.step, configObjects[step.step](step.needs));
        continue;
      }
      const source = args.charts[step.step];
      if (!source) throw new Error(`no chart source for ${step.step} (the config checks should have refused this)`);
      this.releases[step.step] = new HelmRelease(
        `${name}/${step.step}`,
        { releaseName: step.step, source, namespace: releaseNamespace(step.namespace), values: step.values, unkeyedContainers: step.unkeyedContainers, holdsData: step.holdsData },
        { ...onCluster, dependsOn: [...after(step.needs), ...(secretsIn.get(step.namespace) ?? [])] },
      );
      done.set(step.step, [this.releases[step.step]]);
    }

    // The stack file's own releases and objects, each after what it needs (presets are all placed by now).
    type CustomStep = { kind: "release"; plan: CustomReleasePlan } | { kind: "object"; plan: CustomObjectPlan };
    const customSteps: CustomStep[] = [
      ...own.releases.filter((plan) => plan !== cniRelease).map((plan) => ({ kind: "release" as const, plan })),
      ...own.objects.map((plan) => ({ kind: "object" as const, plan })),
    ];
    for (const step of topologicalOrder(customSteps, (step) => step.plan.key, (step) => step.plan.needs)) {
      const { plan } = step;
      if (step.kind === "object") {
        done.set(plan.key, [custom(step.plan.manifest, plan.key, plan.needs, plan.holdsData)]);
        continue;
      }
      // Without the CNI the platform installs, no pod of the release could start.
      customRelease(step.plan, [...(network ? [network] : []), ...plan.needs]);
    }
    this.registerOutputs({ namespaces: Object.keys(this.namespaces), releases: Object.keys(this.releases) });
  }
}

function acmeSecretData(acme: AcmeDns01Credentials): Record<string, pulumi.Input<string>> {
  if (acme.kind === "cloudflare") return { [ACME_SECRET_KEYS.apiToken]: acme.apiToken };
  return { [ACME_SECRET_KEYS.accessKeyId]: acme.accessKeyId, [ACME_SECRET_KEYS.secretAccessKey]: acme.secretAccessKey };
}

function dns01Solver(acme: AcmeDns01Credentials): Dns01Solver {
  return acme.kind === "cloudflare" ? { cloudflare: {} } : { route53: { region: acme.region, hostedZoneId: acme.hostedZoneId } };
}
