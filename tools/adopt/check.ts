/**
 * `npm run adopt -- --check <stack>`: the stack file against the estate. Every container,
 * volume and network the estate runs on the stack's hosts is adopted from its compose file
 * and compared, field by field, with what the stack file declares; a difference is fine only
 * where the stack file declares it (a `deviations` entry with the field and the reason), and
 * a declared deviation that no longer differs is reported too, so the list stays exact.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { deviceSchema, healthcheckSchema, mountSchema, portSchema } from "../../config/docker";
import { formatIssues } from "../../config/errors";
import { stackConfigValidators } from "../../config/stacks";
import { readHomeopsSettings } from "../plan/stackConfig";
import type { Adopted } from "./compose";
import { adoptKomodoFile, EstateError } from "./estate";

/** The copy of the owner's repository the tests read (test/references/README.md). */
export const DEFAULT_ESTATE_ROOT = "test/references/estate";

export interface Declared {
  where: string;
  field: string;
  reason: string;
}

export interface Difference {
  where: string;
  field: string;
  estate: unknown;
  program: unknown;
}

export interface CheckResult {
  declared: Declared[];
  undeclared: Difference[];
  /** Declared deviations where the program no longer differs. */
  stale: Declared[];
}

type Raw = Record<string, unknown>;
interface Deviation {
  field: string;
  reason: string;
}

const isRaw = (value: unknown): value is Raw => typeof value === "object" && value !== null && !Array.isArray(value);
const deviationsOf = (node: Raw | undefined): Deviation[] => (Array.isArray(node?.deviations) ? (node.deviations as Deviation[]) : []);

/** Reads the stack file, validates it as the program would, adopts the estate of its hosts, compares. */
export function checkStackFile(stack: string, options: { estateRoot: string; stackFile?: string }): CheckResult {
  const stackFile = options.stackFile ?? `Pulumi.${stack}.yaml`;
  let config: Record<string, unknown>;
  try {
    config = readHomeopsSettings(stackFile);
  } catch (error) {
    throw new EstateError(`${stackFile}: cannot read it (${(error as Error).message.split("\n")[0]})`);
  }
  const validate = stackConfigValidators[stack];
  if (!validate) throw new EstateError(`unknown stack "${stack}" (${Object.keys(stackConfigValidators).join(", ")})`);
  const validated = validate(config);
  if ("issues" in validated) throw new EstateError(`${stackFile}: ${formatIssues(validated.issues)}`);
  const hosts = (config.dockerHosts ?? {}) as Record<string, Raw>;
  const resources = join(options.estateRoot, "docker", "komodo-resources");
  const adopted = readdirSync(resources)
    .filter((file) => /^stacks-.+\.toml$/.test(file))
    .sort()
    .flatMap((file) => adoptKomodoFile(join(resources, file), options.estateRoot))
    .filter((one) => one.stack.host in hosts);
  return compareEstate(hosts, (config.dockerStacks ?? []) as Raw[], adopted);
}

