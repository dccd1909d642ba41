import { Provider as AwsProvider } from "@pulumi/aws/provider";
import { Provider as CloudflareProvider } from "@pulumi/cloudflare/provider";
import * as pulumi from "@pulumi/pulumi";
import { AcmeChallengeUser } from "../../components/dns/acmeChallengeUser";
import { DnsZone } from "../../components/dns/dnsZone";
import { publicAddressOf, vpsAddressResolver } from "../../components/dns/vpsAddresses";
import { SECRET_PLACEHOLDER, type PlannedResource } from "../../policy/contract/plan";
import { recordProgram } from "../platform/recordProgram";
import { planIndex } from "../support/planIndex";

let resources: PlannedResource[];
let plan: ReturnType<typeof planIndex>;
let acmeUser: AcmeChallengeUser;

beforeAll(async () => {
  resources = await recordProgram(() => {
    const aws = new AwsProvider("dns", { region: "us-east-1" });
    // The offline preview reads the referenced stack from Pulumi.vps.yaml beside this repository's.
    const vps = vpsAddressResolver({ fromStack: "organization/homeops/vps" }, {});
    const zone = new DnsZone("example.com", {
      connection: { kind: "route53", provider: aws },
      zone: "example.com",
      existingZoneId: "Z0EXISTING",
      records: [
        { name: "*", type: "A", values: [{ key: "192.168.11.90", value: "192.168.11.90" }], ttl: 300 },
        { name: "proxy", type: "A", values: [{ key: "vps-racknerd-aegis", value: vps("racknerd-aegis") }], ttl: 300 },
      ],
    });
    acmeUser = new AcmeChallengeUser("cert-manager", { hostedZoneId: zone.zoneId, zone: "example.com", consumer: "cert-manager" }, { provider: aws });
    const cloudflare = new CloudflareProvider("dns", { apiToken: pulumi.secret("token-test") });
    new DnsZone("example.net", {
      connection: { kind: "cloudflare", provider: cloudflare, accountId: "0123456789abcdef0123456789abcdef" },
      zone: "example.net",
      records: [{ name: "www", type: "A", values: [{ key: "198.51.100.1", value: "198.51.100.1" }, { key: "198.51.100.2", value: "198.51.100.2" }], ttl: 600, proxied: true }],
    });
  });
  plan = planIndex(resources);
});

describe("Route53", () => {
  // The adoption (`import` of existingZoneId) is a request option the offline recorder does not keep.
  test("the zone is protected, and an adopted zone's comment is left as it is", () => {
    const zone = plan.named("aws:route53/zone:Zone", "example.com");
    expect(zone).toMatchObject({ protect: true, inputs: { name: "example.com" } });
    expect(zone.ignoreChanges).toEqual(["comment"]);
  });

  test("records hold their values, the VPS address read from the vps stack's outputs", () => {
    const record = (name: string) => plan.named("aws:route53/record:Record", name).inputs;
    expect(record("example.com/*/A")).toMatchObject({ name: "*.example.com", type: "A", ttl: 300, records: ["192.168.11.90"] });
    expect(record("example.com/proxy/A")).toMatchObject({ records: ["23.94.73.98"] });
    const zone = plan.named("aws:route53/zone:Zone", "example.com");
    expect(plan.named("aws:route53/record:Record", "example.com/proxy/A").propertyDependencies.zoneId).toEqual([zone.urn]);
  });

  test("the ACME user's policy is scoped to the zone's id, and its secret key stays secret", () => {
    const policy = JSON.parse(plan.named("aws:iam/userPolicy:UserPolicy", "cert-manager").inputs.policy as string);
    expect(policy.Statement[0].Resource).toMatch(/^arn:aws:route53:::hostedzone\/Z[0-9A-F]+$/);
    expect(plan.named("aws:iam/userPolicy:UserPolicy", "cert-manager").propertyDependencies.policy).toEqual([plan.named("aws:route53/zone:Zone", "example.com").urn]);
    expect(plan.named("aws:iam/user:User", "cert-manager").inputs).toMatchObject({ name: "acme-dns01-cert-manager", path: "/homeops/" });
    expect(plan.named("aws:iam/accessKey:AccessKey", "cert-manager").inputs.user).toBe("acme-dns01-cert-manager");
  });

  test("the ACME user's secret access key is a secret Output", async () => {
    expect(await pulumi.isSecret(acmeUser.secretAccessKey)).toBe(true);
    expect(await pulumi.isSecret(acmeUser.accessKeyId)).toBe(false);
  });

  test("every resource uses the explicit provider", () => {
    const [aws] = plan.ofType("pulumi:providers:aws");
    for (const resource of resources.filter((candidate) => candidate.type.startsWith("aws:"))) expect(resource.provider).toBe(aws.urn);
  });
});

describe("Cloudflare", () => {
  test("the same kind of records, one per value, proxied with the automatic TTL", () => {
    const zone = plan.named("cloudflare:index/zone:Zone", "example.net");
    expect(zone).toMatchObject({ protect: true, inputs: { name: "example.net", account: { id: "0123456789abcdef0123456789abcdef" }, type: "full" } });
    const records = plan.ofType("cloudflare:index/dnsRecord:DnsRecord");
    expect(records.map((record) => [record.name, record.inputs.content, record.inputs.ttl, record.inputs.proxied])).toEqual([
      ["example.net/www/A/198.51.100.1", "198.51.100.1", 1, true],
      ["example.net/www/A/198.51.100.2", "198.51.100.2", 1, true],
    ]);
  });

  test("the provider's token is secret", () => {
    expect(plan.named("pulumi:providers:cloudflare", "dns").inputs.apiToken).toBe(SECRET_PLACEHOLDER);
  });
});

test("a vps stack without the host's address is an error that says what to do", () => {
  expect(publicAddressOf({ "racknerd-aegis": { address: "23.94.73.98" } }, "racknerd-aegis", "o/p/vps")).toBe("23.94.73.98");
  expect(() => publicAddressOf({}, "racknerd-aegis", "o/p/vps")).toThrow(/the stack o\/p\/vps exports no IPv4 address for Docker host "racknerd-aegis".*fromConfig/);
});
