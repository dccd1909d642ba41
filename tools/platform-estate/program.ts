/**
 * The program's platform in the estate's shape, from the recorded plan (what the engine
 * would be asked to create) and the platform settings it was made from (the deviations, and
 * each Secret's keys, which the plan holds only as a secret).
 */
import type { PlatformSpec } from "../../config/platform";
import { clusterObjectKey } from "../../config/platformReleases";
import type { Plan, PlannedResource } from "../../policy/contract/plan";
import type { ProgramObject, ProgramPlatform, ProgramRelease } from "./compare";
import { objectId } from "./estate";

type Dict = Record<string, any>;

/** The platform component's children are named `<platform>/<key>`. */
const keyOf = (resource: PlannedResource) => resource.name.slice(resource.name.indexOf("/") + 1);

export function programPlatform(plan: Plan, spec: PlatformSpec): ProgramPlatform {
  const ofType = (type: string) => plan.resources.filter((resource) => resource.type === type);
  const releases = ofType("kubernetes:helm.sh/v4:Chart").map((chart): ProgramRelease => {
    const inputs = chart.inputs as Dict;
    const oci = String(inputs.chart).startsWith("oci://");
    return {
      id: `release ${inputs.namespace}/${inputs.name}`,
      chart: oci ? String(inputs.chart).split("/").pop()! : inputs.chart,
      repository: oci ? String(inputs.chart).slice(0, String(inputs.chart).lastIndexOf("/")) : inputs.repositoryOpts?.repo,
      version: inputs.version,
      values: inputs.values ?? {},
      deviations: spec.releases[keyOf(chart)]?.deviations ?? [],
    };
  });

  const policies = ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").map((policy) => (policy.inputs as Dict).metadata as { name: string; namespace: string });
  const namespaces = ofType("kubernetes:core/v1:Namespace").map((namespace): ProgramObject => {
    const { name, labels } = (namespace.inputs as Dict).metadata;
    const manifest = { apiVersion: "v1", kind: "Namespace", metadata: { name, labels }, networkPolicies: policies.filter((policy) => policy.namespace === name).map((policy) => policy.name) };
    return { id: objectId(manifest), manifest, deviations: spec.namespaces[name]?.deviations ?? [] };
  });

  const secrets = ofType("kubernetes:core/v1:Secret").map((secret): ProgramObject => {
    const { metadata, type } = secret.inputs as Dict;
    const declared = spec.secrets.find((candidate) => candidate.name === metadata.name && candidate.namespace === metadata.namespace);
    // The plan holds stringData as one secret; its keys are the stack file's.
    const keys = declared ? Object.keys(declared.data).sort() : "[secret]";
    const manifest = { apiVersion: "v1", kind: "Secret", metadata: { name: metadata.name, namespace: metadata.namespace, ...(metadata.labels ? { labels: metadata.labels } : {}) }, type, keys };
    return { id: objectId(manifest), manifest, deviations: declared?.deviations ?? [] };
  });

  const objects = spec.objects.map((object): ProgramObject => {
    const planned = plan.resources.find((resource) => resource.custom && keyOf(resource) === clusterObjectKey(object) && resource.name.includes("/"));
    if (!planned) throw new Error(`the plan has no resource for ${clusterObjectKey(object)}`);
    const { metadata, ...body } = planned.inputs as Dict;
    const manifest = { ...body, metadata: { ...metadata } };
    return { id: objectId(manifest), manifest, deviations: object.deviations ?? [] };
  });

  return { releases, objects: [...namespaces, ...secrets, ...objects], deviations: spec.deviations ?? [] };
}