/** The comparison itself, on the stack file's raw values and the adopted estate. */
export function compareEstate(hosts: Record<string, Raw>, stacks: Raw[], adopted: Adopted[]): CheckResult {
  const result: CheckResult = { declared: [], undeclared: [], stale: [] };
  const judge = (where: string, deviations: Deviation[], differences: { field: string; estate: unknown; program: unknown }[]) => {
    const covering = (field: string) => deviations.find((deviation) => field === deviation.field || field.startsWith(`${deviation.field}.`));
    for (const difference of differences) if (!covering(difference.field)) result.undeclared.push({ where, ...difference });
    for (const deviation of deviations) {
      const entry = { where, field: deviation.field, reason: deviation.reason };
      if (differences.some((difference) => difference.field === deviation.field || difference.field.startsWith(`${deviation.field}.`))) result.declared.push(entry);
      else result.stale.push(entry);
    }
  };

  for (const [hostName, host] of Object.entries(hosts)) {
    const networks = (isRaw(host.networks) ? host.networks : {}) as Record<string, Raw>;
    const live = adopted.filter((one) => one.stack.host === hostName).flatMap((one) => one.networks);
    for (const [name, network] of Object.entries(networks)) {
      const estate = live.filter((one) => one.dockerName === name);
      const differences: { field: string; estate: unknown; program: unknown }[] = [];
      if (estate.length === 0) differences.push({ field: "network", estate: "absent", program: name });
      else {
        const created = estate.find((one) => one.created);
        if (created && created.internal !== (network.internal === true)) differences.push({ field: "internal", estate: created.internal, program: network.internal === true });
        if (network.isolatedFromHost === true) differences.push({ field: "isolatedFromHost", estate: false, program: true });
      }
      judge(`${hostName} network ${name}`, deviationsOf(network), differences);
    }
    for (const missing of new Set(live.map((one) => one.dockerName).filter((name) => !(name in networks)))) {
      result.undeclared.push({ where: `${hostName} network ${missing}`, field: "network", estate: missing, program: "absent" });
    }
  }

  for (const one of adopted) {
    const stack = stacks.find((candidate) => candidate.name === one.stack.name);
    const where = `${one.stack.host}/${one.stack.name}`;
    if (!stack) {
      result.undeclared.push({ where, field: "stack", estate: one.stack.containers.map((container) => container.name), program: "absent" });
      continue;
    }
    const host = hosts[String(stack.host)] ?? {};
    const differences: { field: string; estate: unknown; program: unknown }[] = [];
    if (stack.host !== one.stack.host) differences.push({ field: "host", estate: one.stack.host, program: stack.host });
    const estateVolumes = volumeNames(one.stack.name, one.stack.volumes ?? {});
    const programVolumes = volumeNames(String(stack.name), (isRaw(stack.volumes) ? stack.volumes : {}) as Record<string, Raw>);
    differences.push(...mapDifferences("volumes", estateVolumes, programVolumes));
    const programContainers = (Array.isArray(stack.containers) ? stack.containers : []) as Raw[];
    for (const container of one.stack.containers) {
      const declared = programContainers.find((candidate) => candidate.name === container.name);
      if (!declared) {
        differences.push({ field: `containers.${container.name}`, estate: "present", program: "absent" });
        continue;
      }
      const estateView = comparable(container, {}, estateVolumes);
      const programView = comparable(declared, host, programVolumes);
      const fieldDifferences = Object.keys({ ...estateView, ...programView }).flatMap((field) => {
        const [estate, program] = [estateView[field], programView[field]];
        if (isRaw(estate) || isRaw(program)) return mapDifferences(field, (estate ?? {}) as Raw, (program ?? {}) as Raw);
        return JSON.stringify(estate) === JSON.stringify(program) ? [] : [{ field, estate, program }];
      });
      judge(`${where} ${container.name}`, deviationsOf(declared), fieldDifferences);
    }
    for (const extra of programContainers.filter((candidate) => !one.stack.containers.some((container) => container.name === candidate.name))) {
      differences.push({ field: `containers.${String(extra.name)}`, estate: "absent", program: "present" });
    }
    judge(where, deviationsOf(stack), differences);
  }
  for (const stack of stacks.filter((candidate) => !adopted.some((one) => one.stack.name === candidate.name))) {
    judge(`${String(stack.host)}/${String(stack.name)}`, deviationsOf(stack), [{ field: "stack", estate: "absent", program: "present" }]);
  }
  return result;
}

function volumeNames(stackName: string, volumes: Record<string, unknown>): Raw {
  return Object.fromEntries(
    Object.entries(volumes).map(([key, volume]) => [key, isRaw(volume) && typeof volume.dockerName === "string" ? volume.dockerName : `${stackName}_${key}`]),
  );
}

function mapDifferences(field: string, estate: Raw, program: Raw): { field: string; estate: unknown; program: unknown }[] {
  return [...new Set([...Object.keys(estate), ...Object.keys(program)])]
    .filter((key) => JSON.stringify(estate[key]) !== JSON.stringify(program[key]))
    .map((key) => ({ field: `${field}.${key}`, estate: estate[key], program: program[key] }));
}

const sorted = (value: unknown): string[] => (Array.isArray(value) ? value.map(String).sort() : []);
const record = (value: unknown): Raw => (isRaw(value) ? Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, typeof entry === "object" ? entry : String(entry)])) : {});

