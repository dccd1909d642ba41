import { CLOUDFLARE_AUTOMATIC_TTL, fqdn, providerRecords, type ResolvedRecord } from "../../components/dns/records";

const records: ResolvedRecord<string>[] = [
  { name: "*", type: "A", values: [{ key: "192.168.11.90", value: "192.168.11.90" }], ttl: 300 },
  { name: "proxy", type: "A", values: [{ key: "vps-racknerd-aegis", value: "23.94.73.98" }, { key: "198.51.100.7", value: "198.51.100.7" }], ttl: 600, proxied: true },
  { name: "@", type: "TXT", values: [{ key: "v=spf1 -all", value: "v=spf1 -all" }], ttl: 3600 },
];

test("names are relative to the zone; @ is its apex", () => {
  expect(fqdn("@", "example.com")).toBe("example.com");
  expect(fqdn("*.proxy", "example.com")).toBe("*.proxy.example.com");
});

test("Route53: one record set per name and type, holding every value", () => {
  expect(providerRecords("route53", "example.com", records)).toEqual([
    { resourceName: "*/A", fqdn: "*.example.com", type: "A", values: ["192.168.11.90"], ttl: 300 },
    { resourceName: "proxy/A", fqdn: "proxy.example.com", type: "A", values: ["23.94.73.98", "198.51.100.7"], ttl: 600 },
    { resourceName: "@/TXT", fqdn: "example.com", type: "TXT", values: ["v=spf1 -all"], ttl: 3600 },
  ]);
});

test("Cloudflare: one record per value, named by the value's key, proxied ones with the automatic TTL", () => {
  const cloudflare = providerRecords("cloudflare", "example.com", records);
  expect(cloudflare.map((record) => [record.resourceName, record.values, record.ttl, record.proxied])).toEqual([
    ["*/A/192.168.11.90", ["192.168.11.90"], 300, false],
    ["proxy/A/vps-racknerd-aegis", ["23.94.73.98"], CLOUDFLARE_AUTOMATIC_TTL, true],
    ["proxy/A/198.51.100.7", ["198.51.100.7"], CLOUDFLARE_AUTOMATIC_TTL, true],
    ["@/TXT/v=spf1 -all", ["v=spf1 -all"], 3600, false],
  ]);
});
