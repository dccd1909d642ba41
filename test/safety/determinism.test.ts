/** Two offline previews of each stack, each in its own process, print the same and write byte-identical plans. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type CliRun, inPool, PROCESS_TIMEOUT_MS, spawnTool } from "../support/runCli";
import { tempDir } from "../support/tempDirs";
import { ROOT } from "../support/stackConfig";

const stacks = readdirSync(ROOT).flatMap((file) => /^Pulumi\.([^.]+)\.yaml$/.exec(file)?.[1] ?? []).sort();
const dir = tempDir();
const runs = new Map<string, CliRun>();
const planFile = (stack: string, run: number) => join(dir, `${stack}-${run}.json`);

beforeAll(async () => {
  await inPool(stacks.flatMap((stack) => [1, 2].map((run) => async () => runs.set(`${stack}-${run}`, await spawnTool("tools/plan/cli.ts", [stack, "--json", planFile(stack, run)])))));
}, 2 * PROCESS_TIMEOUT_MS);

test("every stack with a settings file is previewed", () => {
  expect(stacks).toEqual(expect.arrayContaining(["homelab", "vps"]));
});

test.each(stacks)("%s: two previews print the same and write the same bytes", (stack) => {
  for (const run of [1, 2]) {
    // The plan is written before the policies are evaluated: a policy verdict does not matter here.
    expect({ run, written: existsSync(planFile(stack, run)), stderr: runs.get(`${stack}-${run}`)?.stderr.slice(0, 300) }).toMatchObject({ run, written: true });
  }
  const [firstOutput, secondOutput] = [1, 2].map((run) => runs.get(`${stack}-${run}`)!.stdout.replace(planFile(stack, run), "<plan file>"));
  expect(secondOutput).toBe(firstOutput);
  const [first, second] = [1, 2].map((run) => readFileSync(planFile(stack, run), "utf8"));
  expect(JSON.parse(first).resources.length).toBeGreaterThan(1);
  const [a, b] = [first.split("\n"), second.split("\n")];
  const line = Math.max(a.findIndex((text, index) => text !== b[index]), a.length === b.length ? -1 : Math.min(a.length, b.length));
  expect({ firstDifferentLine: line, first: a[line], second: b[line] }).toEqual({ firstDifferentLine: -1, first: undefined, second: undefined });
});
