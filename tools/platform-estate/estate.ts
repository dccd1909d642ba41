/**
 * The running Kubernetes estate as its owner's repository defines it (Flux and Argo CD):
 * from the Flux entry point, every Kustomization's path and every kustomization.yaml's
 * resources, and the files an app-of-apps Application points at, read the way the two
 * controllers read them. What comes out is what runs: the Helm releases (Flux HelmReleases
 * and Argo CD Applications) with chart, repository, version range and values, and every
 * other object (Namespaces, SOPS Secrets by their keys, issuers, pools, Ceph CRs, ingresses).
 * The GitOps machinery itself (sources, Kustomizations, the Flux instance, Argo CD projects
 * and the app of apps) is what the program replaces, and is set apart.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parse, parseAllDocuments } from "yaml";

type Dict = Record<string, any>;

export interface EstateRelease {
  /** `release <namespace>/<name>`, the name Helm knows it by. */
  id: string;
  file: string;
  kind: "HelmRelease" | "Application";
  releaseName: string;
  namespace: string;
  /** The chart, or undefined when it comes from a Git path (Argo CD can render those, Helm cannot). */
  chart?: string;
  repository: string;
  /** The version or range as written (`4.x`, `1.21.1`), or the Git revision. */
  version: string;
  gitPath?: string;
  values: Dict;
}

export interface EstateObject {
  /** `<Kind> <namespace>/<name>` or `<Kind> <name>`. */
  id: string;
  file: string;
  manifest: Dict;
}

export interface KubernetesEstate {
  releases: EstateRelease[];
  /** Namespaces, Secrets (their `data`/`stringData` keys only: the values are SOPS ciphertext) and the other objects. */
  objects: EstateObject[];
  /** The delivery machinery, by id. */
  machinery: string[];
}

const MACHINERY_KINDS = new Set(["Kustomization", "GitRepository", "HelmRepository", "OCIRepository", "FluxInstance", "AppProject"]);

export function objectId(manifest: Dict): string {
  const { namespace, name } = manifest.metadata ?? {};
  return `${manifest.kind} ${namespace ? `${namespace}/` : ""}${name}`;
}

/** The documents of a YAML file, SOPS metadata and empty documents left out. */
function documents(file: string): Dict[] {
  return parseAllDocuments(readFileSync(file, "utf8"))
    .map((document) => document.toJS() as Dict | null)
    .filter((document): document is Dict => document !== null && typeof document === "object")
    .map(({ sops: _sops, ...document }) => document);
}

function yamlFilesUnder(dir: string, recurse: boolean): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) return recurse ? yamlFilesUnder(path, true) : [];
      return /\.ya?ml$/.test(entry) ? [path] : [];
    });
}

/**
 * Reads the estate under `root` (the owner's repository), starting at the Flux
 * Kustomization of `clusterPath` (`kubernetes/clusters/minipcs`).
 */
