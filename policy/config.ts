/**
 * The pack's configuration surface: which policies exist, what each one can be told, and
 * the defaults. The shape is exactly the JSON that `pulumi preview --policy-pack-config`
 * reads (one entry per policy name, plus `all`), so the same file serves the CLI, the
 * offline preview and `npm run policy -- check --config`.
 */
import type { EnforcementLevel } from "@pulumi/policy";
import type { DeclaredPort } from "./contract/docker";

/** A deliberate exception, matched against the resource name or URN, or the subject a finding names (container, host, node). */
export interface Exemption {
  resource: string;
  /** Why the exception is acceptable; required so that every exception is explained. */
  reason: string;
}

/** Containers (Docker) and workloads (Kubernetes, `namespace/name`) that may do something otherwise forbidden. */
export interface AllowList {
  dockerContainers: string[];
  kubernetesWorkloads: string[];
}

/**
 * What the inventory declares of a Docker container: what its `homeops.*` labels also carry,
 * and what Docker's provider cannot read back from a running container (its networks, its
 * network mode as written, its bind mounts, its ports), which an adopted container keeps as it runs.
 */
export interface DeclaredContainer {
  zone: string;
  reachableFrom?: string[];
  netnsSharedWith?: string[];
  /** The image reference as written, with its digest when pinned. */
  image?: string;
  /** `host`, `none` or `container:<name>`; absent: the container is on `networks`. */
  networkMode?: string;
  /** The Docker networks it joins, by name (none: Docker's default bridge). */
  networks?: string[];
  /** The host paths it bind-mounts. */
  hostPaths?: string[];
  /** The ports it publishes. */
  ports?: DeclaredPort[];
}

/** What the inventory declares of a Docker network, which its `homeops.*` labels also carry. */
export interface DeclaredNetwork {
  egressReason?: string;
}

/**
 * The inventory's declarations per Docker host, by Docker name. A container or network the
 * program adopted keeps its live labels (the program ignores label changes there, which
 * Docker could only apply by recreating it), so during a preview the engine shows the
 * policies those live labels, not `homeops.*` ones: the declarations come from here
 * instead, and win over labels wherever both exist.
 */
export type DockerDeclarations = Record<string, { containers: Record<string, DeclaredContainer>; networks: Record<string, DeclaredNetwork> }>;

/** Settings of the policies that read what the `homeops.*` labels declare. */
export interface DeclarationsSetting {
  declared: DockerDeclarations;
}

/** What each policy can be configured with, beyond `enforcementLevel` and `exemptions`. */
export interface PolicySettingsByName {
  "docker-container-memory": {};
  "docker-container-trust-labels": DeclarationsSetting;
  "docker-management-no-published-ports": DeclarationsSetting;
  "docker-published-ports-allowed": DeclarationsSetting & {
    /** Per Docker host (its `homeops.host` label): ports that may be published on non-loopback addresses, as `80/tcp`. */
    allowedPorts: Record<string, string[]>;
  };
  "docker-isolation-boundaries": DeclarationsSetting;
  "docker-shared-netns-declared": DeclarationsSetting;
  "docker-protected-network-internal": DeclarationsSetting;
  "docker-host-memory-capacity": {
    /** Per Docker host (its `homeops.host` label): memory available to containers, in MB. */
    capacityMb: Record<string, number>;
  };
  "docker-image-digest-pinned": DeclarationsSetting & {
    /** Docker hosts (their `homeops.host` label) whose containers must run images pinned by digest; `*` for every host of the stack. */
    hosts: string[];
  };
  "host-network-allowed": AllowList & DeclarationsSetting;
  "docker-socket-mount-allowed": AllowList & DeclarationsSetting;
  "proxmox-guest-memory": {};
  "proxmox-node-memory-capacity": {
    /** Per Proxmox node (`nodeName`): memory available to guests, in MB. */
    capacityMb: Record<string, number>;
  };
  "proxmox-passthrough-no-balloon": {};
  "kubernetes-memory-limits": {};
  "kubernetes-namespace-default-deny": {};
  "kubernetes-workload-namespace-default-deny": {};
}

export type PolicyName = keyof PolicySettingsByName;
export type SettingsOf<N extends PolicyName> = PolicySettingsByName[N];

/** Settings every policy accepts. */
export interface CommonSettings {
  enforcementLevel?: EnforcementLevel;
  exemptions?: Exemption[];
}

/**
 * The pack configuration, as written to the file given to `--policy-pack-config`: per policy,
 * an enforcement level alone or its settings; `all` sets every policy's level.
 */
export type PackConfig = { all?: EnforcementLevel } & {
  [N in PolicyName]?: EnforcementLevel | (CommonSettings & Partial<SettingsOf<N>>);
};

const noAllowances: () => AllowList = () => ({ dockerContainers: [], kubernetesWorkloads: [] });

/**
 * Defaults deny everything a setting could allow: an estate's allowances and capacities come
 * from its inventory (`policyConfigFor` in tools/plan/policyConfig.ts), never from here.
 */
export const DEFAULT_SETTINGS: { [N in PolicyName]: SettingsOf<N> } = {
  "docker-container-memory": {},
  "docker-container-trust-labels": { declared: {} },
  "docker-management-no-published-ports": { declared: {} },
  "docker-published-ports-allowed": { allowedPorts: {}, declared: {} },
  "docker-isolation-boundaries": { declared: {} },
  "docker-shared-netns-declared": { declared: {} },
  "docker-protected-network-internal": { declared: {} },
  "docker-host-memory-capacity": { capacityMb: {} },
  "docker-image-digest-pinned": { declared: {}, hosts: [] },
  "host-network-allowed": { ...noAllowances(), declared: {} },
  "docker-socket-mount-allowed": { ...noAllowances(), declared: {} },
  "proxmox-guest-memory": {},
  "proxmox-node-memory-capacity": { capacityMb: {} },
  "proxmox-passthrough-no-balloon": {},
  "kubernetes-memory-limits": {},
  "kubernetes-namespace-default-deny": {},
  "kubernetes-workload-namespace-default-deny": {},
};

export const POLICY_NAMES = Object.keys(DEFAULT_SETTINGS) as PolicyName[];
