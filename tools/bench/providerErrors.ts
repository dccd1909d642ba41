/**
 * What a failed create looks like, per provider, and where the failed resource lives: the
 * Docker host behind a Docker provider (its `host` input), the Proxmox node of a guest or
 * file (its `nodeName` input, the provider's `endpoint` and SSH node addresses). The errors
 * are worded as the providers word them, so the report is judged on realistic text.
 */
import type { PlannedResource } from "../../policy/contract/plan";

export type FailureTarget =
  | { kind: "docker-host"; provider: string; url: string; user?: string; address?: string; port?: number }
  | { kind: "proxmox-node"; provider: string; node?: string; endpoint?: string; nodeAddress?: string }
  | { kind: "other"; provider?: string };

export interface SimulatedFailure {
  /** As the engine names it (what `pulumi up --target` takes). */
  urn: string;
  type: string;
  name: string;
  /** The provider's error, as `pulumi up` would print it under the resource. */
  message: string;
  target: FailureTarget;
}

export interface FailingCreate {
  urn: string;
  type: string;
  name: string;
  /** The resource's inputs as sent to the engine (secrets still wrapped). */
  inputs: Record<string, unknown>;
  /** The provider resource, as the offline preview recorded it. */
  provider?: PlannedResource;
}

/** Provider inputs are recorded as the engine receives them: nested values as JSON text. */
function structured(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** `ssh://user@host:port` (port optional). */
export function parseSshUrl(url: string): { user?: string; address?: string; port?: number } {
  const match = /^ssh:\/\/(?:([^@/]+)@)?([^:/]+)(?::(\d+))?/.exec(url);
  if (!match) return {};
  return { user: match[1], address: match[2], port: match[3] ? Number(match[3]) : 22 };
}

function dockerFailure(create: FailingCreate, provider: PlannedResource): SimulatedFailure {
  const url = String(provider.inputs.host ?? "");
  const { user, address, port } = parseSshUrl(url);
  const ssh = `ssh -l ${user ?? "root"} -p ${port ?? 22} -- ${address ?? "?"} docker system dial-stdio`;
  return {
    urn: create.urn,
    type: create.type,
    name: create.name,
    message:
      `Error pinging Docker server: error during connect: Get "http://docker.example.com/v1.47/_ping": command [${ssh}] has exited with exit status 255, ` +
      `make sure the URL is valid, and Docker 18.09 or later is installed on the remote host: stderr=ssh: connect to host ${address} port ${port}: Connection refused`,
    target: { kind: "docker-host", provider: provider.name, url, user, address, port },
  };
}

/** The API path the community provider calls to create each kind of resource on a node. */
function proxmoxApiPath(type: string, node: string, inputs: Record<string, unknown>): string {
  if (type.includes("vmLegacy") || type.includes("/vm:")) return `nodes/${node}/qemu`;
  if (type.includes("containerLegacy") || type.includes("/container:")) return `nodes/${node}/lxc`;
  return `nodes/${node}/storage/${String(inputs.datastoreId ?? "local")}/${type.includes("download") ? "download-url" : "upload"}`;
}

function proxmoxFailure(create: FailingCreate, provider: PlannedResource): SimulatedFailure {
  const endpoint = String(provider.inputs.endpoint ?? "");
  const node = typeof create.inputs.nodeName === "string" ? create.inputs.nodeName : undefined;
  const ssh = structured(provider.inputs.ssh) as { nodes?: { name: string; address: string }[] } | undefined;
  const nodeAddress = ssh?.nodes?.find((entry) => entry.name === node)?.address;
  let hostPort = endpoint;
  try {
    const url = new URL(endpoint);
    hostPort = `${url.hostname}:${url.port || "8006"}`;
  } catch {
    // keep the endpoint as it is
  }
  const api = `${endpoint.replace(/\/$/, "")}/api2/json/${proxmoxApiPath(create.type, node ?? "?", create.inputs)}`;
  const what = create.type.split(":").pop();
  return {
    urn: create.urn,
    type: create.type,
    name: create.name,
    message: `error creating ${what} ${create.name}${create.inputs.vmId ? ` (VMID ${create.inputs.vmId})` : ""}: Post "${api}": dial tcp ${hostPort}: connect: connection refused`,
    target: { kind: "proxmox-node", provider: provider.name, node, endpoint, nodeAddress },
  };
}

/** The failure of `create` as its provider would report it. */
export function providerFailure(create: FailingCreate): SimulatedFailure {
  const providerType = create.provider?.type ?? "";
  if (create.provider && providerType === "pulumi:providers:docker") return dockerFailure(create, create.provider);
  if (create.provider && providerType === "pulumi:providers:proxmoxve") return proxmoxFailure(create, create.provider);
  return {
    urn: create.urn,
    type: create.type,
    name: create.name,
    message: `creating ${create.name} failed: the provider's API refused the call (simulated)`,
    target: { kind: "other", provider: create.provider?.name },
  };
}
