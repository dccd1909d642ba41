/**
 * The tests are split in two jest projects (jest.config.js): `npm test` runs the in-process
 * ones, `npm run test:processes` the process-boundary ones, `npm run test:all` both, and CI
 * runs `npm run test:all`. No test file may fall out of both.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../support/stackConfig";

interface Project {
  displayName: string;
  testMatch: string[];
  testPathIgnorePatterns?: string[];
}
const config = require(join(ROOT, "jest.config.js")) as { projects: Project[] };
const projectNamed = (name: string) => config.projects.find((project) => project.displayName === name)!;
const scripts = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
const inRoot = (pattern: string) => pattern.replace("<rootDir>/", "");

test("the process-boundary files exist, and are exactly the ones the in-process project leaves out", () => {
  const processSuites = projectNamed("processes").testMatch.map(inRoot);
  expect(processSuites.length).toBeGreaterThan(0);
  expect(processSuites.filter((file) => !existsSync(join(ROOT, file)))).toEqual([]);
  expect(projectNamed("in-process").testMatch).toEqual(["**/*.test.ts"]);
  expect(projectNamed("in-process").testPathIgnorePatterns?.map(inRoot)).toEqual(processSuites);
  expect(config.projects.map((project) => project.displayName).sort()).toEqual(["in-process", "processes"]);
});

test("npm test is the in-process project, test:processes the other, test:all both, each jest under the same node", () => {
  // node, its flags, then jest's own script: the workers jest forks take the flags (README, "Tests").
  const jest = /^node( --[a-z-]+(=\d+)?)* node_modules\/jest\/bin\/jest\.js/.exec(scripts["test:all"])?.[0];
  expect(jest).toBeDefined();
  expect(scripts.test).toBe(`${jest} --selectProjects in-process`);
  expect(scripts["test:processes"]).toBe(`${jest} --selectProjects processes`);
  expect(scripts["test:all"]).toBe(jest);
});

test("CI and .ci/run run every test, with the command the README gives", () => {
  expect(readFileSync(join(ROOT, ".ci", "run"), "utf8")).toMatch(/^npm run test:all$/m);
  expect(readFileSync(join(ROOT, ".github", "workflows", "ci.yml"), "utf8")).toMatch(/^\s+- run: npm run test:all$/m);
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  for (const command of ["npm test", "npm run test:processes", "npm run test:all"]) expect(readme).toContain(command);
});
