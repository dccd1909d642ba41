/** Properties of the IPv4 parsers, on generated addresses and subnets over the whole address space. */
import fc from "fast-check";
import { ipv4ToNumber, isHostAddress, isInSubnet, parseSubnet } from "../../config/ipv4";

const RUNS = { numRuns: 300 };

/** Dotted quad from octets: the test's own printer, independent of the parser. */
const dotted = (value: number) => [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");

const address = fc.nat({ max: 2 ** 32 - 1 });

/** A subnet from any address with its host bits cleared by arithmetic (no bit operations). */
const subnet = fc.tuple(address, fc.integer({ min: 0, max: 32 })).map(([value, prefixLength]) => {
  const size = 2 ** (32 - prefixLength);
  return { first: value - (value % size), size, prefixLength };
});

/** A subnet and an address near one of its edges or anywhere, so both sides of each edge are tried. */
const subnetAndAddress = subnet.chain((range) => {
  const near = (edge: number) => fc.integer({ min: -2, max: 2 }).map((offset) => edge + offset);
  const around = fc.oneof(address, near(range.first), near(range.first + range.size - 1)).filter((value) => value >= 0 && value < 2 ** 32);
  return fc.record({ range: fc.constant(range), value: around });
});

test("an address prints and parses back to the same number", () => {
  fc.assert(fc.property(address, (value) => expect(ipv4ToNumber(dotted(value))).toBe(value)), RUNS);
});

test("a CIDR without host bits parses to its network and prefix length", () => {
  fc.assert(
    fc.property(subnet, ({ first, prefixLength }) => {
      expect(parseSubnet(`${dotted(first)}/${prefixLength}`)).toEqual({ network: first, prefixLength });
    }),
    RUNS,
  );
});

test("a CIDR with any host bit set is refused", () => {
  fc.assert(
    fc.property(subnet.filter(({ size }) => size > 1), fc.nat(), ({ first, size, prefixLength }, offset) => {
      const inside = first + 1 + (offset % (size - 1));
      expect(parseSubnet(`${dotted(inside)}/${prefixLength}`)).toBeUndefined();
    }),
    RUNS,
  );
});

test("every address of a CIDR is inside it and nothing outside is", () => {
  fc.assert(
    fc.property(subnetAndAddress, ({ range: { first, size, prefixLength }, value }) => {
      expect(isInSubnet(dotted(value), { network: first, prefixLength })).toBe(value >= first && value < first + size);
    }),
    RUNS,
  );
});

test("the host addresses of a CIDR are all its addresses but the first and last (all of them in /31 and /32)", () => {
  fc.assert(
    fc.property(subnetAndAddress, ({ range: { first, size, prefixLength }, value }) => {
      const inside = value >= first && value < first + size;
      const edge = value === first || value === first + size - 1;
      expect(isHostAddress(dotted(value), { network: first, prefixLength })).toBe(inside && (prefixLength >= 31 || !edge));
    }),
    RUNS,
  );
});

test("an octet above 255 is refused", () => {
  const octets = fc.array(fc.nat({ max: 999 }), { minLength: 4, maxLength: 4 }).filter((parts) => parts.some((octet) => octet > 255));
  fc.assert(
    fc.property(octets, fc.integer({ min: 0, max: 32 }), (parts, prefixLength) => {
      expect(() => ipv4ToNumber(parts.join("."))).toThrow(/not an IPv4 address/);
      expect(parseSubnet(`${parts.join(".")}/${prefixLength}`)).toBeUndefined();
    }),
    RUNS,
  );
});

test("a prefix length above 32 is refused, whatever the address", () => {
  fc.assert(
    fc.property(subnet, fc.integer({ min: 33, max: 99 }), ({ first }, prefixLength) => {
      expect(parseSubnet(`${dotted(first)}/${prefixLength}`)).toBeUndefined();
    }),
    RUNS,
  );
});
