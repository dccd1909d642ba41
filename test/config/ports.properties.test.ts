/** Properties of the compose-style port parser, on generated specs. */
import fc from "fast-check";
import { portSchema } from "../../config/docker";
import type { DeclaredPort } from "../../policy/contract/docker";

const RUNS = { numRuns: 300 };

const port = fc.integer({ min: 1, max: 65535 });
const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((octets) => octets.join("."));
const protocol = fc.constantFrom("tcp" as const, "udp" as const);

/** `[ip:][external:]internal[/protocol]` with each optional part present or not. */
const spec = fc.record({ ip: fc.option(ipv4, { nil: undefined }), external: fc.option(port, { nil: undefined }), internal: port, protocol: fc.option(protocol, { nil: undefined }) });
const written = (parts: { ip?: string; external?: number | string; internal: number | string; protocol?: string }) =>
  `${parts.ip === undefined ? "" : `${parts.ip}:`}${parts.external === undefined ? "" : `${parts.external}:`}${parts.internal}${parts.protocol === undefined ? "" : `/${parts.protocol}`}`;

const parse = (text: string) => portSchema.safeParse(text);

test("a port spec parses to its parts, defaulting to 0.0.0.0, the internal port and tcp", () => {
  fc.assert(
    fc.property(spec, (parts) => {
      expect(parse(written(parts)).data).toEqual({ ip: parts.ip ?? "0.0.0.0", external: parts.external ?? parts.internal, internal: parts.internal, protocol: parts.protocol ?? "tcp" });
    }),
    RUNS,
  );
});

test("a parsed port prints back to an equivalent spec", () => {
  fc.assert(
    fc.property(spec, (parts) => {
      const parsed = parse(written(parts)).data as DeclaredPort;
      expect(parse(written(parsed)).data).toEqual(parsed);
    }),
    RUNS,
  );
});

test("a port outside 1-65535, in either position, is refused", () => {
  const outside = fc.oneof(fc.constant(0), fc.integer({ min: 65536, max: 99999 }));
  fc.assert(
    fc.property(spec, outside, fc.boolean(), (parts, bad, asExternal) => {
      const result = parse(written(asExternal ? { ...parts, external: bad } : { ...parts, internal: bad }));
      expect(result.success).toBe(false);
      expect(result.error?.issues[0].message).toMatch(/is not a port/);
    }),
    RUNS,
  );
});

test("a host address that is not an IPv4 address is refused", () => {
  const notAddress = fc.tuple(fc.nat(999), fc.nat(999), fc.nat(999), fc.nat(999)).filter((octets) => octets.some((octet) => octet > 255)).map((octets) => octets.join("."));
  fc.assert(
    fc.property(spec, notAddress, (parts, ip) => {
      expect(parse(written({ ...parts, ip })).success).toBe(false);
    }),
    RUNS,
  );
});
