/**
 * `npm run plan`: as a process for what the process boundary decides (exit code, what
 * reaches stdout and stderr, no stack trace), the rest through its command function in-process.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { planCommand } from "../../tools/plan/cli";
import { runCommand, spawnTool, tempDir, writeStackFile } from "../support/runCli";
import { containerIn, copy, stackConfigData } from "../support/stackConfig";

const planProcess = (...args: string[]) => spawnTool("tools/plan/cli.ts", args);
const plan = (...args: string[]) => runCommand(planCommand, args);
const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);

test("as a process: prints the VPS tree with a summary and writes the plan; the command in-process prints the same", async () => {
  const dir = tempDir();
  const run = await planProcess("vps", "--json", join(dir, "plan.json"));
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/^\+ pulumi:pulumi:Stack\s+homeops-vps\s+create$/m);
  expect(run.stdout).toMatch(/^\+ .*└─ docker:index\/container:Container\s+aegis-periphery\/periphery\s+create\s+\[protect\]$/m);
  expect(run.stdout).toMatch(/Resources:\n\s+\+ 46 to create \(15 protected\)/);
  expect(JSON.parse(readFileSync(join(dir, "plan.json"), "utf8")).resources).toHaveLength(46);
  const inProcess = await plan("vps");
  expect(inProcess.status).toBe(0);
  expect(inProcess.stdout).toBe(run.stdout.replace(`\nPlan written to ${join(dir, "plan.json")}\n`, ""));
});

test("as a process: bad config fails with the key and the rule, exit 1, no stack trace", async () => {
  const config = copy(stackConfigData("vps"));
  containerIn(config, "lldap").networks = ["traefik-publik"];
  config.dockerHosts["racknerd-aegis"].memoryMb = 1024;
  const result = await planProcess("vps", "--config-file", writeStackFile(tempDir(), config));
  expect(result.status).toBe(1);
  expect(result.stderr).toContain("Invalid stack configuration (2 problems):");
  expect(result.stderr).toContain('homeops:dockerStacks[2].containers[0].networks[0]: unknown network "traefik-publik" on host racknerd-aegis');
  expect(result.stderr).toContain("homeops:dockerHosts.racknerd-aegis.memoryMb: containers on racknerd-aegis are limited to 3328 MB in total");
  expect(result.stdout).not.toContain("docker:index");
  noStackTrace(result.stderr);
});

test("a credential stored in plaintext in the stack file is refused", async () => {
  const result = await plan("vps", "--config-file", writeStackFile(tempDir(), stackConfigData("vps"), { "homeops:racknerdAegisNewtNewtSecret": "plain-text-secret" }));
  expect(result.status).toBe(1);
  expect(result.stderr).toContain("homeops:racknerdAegisNewtNewtSecret: is stored in plaintext; set it with `pulumi config set --secret racknerdAegisNewtNewtSecret <value>`");
  expect(result.stdout + result.stderr).not.toContain("plain-text-secret");
  noStackTrace(result.stderr);
});

test("an unknown stack and bad usage are reported plainly", async () => {
  const unknown = await plan("staging");
  expect(unknown.status).toBe(1);
  expect(unknown.stderr).toContain('No composition for stack "staging"');
  noStackTrace(unknown.stderr);
  expect((await plan()).status).toBe(2);
});

describe("the offline preview enforces the policy pack", () => {
  test("LLDAP attached to traefik-public fails, naming both containers and the network", async () => {
    const config = copy(stackConfigData("vps"));
    containerIn(config, "lldap").networks.push("traefik-public");
    const result = await plan("vps", "--config-file", writeStackFile(tempDir(), config));
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("[mandatory]  docker-isolation-boundaries");
    expect(result.stdout).toMatch(/lldap \(zone identity\) is reachable over network traefik-public from internet-facing aegis-crowdsec, gerbil/);
    expect(result.stdout).toMatch(/Policies: [1-9]\d* mandatory/);
  });

  test("writes the pack configuration the CLI needs, derived from the inventory", async () => {
    const file = join(tempDir(), "policy-config.json");
    expect((await plan("vps", "--policy-config", file)).status).toBe(0);
    const config = JSON.parse(readFileSync(file, "utf8"));
    expect(config["docker-host-memory-capacity"]).toEqual({ capacityMb: { "racknerd-aegis": 4096 } });
    expect(config["docker-published-ports-allowed"].allowedPorts["racknerd-aegis"]).toEqual(["80/tcp", "443/tcp", "51820/udp", "21820/udp"]);
    expect(config["host-network-allowed"].dockerContainers).toEqual(["pangolin-client-obs", "racknerd-aegis-alloy-alloy-1"]);
  });
});
