/**
 * The objects the platform writes besides its charts (seed L2 "infra-configs"): the ACME
 * ClusterIssuer and the wildcard Certificate, the address pool and its L2 announcement
 * (MetalLB's, or Cilium's LB IPAM),
 * and the basic-auth ingresses the Docker hosts' Alloy pushes to. Plain manifests; tests
 * validate them against the CRDs and Kubernetes definitions.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { parseSubnet } from "../../config/ipv4";
import type { IngressController } from "../../config/platform";
import { hostnames, NAMESPACES, required, SECRETS, SERVICES, type PlatformSettings } from "./settings";

export interface Manifest<Spec = Record<string, unknown>> {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  spec: Spec;
}

/** How cert-manager solves DNS-01, as the ClusterIssuer refers to it (credentials live in a Secret). */
export type Dns01Solver = { route53: { region: string; hostedZoneId: pulumi.Input<string> } } | { cloudflare: Record<string, never> };

/** Keys of the Secret that holds the DNS-01 credentials in cert-manager's namespace. */
export const ACME_SECRET_KEYS = { accessKeyId: "access-key-id", secretAccessKey: "secret-access-key", apiToken: "api-token" } as const;

export function clusterIssuer(settings: PlatformSettings, solver: Dns01Solver): Manifest {
  const secretRef = (key: string) => ({ name: SECRETS.acmeDns01, key });
  const dns01 =
    "route53" in solver
      ? {
          route53: {
            region: solver.route53.region,
            hostedZoneID: solver.route53.hostedZoneId,
            accessKeyIDSecretRef: secretRef(ACME_SECRET_KEYS.accessKeyId),
            secretAccessKeySecretRef: secretRef(ACME_SECRET_KEYS.secretAccessKey),
          },
        }
      : { cloudflare: { apiTokenSecretRef: secretRef(ACME_SECRET_KEYS.apiToken) } };
  const acme = required(settings, "acme");
  return {
    apiVersion: "cert-manager.io/v1",
    kind: "ClusterIssuer",
    metadata: { name: acme.issuerName },
    spec: {
      acme: {
        email: acme.email,
        server: acme.server,
        privateKeySecretRef: { name: `${acme.issuerName}-account-key` },
        solvers: [{ selector: { dnsZones: [settings.domain] }, dns01 }],
      },
    },
  };
}

/** `*.<domain>`, the ingress controller's default certificate (spec: ingress-nginx/default-tls-cert). */
export function wildcardCertificate(settings: PlatformSettings): Manifest {
  return {
    apiVersion: "cert-manager.io/v1",
    kind: "Certificate",
    metadata: { name: SECRETS.wildcardCertificate, namespace: required(settings, "ingress").namespace },
    spec: {
      secretName: SECRETS.wildcardCertificate,
      dnsNames: [`*.${settings.domain}`],
      issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: required(settings, "acme").issuerName },
      privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
    },
  };
}

export function ipAddressPool(settings: PlatformSettings): Manifest {
  const pool = required(settings, "loadBalancerPool");
  return {
    apiVersion: "metallb.io/v1beta1",
    kind: "IPAddressPool",
    metadata: { name: pool.name, namespace: NAMESPACES.metallb },
    spec: { addresses: pool.addresses },
  };
}

export function l2Advertisement(settings: PlatformSettings): Manifest {
  const pool = required(settings, "loadBalancerPool");
  return {
    apiVersion: "metallb.io/v1beta1",
    kind: "L2Advertisement",
    metadata: { name: pool.name, namespace: NAMESPACES.metallb },
    spec: { ipAddressPools: [pool.name] },
  };
}

/** A pool range as Cilium writes it: a subnet as `cidr`, `first-last` as `start` and `stop`. */
export function ciliumPoolBlock(range: string): { cidr: string } | { start: string; stop: string } {
  if (parseSubnet(range)) return { cidr: range };
  const [start, stop] = range.split("-");
  return { start, stop };
}

/** Cilium's LB IPAM pool (cluster-scoped; `cilium.io/v2` since Cilium 1.18, v2alpha1 deprecated). */
export function ciliumLoadBalancerIpPool(settings: PlatformSettings): Manifest {
  const pool = required(settings, "loadBalancerPool");
  return {
    apiVersion: "cilium.io/v2",
    kind: "CiliumLoadBalancerIPPool",
    metadata: { name: pool.name },
    spec: { blocks: pool.addresses.map(ciliumPoolBlock) },
  };
}

