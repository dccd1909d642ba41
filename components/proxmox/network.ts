import { parseSubnet } from "../../config/ipv4";
import type { LanSpec } from "../../config/proxmox";

/** `192.168.11.200` on `192.168.11.0/24` -> `192.168.11.200/24`. */
export function cidrAddress(ip: string, network: LanSpec): string {
  const subnet = parseSubnet(network.subnet);
  if (!subnet) throw new Error(`network subnet ${network.subnet} is not a subnet; the config schema should have refused it`);
  return `${ip}/${subnet.prefixLength}`;
}

/** Resolvers of a guest: those of the network its first interface is on. */
export function guestDns(network: LanSpec): { servers: string[]; domain?: string } | undefined {
  return network.nameservers.length === 0 ? undefined : { servers: network.nameservers, domain: network.searchDomain };
}
