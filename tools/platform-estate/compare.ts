/**
 * The program's platform against the running estate, item by item (a Helm release, a
 * Namespace, a Secret, any other object) and value by value: every difference is either
 * declared beside the value in the stack file (`deviations: [{field, reason}]`, `field` a
 * path in the item, covering what is under it) or reported. An item on one side only is
 * declared in `homeops:platform.deviations` by its id (`release argocd/kaneo`).
 */
import type { EstateObject, EstateRelease, KubernetesEstate } from "./estate";

export interface Deviation {
  field: string;
  reason: string;
}

export interface ProgramRelease {
  id: string;
  chart: string;
  repository: string;
  version: string;
  values: unknown;
  deviations: Deviation[];
}

export interface ProgramObject {
  id: string;
  /** In the estate's shape: a Secret by its keys, a Namespace with its labels and the program's NetworkPolicies. */
  manifest: Record<string, unknown>;
  deviations: Deviation[];
}

export interface ProgramPlatform {
  releases: ProgramRelease[];
  objects: ProgramObject[];
  /** Whole items on one side only, by id. */
  deviations: Deviation[];
}

export interface Difference {
  id: string;
  /** The path in the item (`values.controller.service.loadBalancerIP`), empty for the whole item. */
  field: string;
  estate: unknown;
  program: unknown;
}

export interface Comparison {
  undeclared: Difference[];
  declared: (Difference & { reason: string })[];
}

/** Every leaf where `estate` and `program` differ, as dotted paths under `prefix` (list positions as numbers). */
export function valueDifferences(estate: unknown, program: unknown, prefix: string): { field: string; estate: unknown; program: unknown }[] {
  const join = (key: string | number) => (prefix ? `${prefix}.${key}` : String(key));
  if (Array.isArray(estate) && Array.isArray(program)) {
    return Array.from({ length: Math.max(estate.length, program.length) }, (_, index) => valueDifferences(estate[index], program[index], join(index))).flat();
  }
  if (isRecord(estate) && isRecord(program)) {
    const keys = [...new Set([...Object.keys(estate), ...Object.keys(program)])].sort();
    return keys.flatMap((key) => valueDifferences(estate[key], program[key], join(key)));
  }
  return estate === program ? [] : [{ field: prefix, estate, program }];
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Whether the exact `version` is one the estate's `range` allows: the same version (a
 * leading `v` aside), or one matching `X.x`, `X.Y.x`, `X.x.x` or `*`.
 */
export function versionSatisfies(version: string, range: string): boolean {
  const strip = (text: string) => text.trim().replace(/^v/, "");
  const exact = strip(version).split(".");
  const wanted = strip(range).split(".");
  if (wanted.length === 1 && (wanted[0] === "*" || wanted[0] === "x")) return true;
  if (!/^\d+\.\d+\.\d+$/.test(exact.join("."))) return false;
  return wanted.every((part, index) => part === "x" || part === "*" || part === exact[index]) && (wanted.length === 3 || wanted.at(-1) === "x" || wanted.at(-1) === "*");
}

function releaseDifferences(estate: EstateRelease, program: ProgramRelease): Difference[] {
  const differences: Difference[] = [];
  const field = (name: string, estateValue: unknown, programValue: unknown) => differences.push({ id: estate.id, field: name, estate: estateValue, program: programValue });
  if (!estate.chart) field("chart", `${estate.repository} ${estate.gitPath ?? ""} at ${estate.version} (a chart in Git)`, program.chart);
  else {
    if (estate.chart !== program.chart) field("chart", estate.chart, program.chart);
    if (estate.repository !== program.repository) field("repository", estate.repository, program.repository);
    if (!versionSatisfies(program.version, estate.version)) field("version", estate.version, program.version);
  }
  for (const difference of valueDifferences(estate.values, program.values, "values")) differences.push({ id: estate.id, ...difference });
  return differences;
}

function objectDifferences(estate: EstateObject, program: ProgramObject): Difference[] {
  return valueDifferences(estate.manifest, program.manifest, "").map((difference) => ({ id: estate.id, ...difference }));
}

const covers = (deviation: Deviation, field: string) => field === deviation.field || field.startsWith(`${deviation.field}.`);

/** Compares the program's platform with the estate; the differences sorted into declared (with their reasons) and not. */
export function compareWithEstate(estate: KubernetesEstate, program: ProgramPlatform): Comparison {
  const differences: { difference: Difference; deviations: Deviation[] }[] = [];
  const whole = (id: string, estateSide: unknown, programSide: unknown) => differences.push({ difference: { id, field: "", estate: estateSide, program: programSide }, deviations: program.deviations.filter((deviation) => deviation.field === id) });
  const pair = <E extends { id: string }, P extends { id: string; deviations: Deviation[] }>(estateItems: E[], programItems: P[], compare: (estate: E, program: P) => Difference[]) => {
    const programById = new Map(programItems.map((item) => [item.id, item]));
    for (const item of estateItems) {
      const mine = programById.get(item.id);
      if (!mine) whole(item.id, "runs", "not declared");
      else for (const difference of compare(item, mine)) differences.push({ difference, deviations: mine.deviations });
    }
    const estateIds = new Set(estateItems.map((item) => item.id));
    for (const item of programItems) if (!estateIds.has(item.id)) whole(item.id, "not in the estate", "declared");
  };
  pair(estate.releases, program.releases, releaseDifferences);
  pair(estate.objects, program.objects, objectDifferences);
  const comparison: Comparison = { undeclared: [], declared: [] };
  for (const { difference, deviations } of differences) {
    const deviation = difference.field === "" ? deviations[0] : deviations.find((candidate) => covers(candidate, difference.field));
    if (deviation) comparison.declared.push({ ...difference, reason: deviation.reason });
    else comparison.undeclared.push(difference);
  }
  return comparison;
}
