/**
 * Bad stack configurations through the plan command (`npm run plan -- <stack> --config-file
 * <bad>`, run in-process; test/plan/planCli.test.ts runs it as a process): each is refused
 * before any resource is registered, with exit code 1, one message naming the config key and
 * the rule, and no stack trace.
 */
import { planCommand } from "../../tools/plan/cli";
import { type CliRun, runCommand, STACK_FRAME, writeStackFile } from "../support/runCli";
import { tempDir } from "../support/tempDirs";
import { badConfigs } from "./badConfigs";

const cases = badConfigs();
const runs = new Map<string, CliRun>();

beforeAll(async () => {
  for (const bad of cases) runs.set(bad.kind, await runCommand(planCommand, [bad.stack, "--config-file", writeStackFile(tempDir(), bad.config)]));
});

test("the corpus covers at least 15 kinds of mistake, in both stacks", () => {
  expect(new Set(cases.map((bad) => bad.kind)).size).toBe(cases.length);
  expect(cases.length).toBeGreaterThanOrEqual(15);
  expect(new Set(cases.map((bad) => bad.stack))).toEqual(new Set(["vps", "homelab"]));
});

describe.each(cases.map((bad) => [bad.kind, bad] as const))("%s", (_kind, bad) => {
  const run = () => runs.get(bad.kind)!;
  /** Lines of the form `  <config key>: <what is wrong>`. */
  const issueLines = () => run().stderr.split("\n").filter((line) => /^\s+homeops:\S*: /.test(line));

  test("exits 1 with exactly one message, naming the key and the rule", () => {
    expect(run().status).toBe(1);
    expect(issueLines()).toHaveLength(1);
    const [line] = issueLines();
    const [key, ...message] = line.trim().split(": ");
    expect(key).toBe(bad.key);
    expect(message.join(": ")).toMatch(bad.rule);
  });

  test("before any resource is registered, and without a stack trace", () => {
    expect(run().stdout).not.toMatch(/^\+ /m);
    expect(run().stdout).not.toContain("Resources:");
    expect(run().stdout + run().stderr).not.toMatch(STACK_FRAME);
  });
});
