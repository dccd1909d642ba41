/**
 * One compose file, as Komodo runs it (`docker compose -p <stack> up -d` in its checkout of
 * the repository), mapped to the `homeops:dockerStacks` entry that declares the same
 * containers. Pure: the caller reads the files and says where the variables come from.
 */
import { posix } from "node:path";
import { looksLikeSecretName } from "../../config/values";
import { joinNamespace, namespaceOwner } from "../../policy/contract/docker";
import { InterpolationError, interpolate, shellWords, type Variable } from "./interpolate";
import { containerSecretKey, envFileSecretKey } from "./secretKeys";

/** What the program cannot express: listed, never dropped silently. */
export interface Unmapped {
  file: string;
  path: string;
  reason: string;
}

/** Bad compose input: the file and the path in it. */
export class ComposeError extends Error {
  constructor(file: string, path: string, message: string) {
    super(`${file}: ${path}: ${message}`);
    this.name = "ComposeError";
  }
}

export type AdoptedValue = string | { configSecret: string };

/** A container as the stack file declares it (only fields that differ from the schema's defaults). */
export type AdoptedContainer = Record<string, unknown> & { name: string };

export interface AdoptedStack {
  name: string;
  host: string;
  volumes?: Record<string, { dockerName?: string }>;
  containers: AdoptedContainer[];
}

/** A network the compose file creates or joins, by its Docker name. */
export interface AdoptedNetwork {
  dockerName: string;
  /** Compose creates it (it is not `external`). */
  created: boolean;
  internal: boolean;
}

export interface Adopted {
  stack: AdoptedStack;
  networks: AdoptedNetwork[];
  unmapped: Unmapped[];
}

export interface ComposeContext {
  /** The compose file as messages name it. */
  file: string;
  host: string;
  /** The Komodo stack name: compose's project name (`-p`). */
  stack: string;
  /** The compose file's folder in the repository, relative to its root (`docker/stacks/kasm/newt`). */
  repoDir: string;
  /** Where Komodo checks the repository out for this stack; `./` mounts resolve under it. */
  checkoutRoot: string;
  /** Variables compose substitutes: Komodo's `environment`, or else the compose folder's `.env`. */
  variables: ReadonlyMap<string, Variable>;
  /** Names of the variables in an env file, by its repository path; undefined if it is not there. */
  envFileNames(repoPath: string): { names: string[]; encrypted: boolean; values?: Record<string, string> } | undefined;
}

/** Where Komodo's Periphery checks out each stack's repository. */
export const KOMODO_STACKS_DIR = "/etc/komodo/stacks";

/** The schema's host defaults: adopt omits a container's restart or logging equal to them. */
const DEFAULT_RESTART = "unless-stopped";
const DEFAULT_LOGGING = { driver: "json-file", options: { "max-size": "10m", "max-file": "3" } };
/** Docker's healthcheck defaults where compose leaves a field out. */
const DOCKER_HEALTHCHECK_DEFAULTS = { interval: "30s", timeout: "30s", retries: 3, startPeriod: "0s" };

const SERVICE_KEYS = new Set([
  "container_name", "image", "command", "entrypoint", "environment", "env_file", "volumes", "ports", "networks", "network_mode",
  "cap_add", "cap_drop", "devices", "security_opt", "init", "user", "labels", "healthcheck", "restart", "logging", "tmpfs",
  "shm_size", "sysctls", "depends_on", "deploy", "configs", "privileged", "stop_grace_period", "tty", "stdin_open", "dns", "mem_limit", "mem_reservation",
]);
const TOP_KEYS = new Set(["name", "services", "volumes", "networks", "configs", "version"]);

export function adoptCompose(compose: unknown, context: ComposeContext): Adopted {
  return new ComposeMapper(compose, context).run();
}

type Dict = Record<string, unknown>;
const isDict = (value: unknown): value is Dict => typeof value === "object" && value !== null && !Array.isArray(value);

class ComposeMapper {
  private readonly unmapped: Unmapped[] = [];
  private readonly top: Dict;
  private readonly services: Dict;
  private readonly checkoutDir: string;

