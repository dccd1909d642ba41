import { stringify } from "yaml";
import { hostnames, required, SECRETS, type PlatformSettings } from "../settings";
import { memory, type ContainerResources } from "./common";

interface Component {
  resources: ContainerResources;
}

/** The argo-cd chart values this program sets (chart 7.x). */
export interface ArgoCdValues {
  global: { domain: string };
  configs: {
    /** TLS ends at the ingress controller. */
    params: { "server.insecure": boolean };
    cm: { "oidc.config": string };
    rbac: { "policy.default": string; scopes: string };
  };
  server: Component & {
    ingress: { enabled: boolean; ingressClassName: string; tls: boolean; extraTls: { hosts: string[] }[] };
  };
  controller: Component;
  repoServer: Component;
  applicationSet: Component;
  notifications: Component;
  redis: Component;
  /** A Helm hook Job in 7.x, applied by Pulumi as an ordinary Job. */
  redisSecretInit: Component;
  /** OIDC goes straight to PocketID; no Dex in between. */
  dex: { enabled: boolean };
}

/** Argo CD's OIDC settings; the client secret is a reference (`$<secret>:<key>`) to a Secret labelled part-of argocd. */
export function argoCdOidcConfig(oidc: NonNullable<PlatformSettings["argocdOidc"]>): string {
  return stringify({
    name: oidc.name,
    issuer: oidc.issuer,
    clientID: oidc.clientId,
    clientSecret: `$${SECRETS.argocdOidc}:clientSecret`,
    requestedScopes: ["openid", "profile", "email", "groups"],
  });
}

export function argoCdValues(settings: PlatformSettings): ArgoCdValues {
  const host = hostnames(settings.domain).argocd;
  return {
    global: { domain: host },
    configs: {
      params: { "server.insecure": true },
      cm: { "oidc.config": argoCdOidcConfig(required(settings, "argocdOidc")) },
      rbac: { "policy.default": "role:readonly", scopes: "[groups]" },
    },
    // Without tls, extraTls lists the host with no Secret: the controller serves the wildcard certificate.
    server: { ingress: { enabled: true, ingressClassName: required(settings, "ingress").className, tls: false, extraTls: [{ hosts: [host] }] }, resources: memory("256Mi", "64Mi") },
    controller: { resources: memory("1Gi", "256Mi", "100m") },
    repoServer: { resources: memory("512Mi", "128Mi") },
    applicationSet: { resources: memory("256Mi", "64Mi") },
    notifications: { resources: memory("128Mi", "32Mi") },
    redis: { resources: memory("256Mi", "64Mi") },
    redisSecretInit: { resources: memory("64Mi", "16Mi") },
    dex: { enabled: false },
  };
}