export function readKubernetesEstate(root: string, clusterPath: string): KubernetesEstate {
  const found: { file: string; manifest: Dict }[] = [];
  const seen = new Set<string>();
  /** A kustomize directory: its kustomization.yaml's resources, with its `namespace:` applied. */
  const kustomize = (dir: string) => {
    if (seen.has(dir)) return;
    seen.add(dir);
    const kustomization = parse(readFileSync(join(dir, "kustomization.yaml"), "utf8")) as Dict;
    for (const resource of kustomization.resources ?? []) {
      const path = join(dir, resource);
      if (statSync(path).isDirectory()) kustomize(path);
      else for (const manifest of documents(path)) add(path, kustomization.namespace ? withNamespace(manifest, kustomization.namespace) : manifest);
    }
  };
  const add = (file: string, manifest: Dict) => {
    found.push({ file: relative(root, file), manifest });
    // Flux applies each Kustomization's path; an app-of-apps Application, its directory.
    if (manifest.kind === "Kustomization" && manifest.apiVersion?.startsWith("kustomize.toolkit.fluxcd.io")) kustomize(join(root, manifest.spec.path));
    const source = manifest.kind === "Application" ? manifest.spec?.source : undefined;
    if (source?.directory && source.path) for (const file of yamlFilesUnder(join(root, source.path), source.directory.recurse === true)) for (const document of documents(file)) add(file, document);
  };
  kustomize(join(root, clusterPath));

  const repositories = new Map(
    found.filter(({ manifest }) => manifest.kind === "HelmRepository").map(({ manifest }) => [`${manifest.metadata.namespace}/${manifest.metadata.name}`, manifest.spec as Dict]),
  );
  const releases: EstateRelease[] = [];
  const objects: EstateObject[] = [];
  const machinery: string[] = [];
  for (const { file, manifest } of found) {
    if (manifest.kind === "HelmRelease") releases.push(fluxRelease(file, manifest, repositories));
    else if (manifest.kind === "Application" && !manifest.spec.source.directory) releases.push(argoRelease(file, manifest));
    else if (manifest.kind === "Application" || MACHINERY_KINDS.has(manifest.kind)) machinery.push(objectId(manifest));
    else objects.push({ id: objectId(manifest), file, manifest: manifest.kind === "Secret" ? secretShape(manifest) : manifest });
  }
  return { releases, objects, machinery };
}

function withNamespace(manifest: Dict, namespace: string): Dict {
  if (manifest.kind === "Namespace" || manifest.metadata?.namespace) return manifest;
  return { ...manifest, metadata: { ...manifest.metadata, namespace } };
}

/** A SOPS-encrypted Secret as what can be compared: its keys, never its (encrypted) values. */
function secretShape(manifest: Dict): Dict {
  const keys = Object.keys({ ...(manifest.data ?? {}), ...(manifest.stringData ?? {}) }).sort();
  return { apiVersion: manifest.apiVersion, kind: "Secret", metadata: manifest.metadata, type: manifest.type ?? "Opaque", keys };
}

function fluxRelease(file: string, manifest: Dict, repositories: Map<string, Dict>): EstateRelease {
  const { chart } = manifest.spec.chart.spec;
  const sourceRef = manifest.spec.chart.spec.sourceRef;
  const repository = repositories.get(`${sourceRef.namespace ?? manifest.metadata.namespace}/${sourceRef.name}`);
  if (!repository) throw new Error(`${file}: HelmRelease ${manifest.metadata.name} refers to HelmRepository ${sourceRef.name}, which the estate does not define`);
  const namespace = manifest.spec.targetNamespace ?? manifest.metadata.namespace;
  const releaseName = manifest.spec.releaseName ?? manifest.metadata.name;
  return {
    id: `release ${namespace}/${releaseName}`,
    file,
    kind: "HelmRelease",
    releaseName,
    namespace,
    chart,
    repository: repository.type === "oci" ? repository.url : repository.url.replace(/\/$/, ""),
    version: String(manifest.spec.chart.spec.version ?? "*"),
    values: manifest.spec.values ?? {},
  };
}

function argoRelease(file: string, manifest: Dict): EstateRelease {
  const { source, destination } = manifest.spec;
  const namespace = destination.namespace;
  const releaseName = source.helm?.releaseName ?? manifest.metadata.name;
  const values = source.helm?.valuesObject ?? (source.helm?.values ? (parse(source.helm.values) as Dict) : {});
  const common = { id: `release ${namespace}/${releaseName}`, file, kind: "Application" as const, releaseName, namespace, version: String(source.targetRevision), values };
  if (!source.chart) return { ...common, repository: source.repoURL, gitPath: source.path };
  // Argo CD takes an OCI registry without its scheme.
  return { ...common, chart: source.chart, repository: /^[a-z]+:\/\//.test(source.repoURL) ? source.repoURL.replace(/\/$/, "") : `oci://${source.repoURL}` };
}