  constructor(
    compose: unknown,
    private readonly context: ComposeContext,
  ) {
    if (!isDict(compose)) throw this.error("(top)", "is not a compose mapping");
    this.top = compose;
    if (!isDict(compose.services) || Object.keys(compose.services).length === 0) throw this.error("services", "must map service names to their definitions");
    this.services = compose.services;
    this.checkoutDir = posix.join(context.checkoutRoot, context.repoDir);
  }

  run(): Adopted {
    for (const key of Object.keys(this.top)) {
      if (!TOP_KEYS.has(key) && !key.startsWith("x-")) this.skip(key, "a top-level key the program has no equivalent for");
    }
    const volumes = this.volumes();
    const networks = this.networks();
    const usedNetworks = new Set<string>();
    const containers = Object.entries(this.services).map(([service, definition]) => this.container(service, definition, volumes, networks, usedNetworks));
    const stackVolumes = Object.fromEntries(
      Object.entries(volumes).map(([key, dockerName]) => [key, dockerName === `${this.context.stack}_${key}` ? {} : { dockerName }]),
    );
    const networkList = [...networks.values()].filter((network) => usedNetworks.has(network.dockerName));
    if (usedNetworks.has(this.defaultNetwork) && !networkList.some((network) => network.dockerName === this.defaultNetwork)) {
      networkList.push({ dockerName: this.defaultNetwork, created: true, internal: false });
    }
    return {
      stack: {
        name: this.context.stack,
        host: this.context.host,
        ...(Object.keys(stackVolumes).length > 0 ? { volumes: stackVolumes } : {}),
        containers,
      },
      networks: networkList,
      unmapped: this.unmapped,
    };
  }

  private get defaultNetwork(): string {
    return `${this.context.stack}_default`;
  }

  private error(path: string, message: string): ComposeError {
    return new ComposeError(this.context.file, path, message);
  }

  private skip(path: string, reason: string): void {
    this.unmapped.push({ file: this.context.file, path, reason });
  }

  /** A plain string with compose's substitution; an encrypted variable in it is unmapped (kept as written). */
  private text(value: unknown, path: string): string {
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") throw this.error(path, "must be a string");
    const result = this.substitute(String(value), path);
    if (result.kind === "literal") return result.value;
    this.skip(path, `uses ${result.variables.map((name) => `\${${name}}`).join(", ")} from the encrypted .env: its value is not in the repository`);
    return result.raw;
  }

  private substitute(text: string, path: string) {
    try {
      return interpolate(text, this.context.variables);
    } catch (error) {
      if (error instanceof InterpolationError) throw this.error(path, error.message);
      throw error;
    }
  }

  /** Compose volume key to the Docker volume's name. */
  private volumes(): Record<string, string> {
    const declared = this.top.volumes ?? {};
    if (!isDict(declared)) throw this.error("volumes", "must map volume names to their definitions");
    return Object.fromEntries(
      Object.entries(declared).map(([key, definition]) => {
        const spec = definition ?? {};
        if (!isDict(spec)) throw this.error(`volumes.${key}`, "must be a mapping or empty");
        for (const option of Object.keys(spec)) {
          if (option !== "external" && option !== "name") this.skip(`volumes.${key}.${option}`, "volume options other than external and name are not mapped");
        }
        const name = spec.name === undefined ? undefined : this.text(spec.name, `volumes.${key}.name`);
        return [key, name ?? (spec.external ? key : `${this.context.stack}_${key}`)];
      }),
    );
  }

  private networks(): Map<string, AdoptedNetwork> {
    const declared = this.top.networks ?? {};
    if (!isDict(declared)) throw this.error("networks", "must map network names to their definitions");
    const found = new Map<string, AdoptedNetwork>();
    for (const [key, definition] of Object.entries(declared)) {
      const spec = definition ?? {};
      if (!isDict(spec)) throw this.error(`networks.${key}`, "must be a mapping or empty");
      for (const option of Object.keys(spec)) {
        if (!["external", "name", "driver", "internal"].includes(option)) this.skip(`networks.${key}.${option}`, "network options other than external, name, driver: bridge and internal are not mapped");
      }
      if (spec.driver !== undefined && spec.driver !== "bridge") this.skip(`networks.${key}.driver`, `driver ${String(spec.driver)}: the program creates bridge networks only`);
      const external = spec.external === true;
      const name = spec.name === undefined ? undefined : this.text(spec.name, `networks.${key}.name`);
      found.set(key, { dockerName: name ?? (external ? key : `${this.context.stack}_${key}`), created: !external, internal: spec.internal === true });
    }
    return found;
  }

