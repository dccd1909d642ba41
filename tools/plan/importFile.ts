/**
 * The bulk import file `pulumi import --file` reads, for everything a stack declares that
 * already runs: `resources` (type, name, id, parent, provider; the component parents with
 * `component: true`, so the import creates them) and `nameTable` (each parent and provider
 * by URN). Ids are filled where the inventory knows them (a volume's id is its name, an
 * LXC's or a VM's `<node>/<vmid>`, a PCI mapping's its name, the hosted zone's when `dns.existingZoneId` is set); Docker
 * containers and networks get the placeholder until `npm run import-ids` reads them from the
 * hosts.
 */
import { runsInEstate } from "../../config/docker";
import type { Plan, PlannedResource } from "../../policy/contract/plan";

export const ID_PLACEHOLDER = "<PLACEHOLDER>";

export interface ImportSpec {
  type: string;
  name: string;
  id?: string;
  parent?: string;
  provider?: string;
  component?: boolean;
}

export interface ImportFile {
  nameTable: Record<string, string>;
  resources: ImportSpec[];
}

/** What the stack file says runs already, by resource type and logical name. */
export interface LiveInventory {
  /** Logical names of the Docker containers and volumes (`<stack>/<name>`) and networks (`<host>/<network>`) that exist. */
  docker: ReadonlySet<string>;
  /** Logical names of the Proxmox LXCs that exist. */
  lxcs: ReadonlySet<string>;
  /** Logical names of the Proxmox VMs that exist (homeops:proxmoxVms). */
  vms: ReadonlySet<string>;
  /** The node bridges and VLAN interfaces the stack file says exist (`existing: true`), as `<node>:<name>`. */
  nodeInterfaces?: ReadonlySet<string>;
  /** The names of the cluster's PCI mappings the stack file says exist (`existing: true`). */
  pciMappings?: ReadonlySet<string>;
  /** The hosted zone's id, when the stack file gives it. */
  existingZoneId?: string;
  /** Logical names of the platform's Namespaces, Secrets and objects that run already (not its charts: see README). */
  kubernetes?: ReadonlySet<string>;
}

const DOCKER_TYPES = new Set(["docker:index/container:Container", "docker:index/volume:Volume", "docker:index/network:Network"]);
const LXC_TYPE = "proxmoxve:index/containerLegacy:ContainerLegacy";
const VM_TYPE = "proxmoxve:index/vmLegacy:VmLegacy";
const NODE_INTERFACE_TYPES = new Set(["proxmoxve:network/linux/bridge:Bridge", "proxmoxve:network/linux/vlan:Vlan"]);
const PCI_MAPPING_TYPE = "proxmoxve:hardware/mapping/pci:Pci";
const ZONE_TYPES = new Set(["aws:route53/zone:Zone", "cloudflare:index/zone:Zone"]);

function idOf(resource: PlannedResource, live: LiveInventory): string | undefined | null {
  if (DOCKER_TYPES.has(resource.type)) {
    if (!live.docker.has(resource.name)) return null;
    return resource.type === "docker:index/volume:Volume" ? String(resource.inputs.name) : ID_PLACEHOLDER;
  }
  const guests = resource.type === LXC_TYPE ? live.lxcs : resource.type === VM_TYPE ? live.vms : undefined;
  // The provider's import id of a guest: `<node>/<vmid>`.
  if (guests) return guests.has(resource.name) ? `${String(resource.inputs.nodeName)}/${String(resource.inputs.vmId)}` : null;
  if (NODE_INTERFACE_TYPES.has(resource.type)) {
    // The provider's import id of a node interface: `<node>:<iface>`.
    const id = `${String(resource.inputs.nodeName)}:${String(resource.inputs.name)}`;
    return live.nodeInterfaces?.has(id) ? id : null;
  }
  // The provider's import id of a PCI mapping: its name.
  if (resource.type === PCI_MAPPING_TYPE) return live.pciMappings?.has(String(resource.inputs.name)) ? String(resource.inputs.name) : null;
  if (ZONE_TYPES.has(resource.type)) return live.existingZoneId ?? ID_PLACEHOLDER;
  // A chart's objects are the provider's to adopt (README, "Taking over the running platform"), never imported.
  if (resource.type.startsWith("kubernetes:") && !resource.type.startsWith("kubernetes:helm.sh/") && live.kubernetes?.has(resource.name)) {
    // The Kubernetes provider imports `<namespace>/<name>`, or `<name>` for a cluster-scoped object.
    const { name, namespace } = (resource.inputs.metadata ?? {}) as { name?: string; namespace?: string };
    return namespace ? `${namespace}/${name}` : String(name);
  }
  return null;
}

export interface ImportPlan {
  file: ImportFile;
  /**
   * What a targeted `pulumi up` creates before the import: the providers the imported
   * resources use (an import cannot create a provider) and the components above them.
   */
  targets: string[];
}

