import { Deployment } from "@pulumi/kubernetes/apps/v1";
import { Secret } from "@pulumi/kubernetes/core/v1";
import type { Provider } from "@pulumi/kubernetes/provider";
import * as pulumi from "@pulumi/pulumi";
import type { KubernetesConnectorSpec } from "../../config/cloudflareTunnel";
import { PlatformNamespace } from "../kubernetes-platform/platformNamespace";
import { connectorDeploymentSpec, connectorNamespace } from "./clusterConnectorPlan";

export interface ClusterConnectorArgs {
  spec: KubernetesConnectorSpec;
  /** The tunnel's token, a secret Output. */
  token: pulumi.Input<string>;
  /** The cluster nodes' subnet (the namespace's kube-api allowance reads it). */
  nodeCidr: string;
}

const TOKEN_SECRET = "cloudflared-token";

/**
 * cloudflared as a Deployment in its own namespace, the way the platform makes namespaces
 * (restricted, default-deny, named allowances), with the tunnel's token in a Secret.
 * Created through the cluster's provider, an option.
 */
export class ClusterConnector extends pulumi.ComponentResource {
  constructor(name: string, args: ClusterConnectorArgs, opts: pulumi.ComponentResourceOptions & { provider: Provider }) {
    super("homeops:cloudflare:ClusterConnector", name, {}, opts);
    const onCluster = { parent: this, provider: opts.provider };
    const namespace = new PlatformNamespace(`${name}/${args.spec.namespace}`, { plan: connectorNamespace(args.spec, args.nodeCidr) }, onCluster);
    const secret = new Secret(
      `${name}/${TOKEN_SECRET}`,
      { metadata: { name: TOKEN_SECRET, namespace: namespace.name }, type: "Opaque", stringData: { token: pulumi.secret(args.token) } },
      onCluster,
    );
    new Deployment(
      name,
      { metadata: { name: "cloudflared", namespace: namespace.name }, spec: connectorDeploymentSpec(args.spec, TOKEN_SECRET) },
      // No pod starts before its namespace's policies and its token exist.
      { ...onCluster, dependsOn: [namespace, secret] },
    );
    this.registerOutputs({});
  }
}
