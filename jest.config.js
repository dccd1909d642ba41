/**
 * Jest transpiles only: tsconfig.json sets isolatedModules, so ts-jest transpiles each file
 * alone with the pinned TypeScript; `npm run typecheck` is the one type-check. ts-jest
 * rather than a native transformer: it is plain JavaScript, so `npm ci` needs no
 * platform-specific binary that a registry mirror may lack.
 *
 * Two projects (README, "Tests"): `in-process` is `npm test`, the edit-test loop; `processes`
 * (`npm run test:processes`) holds the files whose point is a process boundary: `npm test`
 * starts no process of a tool. `npm run test:all` (and `.ci/run`) runs both in one jest run.
 */

/** Test files that exist to cross a process boundary (each one's header says which). */
const PROCESS_SUITES = [
  // `npm run bench -- --tiny`: every measurement in a process of its own.
  "test/bench/benchSmoke.test.ts",
  // The program through @pulumi/pulumi/cmd/run, as the language host runs it (ts-node type-checks).
  "test/plan/runtimePath.test.ts",
  // The pack started as the CLI's analyzer plugin starts it, driven over gRPC.
  "test/policy/enginePreview.test.ts",
  // A copy of what `pulumi policy publish` uploads, started alone.
  "test/policy/standalone.test.ts",
  // Two previews, each in its own process, give the same bytes.
  "test/safety/determinism.test.ts",
  // `npm run up-sim -- --fail`: what reaches stderr when a create fails.
  "test/safety/failure.test.ts",
  // Each tool as a process: exit codes, stdout and stderr, stdin, the environment.
  "test/tools/processes.test.ts",
  // A program whose referenced stack lacks an output: what the user's process prints.
  "test/dns/vpsStackReference.test.ts",
];

const shared = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  // Each module compiled once per worker, still evaluated once per file (the file's header says why).
  runtime: "<rootDir>/test/support/codeCachingRuntime.js",
  // Loaded on first use rather than with the SDK in every file (test/support/lazyModule.ts).
  moduleNameMapper: {
    "^typescript$": "<rootDir>/test/support/lazy/typescript.ts",
    "^@npmcli/arborist$": "<rootDir>/test/support/lazy/arborist.ts",
  },
  // One offline preview per stack for the whole run (test/support/previews.ts); the same
  // module in both projects, so jest runs it once.
  globalSetup: "<rootDir>/test/support/globalSetup.ts",
  globalTeardown: "<rootDir>/test/support/globalTeardown.ts",
  // Each file's temporary folders go when it ends (test/support/tempDirs.ts).
  setupFilesAfterEnv: ["<rootDir>/test/support/afterEachFile.ts"],
};

module.exports = {
  // A guard against a hang, not a speed check (test/support/runCli.ts, PROCESS_TIMEOUT_MS).
  testTimeout: 300_000,
  // Jest's default is one worker fewer than the cores, and on two cores that one worker runs
  // every file in turn: one worker per core keeps both busy.
  maxWorkers: "100%",
  projects: [
    { ...shared, displayName: "in-process", testMatch: ["**/*.test.ts"], testPathIgnorePatterns: PROCESS_SUITES.map((file) => `<rootDir>/${file}`) },
    { ...shared, displayName: "processes", testMatch: PROCESS_SUITES.map((file) => `<rootDir>/${file}`) },
  ],
};
