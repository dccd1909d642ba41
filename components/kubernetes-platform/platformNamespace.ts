import { Namespace } from "@pulumi/kubernetes/core/v1";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import type { Provider } from "@pulumi/kubernetes/provider";
import * as pulumi from "@pulumi/pulumi";
import { podSecurityLabels, type NamespacePlan } from "./namespaces";
import { networkPolicies, REASON_ANNOTATION } from "./networkAccess";

export interface PlatformNamespaceArgs {
  plan: NamespacePlan;
  provider: Provider;
}

/**
 * A namespace as the platform creates it: its Pod Security level enforced, all traffic
 * denied, then the allowances its releases need. Releases depend on the whole component,
 * so no pod starts before its policies exist.
 */
export class PlatformNamespace extends pulumi.ComponentResource {
  /** The namespace's name, known once it exists. */
  readonly name: pulumi.Output<string>;

  constructor(name: string, args: PlatformNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homeops:kubernetes:Namespace", name, {}, opts);
    const { plan, provider } = args;
    const onCluster = { parent: this, provider };
    const namespace = new Namespace(
      plan.name,
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
      new NetworkPolicy(`${plan.name}/${policy.metadata.name}`, { ...policy, metadata: { ...policy.metadata, namespace: namespace.metadata.name } }, onCluster);
    }
    this.name = namespace.metadata.name;
    this.registerOutputs({ name: this.name });
  }
}
