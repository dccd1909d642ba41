/**
 * The provider-computed attributes the offline plan leaves unknown, read from the SDKs'
 * declarations (tools/plan/computedAttributes.ts), and the on-disk cache of what was read.
 */
import { computedShape } from "../../tools/plan/computedAttributes";

const shapeFacts = (type: string, nestedIn?: string) => {
  const shape = computedShape(type);
  const level = nestedIn ? shape.nested.get(nestedIn)!() : shape;
  return { computed: [...level.computed].sort(), nested: [...level.nested.keys()].sort() };
};

test("docker's Network: the driver, scope and options the provider returns when the program leaves them out are computed; labels, which it may leave out, are not", () => {
  const { computed } = shapeFacts("docker:index/network:Network");
  expect(computed).toEqual(expect.arrayContaining(["driver", "options", "scope"]));
  expect(computed).not.toContain("labels");
});

test("docker's Container: a port's external port is computed, its ip (the provider's default 0.0.0.0) is not", () => {
  const ports = shapeFacts("docker:index/container:Container", "ports");
  expect(ports.computed).toContain("external");
  expect(ports.computed).not.toContain("ip");
  expect(ports.computed).not.toContain("internal");
});

test("what was read is cached on disk: the module loaded afresh (as by a new process) reads the same shapes without TypeScript", () => {
  const types = ["docker:index/network:Network", "docker:index/container:Container", "proxmoxve:index/vmLegacy:VmLegacy", "proxmoxve:network/linux/bridge:Bridge"];
  const parsed = types.map((type) => shapeFacts(type));
  const parsedPorts = shapeFacts("docker:index/container:Container", "ports");
  jest.isolateModules(() => {
    jest.doMock("typescript", () => new Proxy({}, { get: (_, key) => (key === "__esModule" ? true : fail(`TypeScript used for ${String(key)}`)) }));
    const fresh = require("../../tools/plan/computedAttributes") as typeof import("../../tools/plan/computedAttributes");
    const facts = (type: string, nestedIn?: string) => {
      const shape = fresh.computedShape(type);
      const level = nestedIn ? shape.nested.get(nestedIn)!() : shape;
      return { computed: [...level.computed].sort(), nested: [...level.nested.keys()].sort() };
    };
    expect(types.map((type) => facts(type))).toEqual(parsed);
    expect(facts("docker:index/container:Container", "ports")).toEqual(parsedPorts);
  });
});

function fail(message: string): never {
  throw new Error(message);
}
