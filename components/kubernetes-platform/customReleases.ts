/**
 * The stack file's own releases, Secrets and objects as plans the platform component
 * registers: secret values placed into the values at their paths, chart sources, memory
 * defaults. Plain functions over plain data; the secrets arrive resolved (Pulumi Inputs).
 */
import * as pulumi from "@pulumi/pulumi";
import type { ChartSource, PlatformSpec } from "../../config/platform";
import { clusterObjectKey, readValuesFile, valuesPathSegments, type ClusterObjectSpec, type SecretRefSpec } from "../../config/platformReleases";
import type { ContainerResources } from "./charts/common";

type Dict = Record<string, unknown>;

/** `values` with `value` at `path` (lists and maps created where missing), the original untouched. */
export function withValueAt(values: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (typeof head === "number") {
    const list = Array.isArray(values) ? [...values] : [];
    list[head] = withValueAt(list[head], rest, value);
    return list;
  }
  const record: Dict = values !== null && typeof values === "object" && !Array.isArray(values) ? { ...(values as Dict) } : {};
  record[head] = withValueAt(record[head], rest, value);
  return record;
}

const isDict = (value: unknown): value is Dict => value !== null && typeof value === "object" && !Array.isArray(value);

/** `over` on top of `base`, as Helm merges values files: maps merged key by key, anything else replaced. */
export function mergeValues(base: Dict, over: Dict): Dict {
  const merged: Dict = { ...base };
  for (const [key, value] of Object.entries(over)) merged[key] = isDict(value) && isDict(merged[key]) ? mergeValues(merged[key] as Dict, value) : value;
  return merged;
}

export interface CustomReleasePlan {
  /** The key in homeops:platform.releases: its resource name, and what `needs` refers to. */
  key: string;
  releaseName: string;
  namespace: string;
  source: ChartSource;
  /** The inline values with the secret values in place: secret as a whole when any is. */
  values: pulumi.Input<Dict>;
  needs: string[];
  unkeyedContainers?: ContainerResources;
  holdsData: boolean;
}

export interface CustomSecretPlan {
  name: string;
  namespace: string;
  labels?: Record<string, string>;
  type: string;
  stringData: Record<string, pulumi.Input<string>>;
}

export interface CustomObjectPlan {
  /** `<kind>/<namespace>/<name>`: its resource name, and what `needs` refers to. */
  key: string;
  manifest: ClusterObjectSpec["manifest"];
  needs: string[];
  holdsData: boolean;
}

export interface CustomPlatform {
  releases: CustomReleasePlan[];
  secrets: CustomSecretPlan[];
  objects: CustomObjectPlan[];
}

/** The custom parts of the platform settings, with each secret reference resolved by `resolve`. */
export function customPlatform(spec: Pick<PlatformSpec, "releases" | "secrets" | "objects">, resolve: (ref: SecretRefSpec) => pulumi.Input<string>): CustomPlatform {
  const releases = Object.entries(spec.releases).map(([key, release]): CustomReleasePlan => {
    const secretValues = release.secretValues.map(({ path, value }) => ({ path: valuesPathSegments(path), value: resolve(value) }));
    const plain = release.valuesFile === undefined ? release.values : mergeValues(readValuesFile(release.valuesFile), release.values);
    const values =
      secretValues.length === 0
        ? plain
        : pulumi
            .all(secretValues.map(({ value }) => value))
            .apply((resolved) => resolved.reduce<unknown>((merged, value, index) => withValueAt(merged, secretValues[index].path, value), plain) as Dict);
    const { memoryDefault } = release;
    return {
      key,
      releaseName: release.releaseName ?? key,
      namespace: release.namespace,
      source: { chart: release.chart, repository: release.repository, version: release.version },
      values,
      needs: release.needs,
      ...(memoryDefault ? { unkeyedContainers: { limits: { memory: memoryDefault.limit }, ...(memoryDefault.request ? { requests: { memory: memoryDefault.request } } : {}) } } : {}),
      holdsData: release.holdsData,
    };
  });
  const secrets = spec.secrets.map(
    (secret): CustomSecretPlan => ({
      name: secret.name,
      namespace: secret.namespace,
      ...(secret.labels ? { labels: secret.labels } : {}),
      type: secret.type,
      stringData: Object.fromEntries(Object.entries(secret.data).map(([key, ref]) => [key, resolve(ref)])),
    }),
  );
  const objects = spec.objects.map((object): CustomObjectPlan => ({ key: clusterObjectKey(object), manifest: object.manifest, needs: object.needs, holdsData: object.holdsData }));
  return { releases, secrets, objects };
}
