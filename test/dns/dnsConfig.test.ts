import { brokenConfig } from "../support/stackConfig";

const broken = (mutate: (config: Record<string, any>) => void) => brokenConfig("homelab", mutate);

const cloudflare = (c: Record<string, any>) => {
  c.dns.provider = "cloudflare";
  delete c.dns.route53;
  c.dns.cloudflare = { accountId: "0123456789abcdef0123456789abcdef", apiToken: { configSecret: "cloudflareApiToken" }, acmeApiToken: { configSecret: "cloudflareAcmeApiToken" } };
};

test("the committed DNS config is valid, and switching to Cloudflare is configuration alone", () => {
  expect(broken(() => {})).toEqual([]);
  expect(broken(cloudflare)).toEqual([]);
  expect(broken((c) => { cloudflare(c); c.dns.records[1].proxied = true; })).toEqual([]);
});

describe("bad DNS config is refused with the key and the rule", () => {
  test.each<[string, (config: Record<string, any>) => void, string, RegExp]>([
    ["proxied in Route53", (c) => (c.dns.records[0].proxied = true), "homeops:dns.records[0].proxied", /route53 has no proxy/],
    ["a proxied private address", (c) => { cloudflare(c); c.dns.records[0].proxied = true; }, "homeops:dns.records[0].values[0]", /192\.168\.11\.90 is a private address/],
    ["Cloudflare without its settings", (c) => (c.dns.provider = "cloudflare"), "homeops:dns.cloudflare", /is required when provider is cloudflare/],
    ["Route53 without a region", (c) => delete c.dns.route53, "homeops:dns.route53", /is required when provider is route53/],
    ["a VPS host without an address source", (c) => delete c.dns.vpsAddresses, "homeops:dns.records[1].values[0]", /needs homeops:dns.vpsAddresses/],
    ["a VPS host the configured addresses lack", (c) => (c.dns.vpsAddresses = { fromConfig: { "other-vps": "203.0.113.1" } }), "homeops:dns.records[1].values[0]", /no address for VPS host "racknerd-aegis"/],
    ["a stack reference that is not fully qualified", (c) => (c.dns.vpsAddresses = { fromStack: "vps" }), "homeops:dns.vpsAddresses.fromStack", /must be <organization>\/<project>\/<stack>/],
    ["a record declared twice", (c) => c.dns.records.push({ name: "komodo", type: "A", values: ["192.168.11.201"] }), "homeops:dns.records[5].name", /A komodo is already declared by homeops:dns.records\[3\]/],
    ["an A record that is not an address", (c) => (c.dns.records[3].values = ["komodo.lan"]), "homeops:dns.records[3].values[0]", /"komodo.lan" is not an IPv4 address/],
    ["a CNAME beside other records", (c) => c.dns.records.push({ name: "komodo", type: "CNAME", values: ["server04.sharmamohit.com"] }), "homeops:dns.records[5].name", /a CNAME cannot share its name/],
    ["a CNAME at the apex", (c) => c.dns.records.push({ name: "@", type: "CNAME", values: ["example.net"] }), "homeops:dns.records[5].type", /cannot be at the zone apex/],
    ["a zone the domain is not in", (c) => (c.dns.zone = "example.com"), "homeops:dns.zone", /certificates for sharmamohit.com are solved in this zone/],
    ["a TTL below a minute", (c) => (c.dns.records[0].ttl = 5), "homeops:dns.records[0].ttl", /expected number to be >=60/],
    ["an unknown provider", (c) => (c.dns.provider = "gandi"), "homeops:dns.provider", /Invalid option/],
    ["a Cloudflare token in plaintext", (c) => { cloudflare(c); c.dns.cloudflare.apiToken = "abc"; }, "homeops:dns.cloudflare.apiToken", /never a plain value/],
  ])("%s", (_kind, mutate, key, message) => {
    expect(broken(mutate)).toContainEqual({ key, message: expect.stringMatching(message) });
  });
});
