/**
 * Jest transpiles only: tsconfig.json sets isolatedModules, so ts-jest transpiles each file
 * alone with the pinned TypeScript; `npm run typecheck` is the one type-check. ts-jest
 * rather than a native transformer: it is plain JavaScript, so `npm ci` needs no
 * platform-specific binary that a registry mirror may lack.
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  // A guard against a hang, not a speed check (test/support/runCli.ts, PROCESS_TIMEOUT_MS).
  testTimeout: 300_000,
  // Jest's default is one worker fewer than the cores, and on two cores that one worker runs
  // every file in turn: one worker per core keeps both busy.
  maxWorkers: "100%",
  // Loaded on first use rather than with the SDK in every file (test/support/lazyModule.ts).
  moduleNameMapper: {
    "^typescript$": "<rootDir>/test/support/lazy/typescript.ts",
    "^@npmcli/arborist$": "<rootDir>/test/support/lazy/arborist.ts",
  },
  // One offline preview per stack for the whole run (test/support/previews.ts).
  globalSetup: "<rootDir>/test/support/globalSetup.ts",
  globalTeardown: "<rootDir>/test/support/globalTeardown.ts",
};
