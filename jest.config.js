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
  testTimeout: 60000,
};
