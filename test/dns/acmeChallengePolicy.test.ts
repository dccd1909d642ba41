import { acmeChallengePolicy } from "../../components/dns/acmeChallengeUser";

/**
 * A small evaluator of the IAM features the policy uses (Allow statements, exact and
 * `*`-suffixed resources, ForAllValues:StringEquals / StringLike conditions), enough to ask
 * what a request is allowed to do. Anything not allowed is denied, as in IAM.
 */
interface Request {
  action: string;
  resource: string;
  context?: Record<string, string[]>;
}

const like = (pattern: string, value: string) => new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`).test(value);

function allowed(policy: ReturnType<typeof acmeChallengePolicy>, request: Request): boolean {
  return policy.Statement.some((statement) => {
    const conditions = "Condition" in statement ? (statement.Condition as Record<string, Record<string, string[]>>) : {};
    const matchesConditions = Object.entries(conditions).every(([operator, keys]) =>
      Object.entries(keys).every(([key, patterns]) =>
        (request.context?.[key] ?? []).every((value) => patterns.some((pattern) => (operator.endsWith("StringLike") ? like(pattern, value) : pattern === value))),
      ),
    );
    return statement.Effect === "Allow" && statement.Action === request.action && like(statement.Resource, request.resource) && matchesConditions;
  });
}

const policy = acmeChallengePolicy("Z0123456789", "sharmamohit.com");
const zone = "arn:aws:route53:::hostedzone/Z0123456789";
const change = (names: string[], types: string[], resource = zone): Request => ({
  action: "route53:ChangeResourceRecordSets",
  resource,
  context: { "route53:ChangeResourceRecordSetsNormalizedRecordNames": names, "route53:ChangeResourceRecordSetsRecordTypes": types },
});

test("the ACME challenge records of the zone may change: the apex's and a subdomain's", () => {
  expect(allowed(policy, change(["_acme-challenge.sharmamohit.com"], ["TXT"]))).toBe(true);
  expect(allowed(policy, change(["_acme-challenge.proxy.sharmamohit.com"], ["TXT"]))).toBe(true);
});

test("nothing else changes: another record type, another name, another zone", () => {
  expect(allowed(policy, change(["_acme-challenge.sharmamohit.com"], ["A"]))).toBe(false);
  expect(allowed(policy, change(["sharmamohit.com"], ["TXT"]))).toBe(false);
  expect(allowed(policy, change(["www.sharmamohit.com", "_acme-challenge.sharmamohit.com"], ["TXT"]))).toBe(false);
  expect(allowed(policy, change(["_acme-challenge.other.example"], ["TXT"]))).toBe(false);
  expect(allowed(policy, change(["_acme-challenge.sharmamohit.com"], ["TXT"], "arn:aws:route53:::hostedzone/ZOTHER"))).toBe(false);
});

test("reads are limited to the zone's records and the change the client submitted; no zone lookups or admin", () => {
  expect(allowed(policy, { action: "route53:ListResourceRecordSets", resource: zone })).toBe(true);
  expect(allowed(policy, { action: "route53:GetChange", resource: "arn:aws:route53:::change/C123" })).toBe(true);
  expect(allowed(policy, { action: "route53:ListHostedZones", resource: "*" })).toBe(false);
  expect(allowed(policy, { action: "route53:DeleteHostedZone", resource: zone })).toBe(false);
  expect(policy.Statement.map((statement) => statement.Resource)).toEqual([zone, zone, "arn:aws:route53:::change/*"]);
});