/**
 * What Docker ends up running for a container, from either side: host defaults applied,
 * volumes by their Docker names, lists whose order does not matter sorted. Fields only the
 * program has (trust zone, reachability, deviations) are not compared.
 */
function comparable(container: Raw, host: Raw, volumes: Raw): Raw {
  const port = (text: unknown) => {
    const parsed = portSchema.safeParse(text);
    return parsed.success ? `${parsed.data.ip}:${parsed.data.external}:${parsed.data.internal}/${parsed.data.protocol}` : String(text);
  };
  const mount = (text: unknown) => {
    const parsed = mountSchema.safeParse(text);
    if (!parsed.success) return String(text);
    const source = parsed.data.kind === "volume" ? (volumes[parsed.data.source] ?? `undeclared volume ${parsed.data.source}`) : parsed.data.source;
    return `${String(source)}:${parsed.data.target}:${parsed.data.readOnly ? "ro" : "rw"}`;
  };
  const device = (text: unknown) => {
    const [hostPath, containerPath = hostPath, permissions = "rwm"] = deviceSchema.safeParse(text).success ? String(text).split(":") : [String(text)];
    return `${hostPath}:${containerPath}:${permissions}`;
  };
  const healthcheck = container.healthcheck === undefined ? undefined : healthcheckSchema.safeParse(container.healthcheck);
  const networkMode = container.networkMode as string | undefined;
  return {
    image: container.image,
    command: container.command,
    entrypoint: container.entrypoint,
    user: container.user === undefined ? undefined : String(container.user),
    init: container.init === true,
    networkMode,
    networks: sorted(container.networks),
    aliases: networkMode ? [] : [...new Set([String(container.name), ...sorted(container.aliases)])].sort(),
    ports: (Array.isArray(container.ports) ? container.ports : []).map(port).sort(),
    env: record(container.env),
    files: Object.fromEntries((Array.isArray(container.files) ? (container.files as Raw[]) : []).map((file) => [String(file.path), file.content])),
    mounts: (Array.isArray(container.mounts) ? container.mounts : []).map(mount).sort(),
    tmpfs: record(container.tmpfs),
    devices: (Array.isArray(container.devices) ? container.devices : []).map(device).sort(),
    capAdd: sorted(container.capAdd),
    capDrop: sorted(container.capDrop),
    privileged: container.privileged === true,
    securityOpts: sorted(container.securityOpts),
    sysctls: record(container.sysctls),
    dns: Array.isArray(container.dns) ? container.dns : [],
    tty: container.tty === true,
    stdinOpen: container.stdinOpen === true,
    shmSizeMb: container.shmSizeMb,
    stopGracePeriod: container.stopGracePeriod,
    labels: record(container.labels),
    healthcheck: healthcheck === undefined ? undefined : healthcheck.success ? healthcheck.data : container.healthcheck,
    restart: container.restart ?? host.restart ?? "unless-stopped",
    logging: container.logging ?? host.logging ?? { driver: "json-file", options: { "max-size": "10m", "max-file": "3" } },
    dependsOn: record(container.dependsOn),
    // No limit is Docker's 0.
    memoryMb: container.memoryMb ?? 0,
    memoryReservationMb: container.memoryReservationMb ?? 0,
  };
}

export function renderCheck(result: CheckResult): string[] {
  const show = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));
  return [
    `Declared deviations (${result.declared.length}):`,
    ...result.declared.map((entry) => `  ${entry.where}: ${entry.field}: ${entry.reason}`),
    ...(result.undeclared.length > 0
      ? [`Undeclared differences (${result.undeclared.length}): declare each with its reason, or make the stack file equal the estate`, ...result.undeclared.map((entry) => `  ${entry.where}: ${entry.field}: estate ${show(entry.estate)}, stack file ${show(entry.program)}`)]
      : []),
    ...(result.stale.length > 0 ? [`Declared deviations that no longer differ (${result.stale.length}): remove them`, ...result.stale.map((entry) => `  ${entry.where}: ${entry.field}`)] : []),
  ];
}
