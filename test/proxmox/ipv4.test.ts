import { ipv4ToNumber, isHostAddress, isInSubnet, parseSubnet } from "../../config/ipv4";

test("subnets parse only without host bits", () => {
  expect(parseSubnet("192.168.11.0/24")).toEqual({ network: ipv4ToNumber("192.168.11.0"), prefixLength: 24 });
  expect(parseSubnet("10.0.0.0/8")?.prefixLength).toBe(8);
  expect(parseSubnet("0.0.0.0/0")).toEqual({ network: 0, prefixLength: 0 });
  for (const bad of ["192.168.11.1/24", "192.168.11.0", "192.168.11.0/33", "192.168.11.0/24/1", "300.1.1.0/24", "fe80::/64"]) {
    expect(parseSubnet(bad)).toBeUndefined();
  }
});

test("membership works above 128.0.0.0, where 32-bit signed arithmetic would break", () => {
  const lan = parseSubnet("192.168.11.0/24")!;
  expect(isInSubnet("192.168.11.200", lan)).toBe(true);
  expect(isInSubnet("192.168.12.1", lan)).toBe(false);
  expect(isInSubnet("10.0.0.1", parseSubnet("0.0.0.0/0")!)).toBe(true);
});

test("network and broadcast addresses are not host addresses, except in /31 and /32", () => {
  const lan = parseSubnet("192.168.11.0/24")!;
  expect(isHostAddress("192.168.11.0", lan)).toBe(false);
  expect(isHostAddress("192.168.11.255", lan)).toBe(false);
  expect(isHostAddress("192.168.11.1", lan)).toBe(true);
  expect(isHostAddress("10.0.0.1", parseSubnet("10.0.0.0/31")!)).toBe(true);
  expect(isHostAddress("10.0.0.7", parseSubnet("10.0.0.7/32")!)).toBe(true);
});

test("a non-address is refused loudly", () => {
  expect(() => ipv4ToNumber("192.168.11")).toThrow(/not an IPv4 address/);
});