  private containerName(service: string): string {
    const definition = this.services[service];
    const explicit = isDict(definition) ? definition.container_name : undefined;
    return explicit === undefined ? `${this.context.stack}-${service}-1` : this.text(explicit, `services.${service}.container_name`);
  }

  private serviceRef(name: string, path: string): string {
    if (!(name in this.services)) throw this.error(path, `unknown service "${name}" (services: ${Object.keys(this.services).join(", ")})`);
    return this.containerName(name);
  }

  private container(
    service: string,
    definition: unknown,
    volumes: Record<string, string>,
    networks: Map<string, AdoptedNetwork>,
    usedNetworks: Set<string>,
  ): AdoptedContainer {
    const at = `services.${service}`;
    if (!isDict(definition)) throw this.error(at, "must be a mapping");
    for (const key of Object.keys(definition)) {
      if (!SERVICE_KEYS.has(key) && !key.startsWith("x-")) this.skip(`${at}.${key}`, "a service key the program has no equivalent for");
    }
    const name = this.containerName(service);
    if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(name)) this.skip(`${at}.container_name`, `"${name}" is not a lowercase DNS label, which the program requires of container names`);
    if (definition.image === undefined) throw this.error(`${at}.image`, "is required (building images is not mapped)");
    const container: AdoptedContainer = { name, image: this.text(definition.image, `${at}.image`) };

