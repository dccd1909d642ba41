/**
 * Client configuration files for the cluster's admins, built from PEM material:
 * `talosconfig` for talosctl (Talos API, mTLS with the os:admin certificate) and the
 * admin `kubeconfig` (Kubernetes API, system:masters certificate).
 */
import { stringify } from "yaml";
import { TalosConfigError } from "./errors";
import { encodePem } from "./secretsBundle";

/** A client certificate, its key and the CA that vouches for the server, all PEM. */
export interface ClientCredentials {
  caCertPem: string;
  certPem: string;
  keyPem: string;
}

export interface TalosconfigInput {
  /** The context name; talosctl shows it, e.g. the cluster name. */
  contextName: string;
  /**
   * Talos API endpoints talosctl connects to: the control planes' own addresses (not the
   * VIP, which only answers while etcd is healthy).
   */
  endpoints: string[];
  /** Nodes talosctl targets by default. */
  nodes: string[];
  credentials: ClientCredentials;
}

export interface KubeconfigInput {
  clusterName: string;
  /** The Kubernetes API URL, e.g. `https://192.168.11.60:6443`. */
  server: string;
  credentials: ClientCredentials;
}

export function buildTalosconfig({ contextName, endpoints, nodes, credentials }: TalosconfigInput): string {
  if (endpoints.length === 0) throw new TalosConfigError("a talosconfig needs at least one endpoint");
  return stringify(
    {
      context: contextName,
      contexts: {
        [contextName]: {
          endpoints: [...endpoints],
          nodes: [...nodes],
          ca: encodePem(credentials.caCertPem),
          crt: encodePem(credentials.certPem),
          key: encodePem(credentials.keyPem),
        },
      },
    },
    { indent: 4, lineWidth: 0 },
  );
}

export function buildKubeconfig({ clusterName, server, credentials }: KubeconfigInput): string {
  if (!server.startsWith("https://") || !URL.canParse(server)) {
    throw new TalosConfigError(`the Kubernetes API server ${JSON.stringify(server)} must be an https:// URL`);
  }
  const user = `admin@${clusterName}`;
  return stringify(
    {
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: clusterName, cluster: { server, "certificate-authority-data": encodePem(credentials.caCertPem) } }],
      users: [
        {
          name: user,
          user: {
            "client-certificate-data": encodePem(credentials.certPem),
            "client-key-data": encodePem(credentials.keyPem),
          },
        },
      ],
      contexts: [{ name: user, context: { cluster: clusterName, namespace: "default", user } }],
      "current-context": user,
    },
    { indent: 2, lineWidth: 0 },
  );
}
