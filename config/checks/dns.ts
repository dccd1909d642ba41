import { isIPv4, isIPv6 } from "node:net";
import type { DnsRecordSpec, DnsSpec, RecordValue } from "../dns";
import type { ConfigIssue } from "../errors";
import { ipv4ToNumber } from "../ipv4";

const KEY = "homeops:dns";
const HOST_NAME = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)*\.?$/;

/** Addresses Cloudflare's proxy cannot reach: private, loopback, link-local, CGNAT. */
const UNPROXYABLE = [
  ["10.0.0.0", 8],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["100.64.0.0", 10],
] as const;

export function isPrivateIpv4(address: string): boolean {
  const value = ipv4ToNumber(address);
  return UNPROXYABLE.some(([network, bits]) => value >>> (32 - bits) === ipv4ToNumber(network) >>> (32 - bits));
}

/** Cross-field checks of the DNS settings. `domain` is the estate's (certificates are issued for it). */
export function checkDns(dns: DnsSpec, context: { domain: string }): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (dns.provider === "route53" && !dns.route53) issues.push({ key: `${KEY}.route53`, message: "is required when provider is route53: {region: <AWS region>}" });
  if (dns.provider === "cloudflare" && !dns.cloudflare) {
    issues.push({ key: `${KEY}.cloudflare`, message: "is required when provider is cloudflare: {accountId, apiToken, acmeApiToken}" });
  }
  if (context.domain !== dns.zone && !context.domain.endsWith(`.${dns.zone}`)) {
    issues.push({ key: `${KEY}.zone`, message: `certificates for ${context.domain} are solved in this zone, so it must be ${context.domain} or a parent of it` });
  }
  const seen = new Map<string, number>();
  dns.records.forEach((record, index) => {
    const key = `${KEY}.records[${index}]`;
    const first = seen.get(`${record.name} ${record.type}`);
    if (first !== undefined) issues.push({ key: `${key}.name`, message: `${record.type} ${record.name} is already declared by ${KEY}.records[${first}]; give it several values instead` });
    else seen.set(`${record.name} ${record.type}`, index);
    issues.push(...checkRecord(record, key, dns));
  });
  dns.records.forEach((record, index) => {
    if (record.type === "CNAME" && dns.records.some((other) => other !== record && other.name === record.name)) {
      issues.push({ key: `${KEY}.records[${index}].name`, message: `a CNAME cannot share its name (${record.name}) with other records` });
    }
  });
  return issues;
}

function checkRecord(record: DnsRecordSpec, key: string, dns: DnsSpec): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (record.proxied !== undefined && dns.provider !== "cloudflare") {
    issues.push({ key: `${key}.proxied`, message: `${dns.provider} has no proxy: proxied applies to Cloudflare records only` });
  }
  if (record.proxied && record.type !== "A" && record.type !== "AAAA" && record.type !== "CNAME") {
    issues.push({ key: `${key}.proxied`, message: `Cloudflare proxies A, AAAA and CNAME records, not ${record.type}` });
  }
  if (record.type === "CNAME" && record.name === "@") issues.push({ key: `${key}.type`, message: "a CNAME cannot be at the zone apex" });
  if (record.type === "CNAME" && record.values.length !== 1) issues.push({ key: `${key}.values`, message: "a CNAME has exactly one value" });
  record.values.forEach((value, index) => {
    const problem = valueProblem(record, value, dns);
    if (problem) issues.push({ key: `${key}.values[${index}]`, message: problem });
  });
  return issues;
}

function valueProblem(record: DnsRecordSpec, value: RecordValue, dns: DnsSpec): string | undefined {
  if (typeof value !== "string") {
    if (record.type !== "A") return `{vpsHost} is an IPv4 address, so it belongs in an A record, not ${record.type}`;
    if (!dns.vpsAddresses) return `{vpsHost: ${value.vpsHost}} needs ${KEY}.vpsAddresses ({fromStack: vps} or {fromConfig: {...}})`;
    if ("fromConfig" in dns.vpsAddresses && !(value.vpsHost in dns.vpsAddresses.fromConfig)) {
      return `no address for VPS host "${value.vpsHost}" in ${KEY}.vpsAddresses.fromConfig`;
    }
    return undefined;
  }
  switch (record.type) {
    case "A":
      if (!isIPv4(value)) return `"${value}" is not an IPv4 address`;
      return record.proxied && isPrivateIpv4(value) ? `${value} is a private address: Cloudflare's proxy cannot reach it, set proxied: false` : undefined;
    case "AAAA":
      return isIPv6(value) ? undefined : `"${value}" is not an IPv6 address`;
    case "CNAME":
      return HOST_NAME.test(value) ? undefined : `"${value}" is not a host name`;
    case "TXT":
      return value.length <= 255 ? undefined : "TXT strings are at most 255 characters";
  }
}
