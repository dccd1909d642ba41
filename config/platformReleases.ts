/**
 * The platform as data: any Helm release a stack file declares (chart, repository, exact
 * version, namespace, values and secret values, the releases it waits for, the policy
 * allowances it needs), the namespaces they go to with their Pod Security level and allow
 * rules, the Kubernetes Secrets made from config secrets, and any other cluster object.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { parseDocument, type Document } from "yaml";
import { z } from "zod";
import { ipv4Subnet } from "./addresses";

/** An error message for a malformed value; a missing one reads "is required but not set", as elsewhere. */
export const invalid = (message: string) => (issue: { input?: unknown }) => (issue.input === undefined ? "is required but not set" : message);

export const dnsLabel = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "must be a lowercase DNS label (a-z, 0-9, '-')");

/**
 * A credential, never a plain string: `{configSecret: <key>}` (set with
 * `pulumi config set --secret <key> ...`) or `{generated: <name>}` (see homeops:generatedSecrets).
 */
export const secretRefSchema = z.union([z.object({ configSecret: z.string().min(1) }).strict(), z.object({ generated: z.string().min(1) }).strict()], {
  error: invalid("must be {configSecret: <key>} or {generated: <name>}, never a plain value"),
});
export type SecretRefSpec = z.infer<typeof secretRefSchema>;

/** One chart version exactly (`1.21.1`, `v1.19.2`, `1.0.0-rc.1`): ranges would let an update change the cluster unseen. */
export const PINNED_CHART_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

export const chartSourceShape = {
  chart: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "must be a chart name"),
  /** `https://...` (a chart repository) or `oci://registry/path` (the chart is `<path>/<chart>`). */
  repository: z.string().regex(/^(https:\/\/|oci:\/\/)[^\s]+[^/\s]$/, "must be an https:// chart repository or an oci:// registry path, without a trailing /"),
  version: z.string().regex(PINNED_CHART_VERSION, "must pin one chart version like 1.21.1; ranges such as 1.21.x, ^1.21 or * are refused"),
};

/** A workload as the policy pack names it: `namespace/name`. */
export const workloadName = z.string().regex(/^[a-z0-9-]+\/[a-z0-9.-]+$/, "must be namespace/name");

/**
 * What rendered charts do that the policy pack refuses by default, declared and reviewed:
 * workloads on the host's network, and workloads in namespaces the program does not fence
 * (kube-system), each with its reason.
 */
export const policyAllowancesSchema = z
  .object({
    hostNetwork: z.array(workloadName).default([]),
    unfencedWorkloads: z.array(z.object({ workload: workloadName, reason: z.string().min(1) }).strict()).default([]),
  })
  .strict();
export type PolicyAllowancesSpec = z.infer<typeof policyAllowancesSchema>;

/** A difference from the running estate, declared beside the value with its reason (`npm test` holds the rest equal). */
export const deviationsSchema = z.array(z.object({ field: z.string().min(1), reason: z.string().min(1) }).strict()).optional();

const peerSchema = z.union(
  [
    z.object({ namespace: dnsLabel }).strict(),
    z.object({ sameNamespace: z.literal(true) }).strict(),
    z.object({ allNamespaces: z.literal(true) }).strict(),
    z.object({ cidr: ipv4Subnet }).strict(),
    z.object({ internet: z.literal(true) }).strict(),
    z.object({ clusterDns: z.literal(true) }).strict(),
  ],
  { error: "must be {namespace}, {sameNamespace: true}, {allNamespaces: true}, {cidr}, {internet: true} or {clusterDns: true}" },
);

const portSchema = z
  .object({ port: z.number().int().min(1).max(65535), endPort: z.number().int().min(1).max(65535).optional(), protocol: z.enum(["TCP", "UDP"]).optional() })
  .strict();

/** The allowances every namespace may take by name: name resolution, the API server, pods of the namespace itself. */
export const STANDARD_ALLOWANCES = ["dns", "kube-api", "within-namespace"] as const;

const allowSchema = z.union([
  z.enum(STANDARD_ALLOWANCES),
  z.object({ name: dnsLabel, why: z.string().min(1), peers: z.array(peerSchema).min(1), ports: z.array(portSchema).optional() }).strict(),
]);
export type AllowSpec = z.infer<typeof allowSchema>;

/** A namespace the platform creates: Pod Security level, default-deny, then these named allow rules. */
export const namespaceSchema = z
  .object({
    podSecurity: z.enum(["privileged", "baseline", "restricted"]),
    /** Why the namespace needs more than `restricted`. */
    podSecurityReason: z.string().min(1).optional(),
    ingress: z.array(allowSchema).default([]),
    egress: z.array(allowSchema).default([]),
    deviations: deviationsSchema,
  })
  .strict();
export type NamespaceSpec = z.infer<typeof namespaceSchema>;

/** A path into a release's values: `a.b.0.c`, or a list of keys when a key holds dots (`[configs, cm, oidc.config]`). */
const valuesPath = z.union([z.string().min(1), z.array(z.union([z.string().min(1), z.number().int().min(0)])).min(1)]);

