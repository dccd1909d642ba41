import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import { Secret } from "@pulumi/kubernetes/core/v1";
import { Ingress } from "@pulumi/kubernetes/networking/v1";
import type { Provider } from "@pulumi/kubernetes/provider";
import * as pulumi from "@pulumi/pulumi";
import type { ChartSource, PlatformRelease } from "../../config/platform";
import type { AcmeDns01Credentials } from "../dns/dnsEstate";
import { thanosObjectStoreConfig } from "./charts/thanos";
import { HelmRelease, type ExistingNamespace } from "./helmRelease";
import {
  ACME_SECRET_KEYS,
  clusterIssuer,
  htpasswdLine,
  ipAddressPool,
  l2Advertisement,
  pushAuthMiddleware,
  pushEndpointIngresses,
  wildcardCertificate,
  type Dns01Solver,
  type Manifest,
} from "./manifests";
import { platformNamespaces } from "./namespaces";
import { PlatformNamespace } from "./platformNamespace";
import { platformSteps, type ConfigStep, type Step } from "./releases";
import { CLUSTER_NAMESPACES, NAMESPACES, SECRETS, type PlatformSettings } from "./settings";

/** Credentials the platform hands to its workloads, all secret Outputs. */
export interface PlatformCredentials {
  objectStoreAccessKeyId: pulumi.Input<string>;
  objectStoreSecretAccessKey: pulumi.Input<string>;
  pushUsername: string;
  pushPassword: pulumi.Input<string>;
  grafanaAdminPassword: pulumi.Input<string>;
  argocdOidcClientSecret: pulumi.Input<string>;
  newtId: pulumi.Input<string>;
  newtSecret: pulumi.Input<string>;
}

export interface KubernetesPlatformArgs {
  settings: PlatformSettings;
  /** Chart, repository and pinned version per release (the config checks require every installed one). */
  charts: Partial<Record<PlatformRelease, ChartSource>>;
  credentials: PlatformCredentials;
  /** How cert-manager solves DNS-01 in the zone (from the DNS area). */
  acme: AcmeDns01Credentials;
}

/**
 * The cluster's platform (seed L2): namespaces with their Pod Security levels and
 * NetworkPolicies, the Secrets the charts read, the Helm releases in dependency order,
 * and the configuration objects between them (issuer, certificate, address pool, the
 * basic-auth push endpoints). When the cluster has no CNI of its own (`settings.cni`), the
 * first release is Cilium, into kube-system, and every other release waits for it. All of it
 * goes through the cluster's provider, an option.
 */
export class KubernetesPlatform extends pulumi.ComponentResource {
  readonly namespaces: Record<string, PlatformNamespace> = {};
  readonly releases: Partial<Record<PlatformRelease, HelmRelease<object>>> = {};

