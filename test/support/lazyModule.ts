/**
 * The SDK (`@pulumi/pulumi`) requires TypeScript's compiler and npm's Arborist as it loads, but
 * uses them only to serialize a function (a dynamic provider's code). Loading them costs
 * over a second of CPU in every test file that loads the SDK, since jest gives each file
 * modules of its own. jest.config.js maps both to a stand-in from here, which loads the real
 * module (the copy the SDK would resolve) the first time one of its exports is used.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/** Node's resolution of a package from the SDK's folder; by path, so that jest's mapping does not apply. */
function packageFolderSeenBySdk(name: string): string {
  for (let dir = dirname(require.resolve("@pulumi/pulumi/package.json")); dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} is not installed where @pulumi/pulumi would find it`);
}

export function lazyModule(name: string): object {
  const folder = packageFolderSeenBySdk(name);
  let real: Record<PropertyKey, unknown> | undefined;
  const load = () => (real ??= require(folder) as Record<PropertyKey, unknown>);
  return new Proxy(
    {},
    {
      // TypeScript's import helpers return a module marked __esModule as it is, where they
      // would otherwise copy (and so load) every export at import time.
      get: (_, key) => (key === "__esModule" ? true : load()[key]),
      has: (_, key) => key in load(),
      ownKeys: () => Reflect.ownKeys(load()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
}