export const customReleaseSchema = z
  .object({
    ...chartSourceShape,
    /** The Helm release's name in the cluster; the key when left out. */
    releaseName: dnsLabel.optional(),
    /** A namespace of `namespaces`, a preset's, or one the cluster brings (kube-system). */
    namespace: dnsLabel,
    /**
     * A YAML file of values, relative to the project (the folder of Pulumi.yaml), under the
     * inline `values` (maps merged, the inline side winning, as Helm merges values files). For
     * large values: the CLI hands a program its whole config in one environment variable,
     * which Linux caps at 128 KiB.
     */
    valuesFile: z.string().regex(/^[^/].*\.ya?ml$/, "must be a .yaml file relative to the project").optional(),
    values: z.record(z.string(), z.unknown()).default({}),
    /** Values that are secrets, set at their path from config secrets or generated secrets. */
    secretValues: z.array(z.object({ path: valuesPath, value: secretRefSchema }).strict()).default([]),
    /** Releases (custom or presets) and objects that must be ready before this one. */
    needs: z.array(z.string().min(1)).default([]),
    /** A memory limit for rendered containers the values leave without one (the policy pack requires one on each). */
    memoryDefault: z.object({ limit: z.string().min(1), request: z.string().min(1).optional() }).strict().optional(),
    /** Its objects hold data: protected, and kept in the cluster if the release is removed from the file. */
    holdsData: z.boolean().default(false),
    policyAllowances: policyAllowancesSchema.optional(),
    deviations: deviationsSchema,
  })
  .strict();
export type CustomReleaseSpec = z.infer<typeof customReleaseSchema>;

/** A Kubernetes Secret whose values are config secrets or generated secrets, never plaintext. */
export const kubernetesSecretSchema = z
  .object({
    name: dnsLabel,
    namespace: dnsLabel,
    labels: z.record(z.string(), z.string()).optional(),
    type: z.string().min(1).default("Opaque"),
    data: z.record(z.string().regex(/^[-._a-zA-Z0-9]+$/, "must be a Secret key"), secretRefSchema),
    deviations: deviationsSchema,
  })
  .strict();
export type KubernetesSecretSpec = z.infer<typeof kubernetesSecretSchema>;

/** What the program reads of a manifest; the rest of it is the object's own (spec, data, provisioner...). */
const manifestHeadSchema = z
  .object({
    apiVersion: z.string().min(1),
    kind: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, "must be a Kubernetes kind"),
    metadata: z
      .object({
        name: z.string().min(1),
        namespace: dnsLabel.optional(),
        labels: z.record(z.string(), z.string()).optional(),
        annotations: z.record(z.string(), z.string()).optional(),
      })
      .strict(),
  })
  .strict();
type ManifestSpec = z.infer<typeof manifestHeadSchema> & Record<string, unknown>;

/**
 * A manifest as `kubectl apply` takes it: its head checked (kind, name, the metadata keys
 * the program knows), its body passed on unchanged, as a chart's values are.
 */
const manifestSchema = z
  .record(z.string(), z.unknown())
  .superRefine((manifest, context) => {
    const head = manifestHeadSchema.safeParse({ apiVersion: manifest.apiVersion, kind: manifest.kind, metadata: manifest.metadata });
    for (const issue of head.error?.issues ?? []) context.addIssue({ code: "custom", message: issue.message, path: issue.path });
  })
  .transform((manifest) => manifest as ManifestSpec);

/** Any other cluster object (issuer, address pool, certificate, ingress, Ceph CRs, StorageClasses), applied as written. */
export const clusterObjectSchema = z
  .object({
    manifest: manifestSchema,
    /** Releases that bring its CRD or controller, and objects it refers to. */
    needs: z.array(z.string().min(1)).default([]),
    /** It holds data (a Ceph pool, filesystem or object store): protected and kept if removed from the file. */
    holdsData: z.boolean().default(false),
    deviations: deviationsSchema,
  })
  .strict();
export type ClusterObjectSpec = z.infer<typeof clusterObjectSchema>;

/** The segments of a values path. */
export function valuesPathSegments(path: string | (string | number)[]): (string | number)[] {
  return typeof path === "string" ? path.split(".").map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment)) : path;
}

/** An object's key in `needs` and in the plan: `<kind>/<namespace>/<name>`, or `<kind>/<name>` when cluster-scoped. */
export function clusterObjectKey({ manifest }: Pick<ClusterObjectSpec, "manifest">): string {
  return [manifest.kind, manifest.metadata.namespace, manifest.metadata.name].filter(Boolean).join("/");
}

/** The project's folder: a values file's path is relative to it, wherever the program runs from. */
const PROJECT_ROOT = join(__dirname, "..");

/** Each values file parsed once per process: the checks read it, then the release does. */
const valuesDocuments = new Map<string, Document.Parsed>();

/** A release's values file as a map; an unreadable file, or one that is not a YAML map, is an error naming it. */
export function readValuesFile(file: string): Record<string, unknown> {
  const path = isAbsolute(file) ? file : join(PROJECT_ROOT, file);
  let document = valuesDocuments.get(path);
  if (!document) {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      throw new Error(`cannot read the values file ${file} (relative to the project)`);
    }
    document = parseDocument(text);
    valuesDocuments.set(path, document);
  }
  if (document.errors.length > 0) throw document.errors[0];
  // A fresh copy for each caller, in the caller's realm (a test's sandbox included).
  const values = document.toJS() as unknown;
  if (values === null || typeof values !== "object" || Array.isArray(values)) throw new Error(`the values file ${file} is not a YAML map of values`);
  return values as Record<string, unknown>;
}
