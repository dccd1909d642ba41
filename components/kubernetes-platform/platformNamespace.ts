import { Namespace } from "@pulumi/kubernetes/core/v1";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import type { Provider } from "@pulumi/kubernetes/provider";
import * as pulumi from "@pulumi/pulumi";
import { podSecurityLabels, type NamespacePlan } from "./namespaces";
import { networkPolicies, REASON_ANNOTATION } from "./networkAccess";

export interface PlatformNamespaceArgs {
  plan: NamespacePlan;
}

/**
 * A namespace as the platform creates it: its Pod Security level enforced, all traffic
 * denied, then the allowances its releases need. Releases depend on the whole component,
 * so no pod starts before its policies exist. Created through the cluster's provider (an option).
 */
export class PlatformNamespace extends pulumi.ComponentResource {
  /** The namespace's name, known once it exists. */
  readonly name: pulumi.Output<string>;

  constructor(name: string, args: PlatformNamespaceArgs, opts: pulumi.ComponentResourceOptions & { provider: Provider }) {
    super("homeops:kubernetes:Namespace", name, {}, opts);
    const { plan } = args;
    const onCluster = { parent: this, provider: opts.provider };
    const namespace = new Namespace(
      name,
      {
        metadata: {
          name: plan.name,
          labels: podSecurityLabels(plan.podSecurity),
          annotations: plan.podSecurityReason ? { [REASON_ANNOTATION]: plan.podSecurityReason } : undefined,
        },
      },
      onCluster,
    );
    for (const policy of networkPolicies(plan.name, plan.access)) {
      new NetworkPolicy(`${name}/${policy.metadata.name}`, { ...policy, metadata: { ...policy.metadata, namespace: namespace.metadata.name } }, onCluster);
    }
    this.name = namespace.metadata.name;
    this.registerOutputs({ name: this.name });
  }
}
