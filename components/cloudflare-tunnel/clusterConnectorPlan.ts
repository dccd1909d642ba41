/**
 * cloudflared in the cluster, as plain data: its namespace (restricted, default-deny, out to
 * Cloudflare's edge and the origins the stack file allows) and its Deployment. No Pulumi.
 */
import type { KubernetesConnectorSpec } from "../../config/cloudflareTunnel";
import { customNamespace, type NamespacePlan } from "../kubernetes-platform/namespaces";
import type { Allow } from "../kubernetes-platform/networkAccess";

/** cloudflared's metrics server, whose `/ready` answers 200 once it holds a connection to Cloudflare. */
export const METRICS_PORT = 2000;
/** The image's `nonroot` user; the kubelet can check runAsNonRoot only against a number. */
const NONROOT_UID = 65532;

/** cloudflared dials Cloudflare's edge on 7844 (QUIC, or HTTP/2 over TCP) and its API on 443. */
export const CLOUDFLARE_EDGE: Allow = {
  name: "cloudflare-edge",
  why: "cloudflared dials Cloudflare's edge (7844, QUIC or HTTP/2) and API (443).",
  peers: [{ internet: true }],
  ports: [{ port: 7844, protocol: "UDP" }, { port: 7844, protocol: "TCP" }, { port: 443, protocol: "TCP" }],
};

/** The connector's namespace: nothing comes in; out go name resolution, Cloudflare's edge and the declared origins. */
export function connectorNamespace(spec: KubernetesConnectorSpec, nodeCidr: string): NamespacePlan {
  const plan = customNamespace(spec.namespace, { podSecurity: "restricted", ingress: [], egress: ["dns", ...spec.egress] }, nodeCidr);
  return { ...plan, access: { ...plan.access, egress: [...plan.access.egress, CLOUDFLARE_EDGE] } };
}

/** The Deployment's spec: `replicas` connectors of one tunnel, the token from the Secret's `token` key, a memory limit. */
export function connectorDeploymentSpec(spec: KubernetesConnectorSpec, tokenSecret: string) {
  const labels = { "app.kubernetes.io/name": "cloudflared" };
  return {
    replicas: spec.replicas,
    selector: { matchLabels: labels },
    template: {
      metadata: { labels },
      spec: {
        securityContext: { runAsNonRoot: true, runAsUser: NONROOT_UID, seccompProfile: { type: "RuntimeDefault" } },
        containers: [
          {
            name: "cloudflared",
            image: spec.image,
            args: ["tunnel", "--no-autoupdate", "--metrics", `0.0.0.0:${METRICS_PORT}`, "run"],
            env: [{ name: "TUNNEL_TOKEN", valueFrom: { secretKeyRef: { name: tokenSecret, key: "token" } } }],
            resources: { limits: { memory: `${spec.memoryMb}Mi` }, requests: { memory: `${spec.memoryMb}Mi` } },
            livenessProbe: { httpGet: { path: "/ready", port: METRICS_PORT }, failureThreshold: 1, initialDelaySeconds: 10, periodSeconds: 10 },
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
          },
        ],
      },
    },
  };
}