export function importPlanFor(plan: Plan, live: LiveInventory): ImportPlan {
  const byUrn = new Map(plan.resources.map((resource) => [resource.urn, resource]));
  const imported = plan.resources.flatMap((resource) => {
    const id = idOf(resource, live);
    return id === null ? [] : [{ resource, id }];
  });
  /** A resource's components, outermost first (the Stack itself always exists). */
  const ancestors = (urn: string): PlannedResource[] => {
    const parent = byUrn.get(urn);
    return !parent || parent.type === "pulumi:pulumi:Stack" ? [] : [...ancestors(parent.parent), parent];
  };
  const providers = [...new Set(imported.map(({ resource }) => resource.provider).filter(Boolean))].map((urn) => byUrn.get(urn)!);
  const targets = unique(providers.flatMap((provider) => [...ancestors(provider.parent), provider]));
  const components = unique(imported.flatMap(({ resource }) => ancestors(resource.parent))).filter((component) => !targets.includes(component));

  const nameTable: Record<string, string> = {};
  const keyOf = (urn: string): string | undefined => {
    const resource = byUrn.get(urn);
    if (!resource || resource.type === "pulumi:pulumi:Stack") return undefined;
    // Names repeat across types (the host component and its provider): the key says both.
    const key = `${resource.type.split(":").pop()}:${resource.name}`;
    nameTable[key] = urn;
    return key;
  };
  const spec = (resource: PlannedResource, id?: string): ImportSpec => {
    const parent = keyOf(resource.parent);
    const provider = resource.provider ? keyOf(resource.provider) : undefined;
    return {
      type: resource.type,
      name: resource.name,
      ...(id === undefined ? { component: true } : { id }),
      ...(parent ? { parent } : {}),
      ...(provider ? { provider } : {}),
    };
  };
  const resources = [...components.map((component) => spec(component)), ...imported.map(({ resource, id }) => spec(resource, id))];
  return { file: { nameTable, resources }, targets: targets.map((resource) => resource.urn) };
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

interface Declared {
  deviations?: { field: string }[];
}
type RawStack = Declared & { name: string; host: string; volumes?: Record<string, { dockerName?: string; external?: boolean }>; containers: { name: string }[] };

/**
 * What runs today, from the stack file's `homeops:` config: every Docker stack, volume and
 * network the file declares, except those whose deviation says the estate lacks them
 * (`stack`, `network`: see `npm run adopt -- --check`); every LXC and VM of
 * homeops:proxmoxContainers and homeops:proxmoxVms; every bridge and VLAN interface of
 * homeops:proxmox.nodes and every PCI mapping of homeops:proxmox.pciMappings marked
 * `existing`; the zone's id if given; the platform's
 * Namespaces, Secrets and objects but those `homeops:platform.deviations` says the estate lacks.
 */
export function liveInventoryOf(config: Record<string, unknown>): LiveInventory {
  const hosts = (config.dockerHosts ?? {}) as Record<string, { networks?: Record<string, Declared> }>;
  const stacks = ((config.dockerStacks ?? []) as RawStack[]).filter((stack) => runsInEstate(stack, "stack"));
  const docker = new Set<string>([
    ...Object.entries(hosts).flatMap(([host, spec]) =>
      Object.entries(spec.networks ?? {})
        .filter(([, network]) => runsInEstate(network, "network"))
        .map(([name]) => `${host}/${name}`),
    ),
    ...stacks.flatMap((stack) => [
      ...stack.containers.map((container) => `${stack.name}/${container.name}`),
      ...Object.entries(stack.volumes ?? {})
        .filter(([, volume]) => !volume.external)
        .map(([key]) => `${stack.name}/${key}`),
    ]),
  ]);
  const dns = (config.dns ?? {}) as { existingZoneId?: string };
  return {
    docker,
    lxcs: new Set(Object.keys((config.proxmoxContainers ?? {}) as object)),
    vms: new Set(Object.keys((config.proxmoxVms ?? {}) as object)),
    nodeInterfaces: existingNodeInterfaces(config.proxmox as RawProxmox | undefined),
    pciMappings: new Set(Object.entries((config.proxmox as RawProxmox | undefined)?.pciMappings ?? {}).flatMap(([name, mapping]) => (mapping.existing === true ? [name] : []))),
    existingZoneId: dns.existingZoneId,
    kubernetes: livePlatformObjects(config.platform as RawPlatform | undefined),
  };
}

type Existing = { existing?: boolean };
type RawProxmox = { nodes?: Record<string, { bridges?: Record<string, Existing>; vlans?: Record<string, Existing> }>; pciMappings?: Record<string, Existing> };

/** `<node>:<name>` of each node bridge and VLAN interface that runs on its node already. */
function existingNodeInterfaces(proxmox: RawProxmox | undefined): Set<string> {
  return new Set(
    Object.entries(proxmox?.nodes ?? {}).flatMap(([node, spec]) =>
      [...Object.entries(spec.bridges ?? {}), ...Object.entries(spec.vlans ?? {})].filter(([, entry]) => entry.existing === true).map(([name]) => `${node}:${name}`),
    ),
  );
}

type RawPlatform = {
  namespaces?: Record<string, unknown>;
  secrets?: { name: string; namespace: string }[];
  objects?: { manifest: { kind: string; metadata: { name: string; namespace?: string } } }[];
  deviations?: { field: string }[];
};

/**
 * The platform's objects that run, by the names the platform component gives them
 * (`platform/<namespace>`, `platform/<namespace>/<secret>`, `platform/<kind>/[<namespace>/]<name>`),
 * each unless `homeops:platform.deviations` names it (`Namespace x`, `Secret ns/name`, `<Kind> ns/name`) as one the estate lacks.
 */
function livePlatformObjects(platform: RawPlatform | undefined): Set<string> {
  const absent = new Set((platform?.deviations ?? []).map((deviation) => deviation.field));
  const live = (id: string, name: string) => (absent.has(id) ? [] : [`platform/${name}`]);
  return new Set([
    ...Object.keys(platform?.namespaces ?? {}).flatMap((name) => live(`Namespace ${name}`, name)),
    ...(platform?.secrets ?? []).flatMap(({ name, namespace }) => live(`Secret ${namespace}/${name}`, `${namespace}/${name}`)),
    ...(platform?.objects ?? []).flatMap(({ manifest: { kind, metadata } }) => {
      const path = metadata.namespace ? `${metadata.namespace}/${metadata.name}` : metadata.name;
      return live(`${kind} ${path}`, `${kind}/${path}`);
    }),
  ]);
}
