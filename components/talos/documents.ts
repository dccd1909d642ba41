/** One Talos machine configuration document, as plain data (what one YAML document parses to). */
export type TalosDocument = Record<string, unknown>;

/**
 * The multi-document kinds of the Talos v1.13 config contract (all `apiVersion: v1alpha1`),
 * as the v1.13.9 JSON schema lists them; `test/talos` holds this list against the schema.
 * A patch for any other kind (for example `KubeletConfig`, which arrived in v1.15) cannot
 * apply to a v1.13 machine.
 */
export const V1_13_DOCUMENT_KINDS: ReadonlySet<string> = new Set([
  "ExistingVolumeConfig",
  "ExternalVolumeConfig",
  "RawVolumeConfig",
  "SwapVolumeConfig",
  "UserVolumeConfig",
  "VolumeConfig",
  "ZswapConfig",
  "RegistryAuthConfig",
  "RegistryMirrorConfig",
  "RegistryTLSConfig",
  "ExtensionServiceConfig",
  "PCIDriverRebindConfig",
  "BlackholeRouteConfig",
  "BondConfig",
  "BridgeConfig",
  "NetworkDefaultActionConfig",
  "DHCPv4Config",
  "DHCPv6Config",
  "DummyLinkConfig",
  "EthernetConfig",
  "HCloudVIPConfig",
  "HostnameConfig",
  "KubeSpanConfig",
  "KubeSpanEndpoints",
  "Layer2VIPConfig",
  "LinkConfig",
  "LinkAliasConfig",
  "ResolverConfig",
  "RoutingRuleConfig",
  "NetworkRuleConfig",
  "StaticHostConfig",
  "TCPProbeConfig",
  "TimeSyncConfig",
  "VLANConfig",
  "VRFConfig",
  "WireguardConfig",
  "EnvironmentConfig",
  "EventSinkConfig",
  "KmsgLogConfig",
  "OOMConfig",
  "WatchdogTimerConfig",
  "TrustedRootsConfig",
  "SideroLinkConfig",
]);

/** The apiVersion of every v1.13 document, and the `version` of the v1alpha1 document. */
export const DOCUMENT_API_VERSION = "v1alpha1";

/** The top-level keys of the v1alpha1 document (the one without `kind`). */
export const V1ALPHA1_TOP_LEVEL_KEYS: ReadonlySet<string> = new Set(["version", "debug", "persist", "machine", "cluster"]);

/** Which document a patch addresses: the v1alpha1 one (no kind), or a kind and its name. */
export interface DocumentIdentity {
  kind?: string;
  name?: string;
}

export function identityOf(document: TalosDocument): DocumentIdentity {
  const kind = typeof document.kind === "string" ? document.kind : undefined;
  const name = typeof document.name === "string" ? document.name : undefined;
  return kind === undefined ? {} : { kind, ...(name === undefined ? {} : { name }) };
}

export function isSameDocument(document: TalosDocument, identity: DocumentIdentity): boolean {
  const own = identityOf(document);
  return own.kind === identity.kind && own.name === identity.name;
}

/** `the v1alpha1 document`, `RegistryMirrorConfig "ghcr.io"`, `HostnameConfig`: for error messages. */
export function describeDocument(identity: DocumentIdentity): string {
  if (identity.kind === undefined) return "the v1alpha1 document";
  return identity.name === undefined ? identity.kind : `${identity.kind} "${identity.name}"`;
}
