import { Chart } from "@pulumi/kubernetes/helm/v4";
import type { Provider } from "@pulumi/kubernetes/provider";
import * as pulumi from "@pulumi/pulumi";
import type { ChartSource } from "../../config/platform";
import type { ContainerResources } from "./charts/common";
import { memoryLimitTransform } from "./containerLimits";
import { PlatformNamespace } from "./platformNamespace";

/** How the Helm resource is told where the chart is: a repository URL, or the chart's own OCI reference. */
export function chartReference(source: ChartSource): { chart: string; repositoryOpts?: { repo: string } } {
  if (source.repository.startsWith("oci://")) return { chart: `${source.repository}/${source.chart}` };
  return { chart: source.chart, repositoryOpts: { repo: source.repository } };
}

/** A namespace the cluster brings (kube-system): the platform neither creates it nor gives it policies. */
export interface ExistingNamespace {
  existing: string;
}

export interface HelmReleaseArgs<Values extends object> {
  /** The Helm release's name in the cluster. */
  releaseName: string;
  source: ChartSource;
  /** The platform's namespace (the release waits for it and its policies), or one the cluster brings. */
  namespace: PlatformNamespace | ExistingNamespace;
  /** The chart's values, typed per chart (./charts): a misspelt key does not compile. */
  values: Values;
  /**
   * Memory for rendered containers the chart has no values key for (see ./containerLimits):
   * given, every rendered workload container without a memory limit gets this one.
   */
  unkeyedContainers?: ContainerResources;
  /** Its resources hold data: the Chart is protected and its resources outlive its removal. */
  holdsData?: boolean;
}

export type HelmReleaseOptions = pulumi.ComponentResourceOptions & {
  provider: Provider;
  /** Releases and objects that must be ready before this chart's objects are applied. */
  dependsOn?: pulumi.Resource[];
};

/**
 * One Helm chart installed at a pinned version into a namespace of the platform.
 *
 * It is a `helm.v4.Chart`, not a `helm.v3.Release`: the Chart renders the templates in the
 * program and registers every object as its own Pulumi resource, so `pulumi preview
 * --policy-pack` sees each Deployment, DaemonSet and StatefulSet with its memory limits
 * and namespace; a Release is one opaque resource whose workloads no policy can inspect.
 * Under the offline preview's mocks the Chart is a remote component that renders nothing,
 * so there the policies see the namespaces and policies this program writes, not the
 * charts' workloads.
 */
export class HelmRelease<Values extends object> extends pulumi.ComponentResource {
  readonly chart: Chart;

  constructor(name: string, args: HelmReleaseArgs<Values>, opts: HelmReleaseOptions) {
    super("homeops:kubernetes:HelmRelease", name, {}, opts);
    const { namespace } = args;
    const inPlatformNamespace = namespace instanceof PlatformNamespace;
    this.chart = new Chart(
      name,
      {
        name: args.releaseName,
        namespace: inPlatformNamespace ? namespace.name : namespace.existing,
        ...chartReference(args.source),
        version: args.source.version,
        values: args.values,
      },
      {
        parent: this,
        provider: opts.provider,
        // A component's dependsOn does not reach its children: the chart's objects wait themselves.
        dependsOn: [...(inPlatformNamespace ? [namespace] : []), ...(opts.dependsOn ?? [])],
        ...(args.unkeyedContainers ? { transforms: [memoryLimitTransform(args.unkeyedContainers)] } : {}),
        ...(args.holdsData ? { protect: true, retainOnDelete: true } : {}),
      },
    );
    this.registerOutputs({ chart: args.source.chart, version: args.source.version });
  }
}