    Object.assign(container, this.networking(service, definition, networks, usedNetworks));
    const ports = this.ports(definition.ports, `${at}.ports`);
    if (ports.length > 0) container.ports = ports;
    if (definition.command !== undefined) container.command = this.words(definition.command, `${at}.command`);
    if (definition.entrypoint !== undefined) container.entrypoint = this.words(definition.entrypoint, `${at}.entrypoint`);
    if (definition.user !== undefined) container.user = this.text(definition.user, `${at}.user`);
    if (definition.init !== undefined) container.init = definition.init === true;
    const env = this.environment(name, definition, at);
    if (Object.keys(env).length > 0) container.env = env;
    const files = this.configs(definition.configs, `${at}.configs`, name);
    if (files.length > 0) container.files = files;
    const { mounts, tmpfs } = this.mounts(definition.volumes, `${at}.volumes`, volumes);
    for (const entry of this.list(definition.tmpfs, `${at}.tmpfs`)) {
      const [target, options = ""] = this.text(entry, `${at}.tmpfs`).split(":");
      tmpfs[target] = options;
    }
    if (mounts.length > 0) container.mounts = mounts;
    if (Object.keys(tmpfs).length > 0) container.tmpfs = tmpfs;
    const devices = this.list(definition.devices, `${at}.devices`).map((device, index) => this.text(device, `${at}.devices[${index}]`));
    if (devices.length > 0) container.devices = devices;
    const capAdd = this.capabilities(definition.cap_add, `${at}.cap_add`);
    if (capAdd.length > 0) container.capAdd = capAdd;
    const capDrop = this.capabilities(definition.cap_drop, `${at}.cap_drop`);
    if (capDrop.length > 0) container.capDrop = capDrop;
    if (definition.privileged === true) container.privileged = true;
    const securityOpts = this.list(definition.security_opt, `${at}.security_opt`).map((option, index) => this.text(option, `${at}.security_opt[${index}]`));
    if (securityOpts.length > 0) container.securityOpts = securityOpts;
    const sysctls = this.keyValues(definition.sysctls, `${at}.sysctls`);
    if (Object.keys(sysctls).length > 0) container.sysctls = sysctls;
    const dns = this.list(definition.dns, `${at}.dns`).map((server, index) => this.text(server, `${at}.dns[${index}]`));
    if (dns.length > 0) container.dns = dns;
    if (definition.tty === true) container.tty = true;
    if (definition.stdin_open === true) container.stdinOpen = true;
    if (definition.shm_size !== undefined) {
      const bytes = this.bytes(definition.shm_size, `${at}.shm_size`);
      if (bytes % 2 ** 20 === 0) container.shmSizeMb = bytes / 2 ** 20;
      else this.skip(`${at}.shm_size`, "not a whole number of MB");
    }
    const labels = this.keyValues(definition.labels, `${at}.labels`);
    for (const label of Object.keys(labels)) {
      if (label.startsWith("homeops.")) this.skip(`${at}.labels.${label}`, "homeops.* labels are the program's own");
    }
    if (Object.keys(labels).length > 0) container.labels = labels;
    if (definition.healthcheck !== undefined) {
      const healthcheck = this.healthcheck(definition.healthcheck, `${at}.healthcheck`);
      if (healthcheck) container.healthcheck = healthcheck;
    }
    const restart = this.restart(definition.restart, `${at}.restart`);
    if (restart !== DEFAULT_RESTART) container.restart = restart;
    if (definition.logging !== undefined) {
      const logging = this.logging(definition.logging, `${at}.logging`);
      if (JSON.stringify(logging) !== JSON.stringify(DEFAULT_LOGGING)) container.logging = logging;
    } else {
      // Docker's own default: json-file without rotation.
      container.logging = { driver: "json-file", options: {} };
    }
    if (definition.stop_grace_period !== undefined) container.stopGracePeriod = this.duration(definition.stop_grace_period, `${at}.stop_grace_period`);
    const dependsOn = this.dependsOn(definition.depends_on, `${at}.depends_on`);
    if (Object.keys(dependsOn).length > 0) container.dependsOn = dependsOn;
    Object.assign(container, this.memory(definition, at));
    return container;
  }

  private list(value: unknown, path: string): unknown[] {
    if (value === undefined || value === null) return [];
    if (Array.isArray(value)) return value;
    if (typeof value === "string") return [value];
    throw this.error(path, "must be a list");
  }

  /** `a=b` lists or mappings (labels, sysctls); an empty value is "". */
  private keyValues(value: unknown, path: string): Record<string, string> {
    if (value === undefined || value === null) return {};
    if (Array.isArray(value)) {
      return Object.fromEntries(
        value.map((entry, index) => {
          const text = this.text(entry, `${path}[${index}]`);
          const split = text.indexOf("=");
          return split < 0 ? [text, ""] : [text.slice(0, split), text.slice(split + 1)];
        }),
      );
    }
    if (!isDict(value)) throw this.error(path, "must be a list of key=value or a mapping");
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, entry === null ? "" : this.text(entry, `${path}.${key}`)]));
  }

  private words(value: unknown, path: string): string[] {
    if (Array.isArray(value)) return value.map((word, index) => this.text(word, `${path}[${index}]`));
    if (typeof value !== "string") throw this.error(path, "must be a string or a list of strings");
    const substituted = this.substitute(value, path);
    if (substituted.kind === "secret") {
      this.skip(path, `uses ${substituted.variables.map((name) => `\${${name}}`).join(", ")} from the encrypted .env: the words it splits into depend on values not in the repository`);
      return shellWords(value);
    }
    try {
      return shellWords(substituted.value);
    } catch (error) {
      if (error instanceof InterpolationError) throw this.error(path, error.message);
      throw error;
    }
  }

  private capabilities(value: unknown, path: string): string[] {
    return this.list(value, path).map((cap, index) => this.text(cap, `${path}[${index}]`).toUpperCase().replace(/^CAP_/, ""));
  }

  private networking(service: string, definition: Dict, networks: Map<string, AdoptedNetwork>, used: Set<string>): Dict {
    const at = `services.${service}`;
    if (definition.network_mode !== undefined) {
      const mode = this.text(definition.network_mode, `${at}.network_mode`);
      if (definition.networks !== undefined) throw this.error(`${at}.network_mode`, "excludes networks");
      if (mode === "host") return { networkMode: "host" };
      if (mode.startsWith("service:")) return { networkMode: joinNamespace(this.serviceRef(mode.slice("service:".length), `${at}.network_mode`)) };
      if (namespaceOwner(mode) !== undefined) return { networkMode: mode };
      this.skip(`${at}.network_mode`, `"${mode}": the program joins containers to named networks, host, or another container's namespace`);
      return {};
    }
    const joined: string[] = [];
    const aliases = new Set<string>();
    const perNetworkAliases: string[] = [];
    const requested = definition.networks ?? [];
    const entries: [string, unknown][] = Array.isArray(requested) ? requested.map((name) => [String(name), null]) : isDict(requested) ? Object.entries(requested) : [];
    if (!Array.isArray(requested) && !isDict(requested)) throw this.error(`${at}.networks`, "must be a list or a mapping");
    for (const [key, options] of entries) {
      const network = networks.get(key);
      if (!network) throw this.error(`${at}.networks`, `unknown network "${key}" (declared: ${[...networks.keys()].join(", ") || "none"})`);
      joined.push(network.dockerName);
      used.add(network.dockerName);
      if (isDict(options)) {
        for (const option of Object.keys(options)) {
          if (option !== "aliases") this.skip(`${at}.networks.${key}.${option}`, "per-network options other than aliases are not mapped");
        }
        const list = this.list(options.aliases, `${at}.networks.${key}.aliases`).map((alias) => this.text(alias, `${at}.networks.${key}.aliases`));
        perNetworkAliases.push(JSON.stringify([...list].sort()));
        list.forEach((alias) => aliases.add(alias));
      } else perNetworkAliases.push("[]");
    }
    if (new Set(perNetworkAliases).size > 1) this.skip(`${at}.networks`, "aliases that differ between networks: the program gives a container the same aliases on each");
    if (joined.length === 0) {
      joined.push(this.defaultNetwork);
      used.add(this.defaultNetwork);
    }
    // Compose makes the service name an alias on every network it joins.
    const name = this.containerName(service);
    if (service !== name) aliases.add(service);
    aliases.delete(name);
    return { ...(aliases.size > 0 ? { aliases: [...aliases] } : {}), networks: joined };
  }

  private ports(value: unknown, path: string): string[] {
    return this.list(value, path).flatMap((entry, index) => {
      const at = `${path}[${index}]`;
      if (isDict(entry)) return this.longPort(entry, at);
      const text = this.text(entry, at);
      const match = /^(?:(\d{1,3}(?:\.\d{1,3}){3}):)?(?:(\d+(?:-\d+)?)?:)?(\d+(?:-\d+)?)(?:\/(tcp|udp))?$/.exec(text);
      if (!match) throw this.error(at, `"${text}" is not a port: use [ip:][host:]container[/tcp|udp]`);
      const [, ip, published, target, protocol = "tcp"] = match;
      if (published === undefined) {
        this.skip(at, `"${text}" publishes on a random host port, which the program does not do`);
        return [];
      }
      return this.portRange(ip, published, target, protocol, at);
    });
  }

  private longPort(entry: Dict, at: string): string[] {
    for (const key of Object.keys(entry)) {
      if (!["target", "published", "host_ip", "protocol", "mode"].includes(key)) this.skip(`${at}.${key}`, "port options other than target, published, host_ip and protocol are not mapped");
    }
    if (entry.published === undefined) {
      this.skip(at, "publishes on a random host port, which the program does not do");
      return [];
    }
    const protocol = entry.protocol === undefined ? "tcp" : this.text(entry.protocol, `${at}.protocol`);
    if (protocol !== "tcp" && protocol !== "udp") throw this.error(`${at}.protocol`, `"${protocol}" is not tcp or udp`);
    const ip = entry.host_ip === undefined ? undefined : this.text(entry.host_ip, `${at}.host_ip`);
    return this.portRange(ip, this.text(entry.published, `${at}.published`), this.text(entry.target, `${at}.target`), protocol, at);
  }

  private portRange(ip: string | undefined, published: string, target: string, protocol: string, at: string): string[] {
    const bounds = (text: string) => {
      const [first, last = first] = text.split("-").map(Number);
      if (!(first >= 1 && last <= 65535 && first <= last)) throw this.error(at, `"${text}" is not a port or range of ports 1-65535`);
      return [first, last] as const;
    };
    const [externalFirst, externalLast] = bounds(published);
    const [internalFirst, internalLast] = bounds(target);
    if (externalLast - externalFirst !== internalLast - internalFirst) throw this.error(at, `host range ${published} and container range ${target} differ in length`);
    return Array.from({ length: internalLast - internalFirst + 1 }, (_, offset) => {
      const external = externalFirst + offset;
      const internal = internalFirst + offset;
      const prefix = ip && ip !== "0.0.0.0" ? `${ip}:${external}:` : external === internal ? "" : `${external}:`;
      return `${prefix}${internal}${protocol === "udp" ? "/udp" : ""}`;
    });
  }

  /** env_file first, then environment over it (compose's precedence). */
  private environment(container: string, definition: Dict, at: string): Record<string, AdoptedValue> {
    const env: Record<string, AdoptedValue> = {};
    const envFiles = this.list(definition.env_file, `${at}.env_file`);
    envFiles.forEach((entry, index) => {
      const path = `${at}.env_file[${index}]`;
      const relative = isDict(entry) ? this.text(entry.path, `${path}.path`) : this.text(entry, path);
      const required = isDict(entry) ? entry.required !== false : true;
      const repoPath = posix.normalize(posix.join(this.context.repoDir, relative));
      const found = this.context.envFileNames(repoPath);
      if (!found) {
        if (required) throw this.error(path, `env file ${repoPath} does not exist, neither decrypted nor as its .sops source`);
        return;
      }
      for (const name of found.names) {
        const literal = found.values?.[name];
        env[name] = !found.encrypted && literal !== undefined && !looksLikeSecretName(name) ? literal : { configSecret: envFileSecretKey(repoPath, name) };
      }
    });
    const environment = definition.environment;
    const entries: [string, unknown][] = Array.isArray(environment)
      ? environment.map((item, index) => {
          const text = this.text(item, `${at}.environment[${index}]`);
          const split = text.indexOf("=");
          return split < 0 ? [text, null] : [text.slice(0, split), text.slice(split + 1)];
        })
      : isDict(environment)
        ? Object.entries(environment)
        : environment === undefined
          ? []
          : (() => {
              throw this.error(`${at}.environment`, "must be a list of NAME=value or a mapping");
            })();
    for (const [name, raw] of entries) {
      const path = `${at}.environment.${name}`;
      if (raw === null || raw === undefined) {
        this.skip(path, "takes its value from the shell that runs compose");
        continue;
      }
      if (typeof raw !== "string" && typeof raw !== "number" && typeof raw !== "boolean") throw this.error(path, "must be a string, number or boolean");
      const value = this.substitute(String(raw), path);
      if (value.kind === "secret") {
        // A value made of encrypted variables is a secret as a whole: one config secret for the
        // variable, or one holding the whole value as it expands today.
        env[name] = { configSecret: value.exactKey ?? containerSecretKey(this.context.repoDir, container, name) };
      } else if (looksLikeSecretName(name) && value.value !== "") {
        // A credential written in the compose file: moved out of plain text, same value.
        env[name] = { configSecret: containerSecretKey(this.context.repoDir, container, name) };
      } else env[name] = value.value;
    }
    return env;
  }

  private configs(value: unknown, path: string, container: string): { path: string; content: AdoptedValue }[] {
    const declared = isDict(this.top.configs) ? this.top.configs : {};
    return this.list(value, path).flatMap((entry, index) => {
      const at = `${path}[${index}]`;
      const source = isDict(entry) ? this.text(entry.source, `${at}.source`) : this.text(entry, at);
      const target = isDict(entry) && entry.target !== undefined ? this.text(entry.target, `${at}.target`) : `/${source}`;
      if (isDict(entry)) {
        for (const key of Object.keys(entry)) if (!["source", "target"].includes(key)) this.skip(`${at}.${key}`, "config options other than source and target are not mapped");
      }
      const config = declared[source];
      if (!isDict(config)) throw this.error(at, `unknown config "${source}" (declared: ${Object.keys(declared).join(", ") || "none"})`);
      if (typeof config.content !== "string") {
        this.skip(`configs.${source}`, "only configs with inline content are mapped (as files written into the container)");
        return [];
      }
      const content = this.substitute(config.content, `configs.${source}.content`);
      return [{ path: target, content: content.kind === "literal" ? content.value : { configSecret: containerSecretKey(this.context.repoDir, container, source) } }];
    });
  }

  private mounts(value: unknown, path: string, volumes: Record<string, string>): { mounts: string[]; tmpfs: Record<string, string> } {
    const mounts: string[] = [];
    const tmpfs: Record<string, string> = {};
    this.list(value, path).forEach((entry, index) => {
      const at = `${path}[${index}]`;
      if (isDict(entry)) return this.longMount(entry, at, volumes, mounts, tmpfs);
      const text = this.text(entry, at);
      const [source, target, mode, ...rest] = text.split(":");
      if (target === undefined) {
        this.skip(at, `"${text}" is an anonymous volume, which the program does not create`);
        return;
      }
      if (rest.length > 0 || !target.startsWith("/")) throw this.error(at, `"${text}" is not a mount: use source:/target[:mode]`);
      const options = (mode ?? "").split(",").filter(Boolean);
      for (const option of options) if (option !== "ro" && option !== "rw") this.skip(at, `mount option "${option}" is not mapped`);
      mounts.push(this.mount(source, target, options.includes("ro"), at, volumes));
    });
    return { mounts, tmpfs };
  }

  private longMount(entry: Dict, at: string, volumes: Record<string, string>, mounts: string[], tmpfs: Record<string, string>): void {
    const type = this.text(entry.type, `${at}.type`);
    const target = this.text(entry.target, `${at}.target`);
    for (const key of Object.keys(entry)) {
      if (!["type", "source", "target", "read_only", ...(type === "tmpfs" ? ["tmpfs"] : [])].includes(key)) this.skip(`${at}.${key}`, `mount option ${key} is not mapped`);
    }
    if (type === "tmpfs") {
      const size = isDict(entry.tmpfs) && entry.tmpfs.size !== undefined ? `size=${this.bytes(entry.tmpfs.size, `${at}.tmpfs.size`)}` : "";
      if (isDict(entry.tmpfs)) for (const key of Object.keys(entry.tmpfs)) if (key !== "size") this.skip(`${at}.tmpfs.${key}`, "tmpfs options other than size are not mapped");
      tmpfs[target] = size;
      return;
    }
    if (type !== "bind" && type !== "volume") {
      this.skip(at, `mount type ${type} is not mapped`);
      return;
    }
    mounts.push(this.mount(this.text(entry.source, `${at}.source`), target, entry.read_only === true, at, volumes));
  }

  private mount(source: string, target: string, readOnly: boolean, at: string, volumes: Record<string, string>): string {
    const suffix = readOnly ? ":ro" : "";
    if (source.startsWith("/")) return `${source}:${target}${suffix}`;
    if (source === "." || source.startsWith("./") || source.startsWith("../")) {
      // Komodo runs compose in its checkout: `./x` is x beside the compose file there.
      return `${posix.normalize(posix.join(this.checkoutDir, source))}:${target}${suffix}`;
    }
    // An encrypted variable in the source was reported where it was substituted.
    if (source.includes("$")) return `${source}:${target}${suffix}`;
    if (source.startsWith("~")) {
      this.skip(at, `source "${source}" depends on the home directory of whoever runs compose`);
      return `${source}:${target}${suffix}`;
    }
    if (!(source in volumes)) throw this.error(at, `unknown volume "${source}" (declared: ${Object.keys(volumes).join(", ") || "none"})`);
    return `${source}:${target}${suffix}`;
  }

  private healthcheck(value: unknown, path: string): Dict | undefined {
    if (!isDict(value)) throw this.error(path, "must be a mapping");
    for (const key of Object.keys(value)) {
      if (!["test", "interval", "timeout", "retries", "start_period"].includes(key)) this.skip(`${path}.${key}`, "healthcheck options other than test, interval, timeout, retries and start_period are not mapped");
    }
    if (value.test === undefined) {
      this.skip(path, "a healthcheck without test only changes the image's: not mapped");
      return undefined;
    }
    const test = typeof value.test === "string" ? ["CMD-SHELL", this.text(value.test, `${path}.test`)] : this.words(value.test, `${path}.test`);
    if (test[0] === "NONE") {
      this.skip(`${path}.test`, "disabling the image's healthcheck is not mapped");
      return undefined;
    }
    const retries = value.retries === undefined ? DOCKER_HEALTHCHECK_DEFAULTS.retries : Number(value.retries);
    if (!Number.isInteger(retries) || retries < 1) throw this.error(`${path}.retries`, "must be a positive whole number");
    return {
      test,
      interval: value.interval === undefined ? DOCKER_HEALTHCHECK_DEFAULTS.interval : this.duration(value.interval, `${path}.interval`),
      timeout: value.timeout === undefined ? DOCKER_HEALTHCHECK_DEFAULTS.timeout : this.duration(value.timeout, `${path}.timeout`),
      retries,
      startPeriod: value.start_period === undefined ? DOCKER_HEALTHCHECK_DEFAULTS.startPeriod : this.duration(value.start_period, `${path}.start_period`),
    };
  }

  private duration(value: unknown, path: string): string {
    const text = this.text(value, path);
    if (!/^(\d+(ns|us|ms|s|m|h))+$/.test(text)) throw this.error(path, `"${text}" is not a duration like 30s or 1m30s`);
    return text;
  }

  private bytes(value: unknown, path: string): number {
    const text = this.text(value, path).toLowerCase();
    const match = /^(\d+)\s*([kmg]?)b?$/.exec(text);
    if (!match) throw this.error(path, `"${text}" is not a size like 512m or 1g`);
    return Number(match[1]) * { "": 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 }[match[2] as "" | "k" | "m" | "g"];
  }

  private restart(value: unknown, path: string): string {
    if (value === undefined) return "no";
    const text = this.text(value, path);
    if (["no", "always", "unless-stopped", "on-failure"].includes(text)) return text;
    this.skip(path, `restart "${text}" is not mapped`);
    return text;
  }

  private logging(value: unknown, path: string): { driver: string; options: Record<string, string> } {
    if (!isDict(value)) throw this.error(path, "must be a mapping");
    return { driver: value.driver === undefined ? "json-file" : this.text(value.driver, `${path}.driver`), options: this.keyValues(value.options, `${path}.options`) };
  }

  private dependsOn(value: unknown, path: string): Record<string, "started" | "healthy"> {
    if (value === undefined) return {};
    const entries: [string, unknown][] = Array.isArray(value) ? value.map((name) => [String(name), {}]) : isDict(value) ? Object.entries(value) : [];
    if (!Array.isArray(value) && !isDict(value)) throw this.error(path, "must be a list or a mapping");
    return Object.fromEntries(
      entries.map(([service, options]) => {
        const name = this.serviceRef(service, `${path}.${service}`);
        const condition = isDict(options) ? options.condition : undefined;
        if (isDict(options)) {
          for (const key of Object.keys(options)) if (key !== "condition") this.skip(`${path}.${service}.${key}`, `depends_on option ${key} is not mapped`);
        }
        if (condition === undefined || condition === "service_started") return [name, "started"];
        if (condition === "service_healthy") return [name, "healthy"];
        this.skip(`${path}.${service}.condition`, `condition ${String(condition)} is not mapped (started or healthy only)`);
        return [name, "started"];
      }),
    );
  }

  private memory(definition: Dict, at: string): Dict {
    const result: Dict = {};
    const deploy = definition.deploy;
    if (deploy !== undefined) {
      if (!isDict(deploy)) throw this.error(`${at}.deploy`, "must be a mapping");
      for (const key of Object.keys(deploy)) if (key !== "resources") this.skip(`${at}.deploy.${key}`, "only deploy.resources memory is mapped");
      const resources = isDict(deploy.resources) ? deploy.resources : {};
      for (const [kind, field] of [["limits", "memoryMb"], ["reservations", "memoryReservationMb"]] as const) {
        const block = resources[kind];
        if (block === undefined) continue;
        if (!isDict(block)) throw this.error(`${at}.deploy.resources.${kind}`, "must be a mapping");
        for (const key of Object.keys(block)) if (key !== "memory") this.skip(`${at}.deploy.resources.${kind}.${key}`, "only memory is mapped");
        if (block.memory !== undefined) result[field] = this.megabytes(block.memory, `${at}.deploy.resources.${kind}.memory`);
      }
    }
    if (definition.mem_limit !== undefined) result.memoryMb = this.megabytes(definition.mem_limit, `${at}.mem_limit`);
    if (definition.mem_reservation !== undefined) result.memoryReservationMb = this.megabytes(definition.mem_reservation, `${at}.mem_reservation`);
    return result;
  }

  private megabytes(value: unknown, path: string): number {
    const bytes = this.bytes(value, path);
    if (bytes % 2 ** 20 !== 0) this.skip(path, "not a whole number of MB");
    return Math.ceil(bytes / 2 ** 20);
  }
}