/**
 * The L2 announcement policy that makes Cilium answer ARP for the pool's addresses: every
 * LoadBalancer Service, from every node, on the given interfaces (all when none are given).
 */
export function ciliumL2AnnouncementPolicy(settings: PlatformSettings): Manifest {
  const pool = required(settings, "loadBalancerPool");
  return {
    apiVersion: "cilium.io/v2alpha1",
    kind: "CiliumL2AnnouncementPolicy",
    metadata: { name: pool.name },
    spec: { loadBalancerIPs: true, ...(pool.interfaces ? { interfaces: pool.interfaces } : {}) },
  };
}

/**
 * The Gateway API's standard-channel CRDs (Gateway, GatewayClass, HTTPRoute and the others
 * that release graduated) of a release, the file kubernetes-sigs/gateway-api publishes with
 * it: the machine running Pulumi fetches it, as it fetches the charts.
 */
export function gatewayApiCrdsUrl(version: string): string {
  return `https://github.com/kubernetes-sigs/gateway-api/releases/download/${version}/standard-install.yaml`;
}

/** The Traefik Middleware the push ingresses use for basic auth (Traefik only). */
export const PUSH_AUTH_MIDDLEWARE = "push-basic-auth";

export function pushAuthMiddleware(): Manifest {
  return {
    apiVersion: "traefik.io/v1alpha1",
    kind: "Middleware",
    metadata: { name: PUSH_AUTH_MIDDLEWARE, namespace: NAMESPACES.monitoring },
    spec: { basicAuth: { secret: SECRETS.pushAuth } },
  };
}

/** The part of an Ingress spec the push endpoints use. */
export interface IngressSpec {
  ingressClassName: string;
  tls: { hosts: string[] }[];
  rules: { host: string; http: { paths: { path: string; pathType: "Exact" | "Prefix"; backend: { service: { name: string; port: { number: number } } } }[] } }[];
}

/** Annotations that put basic auth in front of an ingress, per controller. */
function basicAuthAnnotations(controller: IngressController): Record<string, string> {
  if (controller === "traefik") return { "traefik.ingress.kubernetes.io/router.middlewares": `${NAMESPACES.monitoring}-${PUSH_AUTH_MIDDLEWARE}@kubernetescrd` };
  return {
    "nginx.ingress.kubernetes.io/auth-type": "basic",
    "nginx.ingress.kubernetes.io/auth-secret": SECRETS.pushAuth,
    "nginx.ingress.kubernetes.io/auth-realm": "homeops push",
    // Remote-write and log batches are larger than nginx's 1m default.
    "nginx.ingress.kubernetes.io/proxy-body-size": "10m",
  };
}

/**
 * The public endpoints the Docker hosts' Alloy pushes to (seed L5): Prometheus remote
 * write and Loki push, each one exact path behind basic auth.
 */
export function pushEndpointIngresses(settings: PlatformSettings): Manifest<IngressSpec>[] {
  const hosts = hostnames(settings.domain);
  const controller = required(settings, "ingress");
  const ingress = (name: string, host: string, path: string, service: { name: string; port: number }): Manifest<IngressSpec> => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { name, namespace: NAMESPACES.monitoring, annotations: basicAuthAnnotations(controller.controller) },
    spec: {
      ingressClassName: controller.className,
      tls: [{ hosts: [host] }],
      rules: [{ host, http: { paths: [{ path, pathType: "Exact", backend: { service: { name: service.name, port: { number: service.port } } } }] } }],
    },
  });
  return [
    ingress("prometheus-remote-write", hosts.prometheusPush, "/api/v1/write", SERVICES.prometheus),
    ingress("loki-push", hosts.lokiPush, "/loki/api/v1/push", SERVICES.loki),
  ];
}

/**
 * One htpasswd line, `{SHA}` scheme: the one both nginx and Traefik read that Node's own
 * crypto can produce. Unsalted SHA-1 is weak for human passwords; these are random secrets.
 */
export function htpasswdLine(username: string, password: string): string {
  return `${username}:{SHA}${createHash("sha1").update(password).digest("base64")}`;
}
