/**
 * The address, subnet and port fields of every stack file, checked as what they are
 * (`23.94.73.999` is no address, `80:70000` no port), with one message each.
 */
import { isIP, isIPv4 } from "node:net";
import { z } from "zod";
import { addressRangeBounds, parseSubnet } from "./ipv4";

export const ipv4Address = z.string().refine((text) => isIPv4(text), "must be an IPv4 address like 192.168.11.10");

/** Where IPv6 is as good: a resolver address. */
export const ipAddress = z.string().refine((text) => isIP(text) !== 0, "must be an IPv4 or IPv6 address");

export const ipv4Subnet = z.string().refine((text) => parseSubnet(text) !== undefined, "must be an IPv4 subnet like 192.168.11.0/24 (no host bits)");

/** A subnet, or `first-last` addresses, as MetalLB writes pool addresses. */
export const ipv4Range = z
  .string()
  .refine((text) => addressRangeBounds(text) !== undefined, "must be an IPv4 subnet like 192.168.11.0/24 or a range first-last of IPv4 addresses, first not after last");

export const isPort = (port: number) => Number.isInteger(port) && port >= 1 && port <= 65535;
export const portNumber = z.number().int().min(1, "must be a port 1-65535").max(65535, "must be a port 1-65535");

const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** A DNS name or an IPv4 address: dotted digits are an address, never a name (no top-level domain is numeric). */
export function isHost(text: string): boolean {
  return /^[\d.]+$/.test(text) ? isIPv4(text) : DNS_NAME.test(text);
}
export const hostAddress = z.string().refine(isHost, "must be an IPv4 address like 192.168.11.10 or a DNS name");

/** `host:port`, the host a DNS name or an IPv4 address. */
export const hostAndPort = z.string().refine((text) => {
  const colon = text.lastIndexOf(":");
  return colon > 0 && isHost(text.slice(0, colon)) && /^\d{1,5}$/.test(text.slice(colon + 1)) && isPort(Number(text.slice(colon + 1)));
}, "must be host:port, the host a DNS name or an IPv4 address and the port 1-65535");

/** `443/tcp`, a port a host may publish. */
export const portAndProtocol = z.string().refine((text) => {
  const match = /^(\d{1,5})\/(tcp|udp)$/.exec(text);
  return match !== null && isPort(Number(match[1]));
}, "must be port/tcp or port/udp with a port 1-65535");
