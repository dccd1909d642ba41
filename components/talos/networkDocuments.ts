import { isIP } from "node:net";
import { DOCUMENT_API_VERSION, type TalosDocument } from "./documents";
import { TalosConfigError } from "./errors";
import type { DeviceSelector, LinkInput, RouteInput, StaticNetworkInput } from "./inputs";

/** The alias a link picked by a device selector gets when none is given. */
export const DEFAULT_LINK_ALIAS = "net0";

/** A static hostname, or Talos's stable generated one (what `talosctl gen config` emits). */
export function hostnameDocument(hostname: string | undefined): TalosDocument {
  return hostname === undefined ? document("HostnameConfig", { auto: "stable" }) : document("HostnameConfig", { hostname });
}

/** The v1.13 multi-documents for a static network: link alias (if selected), link, resolvers. */
export function staticNetworkDocuments(network: StaticNetworkInput): TalosDocument[] {
  return [
    ...linkAliasDocuments(network.link),
    document("LinkConfig", {
      name: linkName(network.link),
      ...(network.mtu === undefined ? {} : { mtu: network.mtu }),
      addresses: network.addresses.map((address) => ({ address: checkPrefix(address, "address") })),
      ...(network.routes?.length ? { routes: network.routes.map(route) } : {}),
    }),
    ...(network.nameservers?.length
      ? [document("ResolverConfig", { nameservers: network.nameservers.map((address) => ({ address: checkIp(address, "nameserver") })) })]
      : []),
  ];
}

/** The shared control-plane address, announced over ARP from the node's link. */
export function layer2VipDocument(vip: string, network: StaticNetworkInput): TalosDocument {
  return document("Layer2VIPConfig", { name: checkIp(vip, "VIP"), link: linkName(network.link) });
}

/** The name other documents use for the link: its interface, or the alias given to it. */
export function linkName(link: LinkInput): string {
  return "interface" in link ? link.interface : (link.alias ?? DEFAULT_LINK_ALIAS);
}

function linkAliasDocuments(link: LinkInput): TalosDocument[] {
  if ("interface" in link) return [];
  return [document("LinkAliasConfig", { name: linkName(link), selector: { match: celMatch(link.deviceSelector) } })];
}

/** Translates a device selector into the CEL expression Talos evaluates against each link. */
function celMatch(selector: DeviceSelector): string {
  const clauses = [
    selector.hardwareAddr === undefined ? undefined : macClause("link.hardware_addr", selector.hardwareAddr),
    selector.permanentAddr === undefined ? undefined : macClause("link.permanent_addr", selector.permanentAddr),
    selector.driver === undefined ? undefined : `link.driver == ${JSON.stringify(selector.driver)}`,
  ].filter((clause) => clause !== undefined);
  if (clauses.length === 0) {
    throw new TalosConfigError("a deviceSelector needs at least one of hardwareAddr, permanentAddr, driver");
  }
  return clauses.join(" && ");
}

function macClause(field: string, pattern: string): string {
  const mac = JSON.stringify(pattern.toLowerCase());
  return pattern.includes("*") ? `glob(${mac}, mac(${field}))` : `mac(${field}) == ${mac}`;
}

function route(input: RouteInput): TalosDocument {
  return {
    ...(input.destination === undefined ? {} : { destination: checkPrefix(input.destination, "route destination") }),
    gateway: checkIp(input.gateway, "gateway"),
    ...(input.metric === undefined ? {} : { metric: input.metric }),
  };
}

function document(kind: string, fields: TalosDocument): TalosDocument {
  return { apiVersion: DOCUMENT_API_VERSION, kind, ...fields };
}

function checkIp(value: string, what: string): string {
  if (isIP(value) === 0) throw new TalosConfigError(`${what} ${JSON.stringify(value)} is not an IP address`);
  return value;
}

function checkPrefix(value: string, what: string): string {
  const [ip, length, ...rest] = value.split("/");
  const maxLength = isIP(ip) === 6 ? 128 : 32;
  if (isIP(ip) === 0 || rest.length > 0 || !/^\d{1,3}$/.test(length ?? "") || Number(length) > maxLength) {
    throw new TalosConfigError(`${what} ${JSON.stringify(value)} is not an address with a prefix length, e.g. 192.168.11.61/24`);
  }
  return value;
}
