/**
 * `npm run plan` through its command function in-process; as a process (exit code, what
 * reaches stdout and stderr, no stack trace) in test/tools/processes.test.ts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { planCommand } from "../../tools/plan/cli";
import { runCommand, writeStackFile, expectNoStackTrace } from "../support/runCli";
import { tempDir } from "../support/tempDirs";
import { containerIn, stackConfigData } from "../support/stackConfig";

const plan = (...args: string[]) => runCommand(planCommand, args);

test("a credential stored in plaintext in the stack file is refused", async () => {
  const result = await plan("vps", "--config-file", writeStackFile(tempDir(), stackConfigData("vps"), { "homeops:racknerdAegisNewtNewtSecret": "plain-text-secret" }));
  expect(result.status).toBe(1);
  expect(result.stderr).toContain("homeops:racknerdAegisNewtNewtSecret: is stored in plaintext; set it with `pulumi config set --secret racknerdAegisNewtNewtSecret <value>`");
  expect(result.stdout + result.stderr).not.toContain("plain-text-secret");
  expectNoStackTrace(result.stderr);
});

test("an unknown stack and bad usage are reported plainly", async () => {
  const unknown = await plan("staging");
  expect(unknown.status).toBe(1);
  expect(unknown.stderr).toContain('No composition for stack "staging"');
  expectNoStackTrace(unknown.stderr);
  expect((await plan()).status).toBe(2);
});

describe("the offline preview enforces the policy pack", () => {
  test("LLDAP attached to traefik-public fails, naming both containers and the network", async () => {
    const config = stackConfigData("vps");
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