  constructor(name: string, args: KubernetesPlatformArgs, opts: pulumi.ComponentResourceOptions & { provider: Provider }) {
    super("homeops:kubernetes:Platform", name, {}, opts);
    const { settings } = args;
    const { provider } = opts;
    const onCluster = { parent: this, provider };

    for (const plan of platformNamespaces(settings)) this.namespaces[plan.name] = new PlatformNamespace(`${name}/${plan.name}`, { plan }, onCluster);
    const namespaceOf = (namespace: string) => {
      const found = this.namespaces[namespace];
      if (!found) throw new Error(`no platform namespace ${namespace}`);
      return found;
    };
    // A release goes to a namespace the platform creates, or to one the cluster brings (the CNI to kube-system).
    const clusterNamespaces: readonly string[] = Object.values(CLUSTER_NAMESPACES);
    const releaseNamespace = (namespace: string): PlatformNamespace | ExistingNamespace =>
      clusterNamespaces.includes(namespace) ? { existing: namespace } : namespaceOf(namespace);

    // Secrets first: the charts refer to them by name, and a pod whose Secret is missing does not start.
    const secretsIn = new Map<string, Secret[]>();
    const secret = (namespace: string, secretName: string, stringData: Record<string, pulumi.Input<string>>, labels?: Record<string, string>) => {
      const created = new Secret(
        `${name}/${namespace}/${secretName}`,
        { metadata: { name: secretName, namespace: namespaceOf(namespace).name, labels }, type: "Opaque", stringData },
        onCluster,
      );
      secretsIn.set(namespace, [...(secretsIn.get(namespace) ?? []), created]);
    };
    const { credentials } = args;
    secret(NAMESPACES.certManager, SECRETS.acmeDns01, acmeSecretData(args.acme));
    secret(NAMESPACES.monitoring, SECRETS.objectStore, { AWS_ACCESS_KEY_ID: credentials.objectStoreAccessKeyId, AWS_SECRET_ACCESS_KEY: credentials.objectStoreSecretAccessKey });
    secret(NAMESPACES.monitoring, SECRETS.thanosObjectStore, {
      "objstore.yml": pulumi
        .all([credentials.objectStoreAccessKeyId, credentials.objectStoreSecretAccessKey])
        .apply(([accessKey, secretKey]) => thanosObjectStoreConfig({ ...settings.objectStore, bucket: settings.objectStore.buckets.thanos }, accessKey, secretKey)),
    });
    secret(NAMESPACES.monitoring, SECRETS.grafanaAdmin, { "admin-user": "admin", "admin-password": credentials.grafanaAdminPassword });
    // `auth` is the key ingress-nginx reads, `users` the one Traefik's basicAuth reads.
    const htpasswd = pulumi.output(credentials.pushPassword).apply((password) => htpasswdLine(credentials.pushUsername, password));
    secret(NAMESPACES.monitoring, SECRETS.pushAuth, { auth: htpasswd, users: htpasswd });
    secret(NAMESPACES.argocd, SECRETS.argocdOidc, { clientSecret: credentials.argocdOidcClientSecret }, { "app.kubernetes.io/part-of": "argocd" });
    secret(NAMESPACES.newt, SECRETS.newt, { PANGOLIN_ENDPOINT: settings.newtEndpoint, NEWT_ID: credentials.newtId, NEWT_SECRET: credentials.newtSecret });

    const done = new Map<Step, pulumi.Resource[]>();
    const after = (steps: Step[]) =>
      steps.flatMap((step) => {
        const ready = done.get(step);
        if (!ready) throw new Error(`platform step ${step} is needed before it is created`);
        return ready;
      });
    // A namespaced object names its namespace through the namespace's output: created after it.
    const placed = (metadata: Manifest["metadata"]) => (metadata.namespace ? { ...metadata, namespace: namespaceOf(metadata.namespace).name } : metadata);
    const custom = (manifest: Manifest, resourceName: string, needs: Step[]) =>
      new CustomResource(`${name}/${resourceName}`, { ...manifest, metadata: placed(manifest.metadata) }, { ...onCluster, dependsOn: after(needs) });
    const configObjects: Record<ConfigStep, (needs: Step[]) => pulumi.Resource[]> = {
      "address-pool": (needs) => [custom(ipAddressPool(settings), "metallb-system/address-pool", needs), custom(l2Advertisement(settings), "metallb-system/l2-advertisement", needs)],
      "acme-issuer": (needs) => [custom(clusterIssuer(settings, dns01Solver(args.acme)), "acme-issuer", needs)],
      "wildcard-certificate": (needs) => [custom(wildcardCertificate(settings), "wildcard-certificate", needs)],
      "push-endpoints": (needs) => {
        const middleware = settings.ingress.controller === "traefik" ? [custom(pushAuthMiddleware(), "monitoring/push-basic-auth", needs)] : [];
        return pushEndpointIngresses(settings).map(
          (ingress) => new Ingress(`${name}/monitoring/${ingress.metadata.name}`, { metadata: placed(ingress.metadata), spec: ingress.spec }, { ...onCluster, dependsOn: [...after(needs), ...middleware] }),
        );
      },
    };

    for (const step of platformSteps(settings)) {
      if (step.kind === "config") {
        done.set(step.step, configObjects[step.step](step.needs));
        continue;
      }
      const source = args.charts[step.step];
      if (!source) throw new Error(`no chart source for ${step.step} (the config checks should have refused this)`);
      const release = new HelmRelease(
        `${name}/${step.step}`,
        {
          releaseName: step.step,
          source,
          namespace: releaseNamespace(step.namespace),
          values: step.values,
          unkeyedContainers: step.unkeyedContainers,
          holdsData: step.holdsData,
        },
        { ...onCluster, dependsOn: [...after(step.needs), ...(secretsIn.get(step.namespace) ?? [])] },
      );
      this.releases[step.step] = release;
      done.set(step.step, [release]);
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
