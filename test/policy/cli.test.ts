/**
 * `npm run policy -- check` through its command function in-process; as a process (reading
 * stdin, the exit code) in test/tools/processes.test.ts.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { policyCommand } from "../../policy/cli";
import { runCommand } from "../support/runCli";
import { GOOD_MANIFESTS } from "./fixtures/manifests";
import { vpsStack, withContainerOn } from "./fixtures/vps";

type Result = { code: number | null; stdout: string; stderr: string };

/** The command in this process, `stdin` as what `-` reads. */
async function run(args: string[], stdin = ""): Promise<Result> {
  const { status, stdout, stderr } = await runCommand((argv, output) => policyCommand(argv, output, async () => stdin), args);
  return { code: status, stdout, stderr };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-cli-"));
const write = (name: string, content: unknown) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
};
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The vps stack's plan and configuration, and a copy of the plan with LLDAP on Pangolin's network, as files (the tests run concurrently: each awaits them). */
const files = vpsStack().then((vps) => {
  const broken = withContainerOn(vps, "lldap", "pangolin-internal");
  return { vps: write("vps.json", vps.plan), broken: write("vps-broken.json", broken.plan), config: write("config.json", vps.config), resources: vps.plan.resources.length };
});


describe("npm run policy -- check", () => {
  test.concurrent("a plan that passes: exit 0 and a summary", async () => {
    const { vps, config, resources } = await files;
    const result = await run(["check", "--config", config, vps]);
    expect([result.code, result.stdout.trim()]).toEqual([0, `policy check: 0 violation(s), 0 mandatory, in ${resources} resource(s) from 1 input(s)`]);
  });

  test.concurrent("a plan with a mandatory violation: one line per violation and exit 1", async () => {
    const { broken, config, resources } = await files;
    const result = await run(["check", "--config", config, broken]);
    const lines = result.stdout.trim().split("\n");
    expect(result.code).toBe(1);
    expect(lines[0]).toMatch(/^\[mandatory\] docker-isolation-boundaries {2}aegis-identity\/lldap \(docker:index\/container:Container\): lldap \(zone identity\) is reachable over network pangolin-internal from internet-facing gerbil, pangolin-traefik/);
    expect(lines.at(-1)).toBe(`policy check: 1 violation(s), 1 mandatory, in ${resources} resource(s) from 1 input(s)`);
  });

  test.concurrent("clean manifests from stdin: exit 0", async () => {
    expect((await run(["check", "-"], GOOD_MANIFESTS)).code).toBe(0);
  });

  test.concurrent.each([
    ["a missing file", ["check", path.join(dir, "missing.yaml")], /cannot read .*missing\.yaml/],
    ["broken YAML", ["check", write("broken.yaml", "kind: Pod\n  metadata: [")], /broken\.yaml: /],
    ["a plan resource without a type", ["check", write("plan.json", { stack: "s", resources: [{ urn: "u", name: "n", inputs: {} }] })], /resources\[0\] needs urn, type, name and inputs/],
    ["an invalid pack configuration, every problem listed", ["check", "--config", write("bad-config.json", { "no-such-policy": {}, all: "loud", "docker-host-memory-capacity": { capacityMb: { h1: 0 } } }), write("empty-plan.json", { project: "homeops", stack: "vps", resources: [] })],
      /^invalid pack configuration .*bad-config\.json \(3 problems\):\n {2}unknown policies in the pack configuration: no-such-policy\n {2}all: "loud" is not an enforcement level .*\n {2}docker-host-memory-capacity: \/capacityMb\/h1 must be >= 1\n$/],
    ["no input", ["check"], /^usage: npm run policy -- check/],
  ])("%s: exit 2 with the reason on stderr", async (_, args, reason) => {
    const result = await run(args as string[]);
    expect([result.code, result.stdout]).toEqual([2, ""]);
    expect(result.stderr).toMatch(reason);
  });
});
