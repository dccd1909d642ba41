import { isIPv4 } from "node:net";

/** An IPv4 subnet in CIDR notation, e.g. `192.168.11.0/24`. */
export interface Ipv4Subnet {
  network: number;
  prefixLength: number;
}

/** The address as an unsigned 32-bit number. */
export function ipv4ToNumber(address: string): number {
  if (!isIPv4(address)) throw new Error(`"${address}" is not an IPv4 address`);
  return address.split(".").reduce((value, octet) => value * 256 + Number(octet), 0);
}

/** Parses `a.b.c.d/len`; undefined when it is not a subnet (host bits set included). */
export function parseSubnet(cidr: string): Ipv4Subnet | undefined {
  const [address, length, ...rest] = cidr.split("/");
  if (rest.length > 0 || !isIPv4(address) || !/^\d{1,2}$/.test(length ?? "") || Number(length) > 32) return undefined;
  const prefixLength = Number(length);
  const network = ipv4ToNumber(address);
  return (network & ~mask(prefixLength)) >>> 0 === 0 ? { network, prefixLength } : undefined;
}

/** The subnet an interface address `a.b.c.d/len` is in (`192.168.11.200/24` -> `192.168.11.0/24`); undefined when malformed. */
export function subnetOfInterface(cidr: string): string | undefined {
  const [address, length, ...rest] = cidr.split("/");
  if (rest.length > 0 || !isIPv4(address) || !/^\d{1,2}$/.test(length ?? "") || Number(length) > 32) return undefined;
  const network = (ipv4ToNumber(address) & mask(Number(length))) >>> 0;
  return `${[24, 16, 8, 0].map((shift) => (network >>> shift) & 255).join(".")}/${length}`;
}

export function isInSubnet(address: string, subnet: Ipv4Subnet): boolean {
  return ((ipv4ToNumber(address) & mask(subnet.prefixLength)) >>> 0) === subnet.network;
}

/** Network and broadcast addresses are not host addresses. */
export function isHostAddress(address: string, subnet: Ipv4Subnet): boolean {
  if (!isInSubnet(address, subnet)) return false;
  if (subnet.prefixLength >= 31) return true;
  const value = ipv4ToNumber(address);
  return value !== subnet.network && value !== (subnet.network | ~mask(subnet.prefixLength)) >>> 0;
}

/** First and last address of `a.b.c.d-e.f.g.h` or a subnet, as numbers; undefined when malformed or reversed. */
export function addressRangeBounds(range: string): { first: number; last: number } | undefined {
  const subnet = parseSubnet(range);
  if (subnet) return { first: subnet.network, last: subnet.network + 2 ** (32 - subnet.prefixLength) - 1 };
  const [from, to, ...rest] = range.split("-");
  if (rest.length > 0 || !isIPv4(from) || !isIPv4(to ?? "")) return undefined;
  const bounds = { first: ipv4ToNumber(from), last: ipv4ToNumber(to) };
  return bounds.first <= bounds.last ? bounds : undefined;
}

function mask(prefixLength: number): number {
  return prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
}
