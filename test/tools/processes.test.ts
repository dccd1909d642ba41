/**
 * Each repository tool as a user runs it, in a process of its own: what the process boundary
 * decides (the exit code, what reaches stdout and stderr, stdin, the environment, no stack
 * trace). Everything else about the tools runs through their command functions, in-process,
 * in each tool's own test file (`npm test`); these are in `npm run test:processes`.
 */
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { adoptCommand } from "../../tools/adopt/cli";
import { planCommand } from "../../tools/plan/cli";
import type { Plan } from "../../policy/contract/plan";
import { ID_PLACEHOLDER, type ImportFile } from "../../tools/plan/importFile";
import { fakeProxmoxApi, pve03Routes } from "../adopt/fakeProxmoxApi";
import { BAD_POD, GOOD_MANIFESTS } from "../policy/fixtures/manifests";
import { runCommand, spawnTool, writeStackFile, expectNoStackTrace } from "../support/runCli";
import { tempDir } from "../support/tempDirs";
import { containerIn, stackConfigData } from "../support/stackConfig";


describe("npm run plan", () => {
  const planProcess = (...args: string[]) => spawnTool("tools/plan/cli.ts", args);

  test("prints the VPS tree with a summary and writes the plan; the command in-process prints the same", async () => {
    const dir = tempDir();
    const run = await planProcess("vps", "--json", join(dir, "plan.json"));
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^\+ pulumi:pulumi:Stack\s+homeops-vps\s+create$/m);
    expect(run.stdout).toMatch(/^\+ .*└─ docker:index\/container:Container\s+aegis-periphery\/periphery\s+create\s+\[protect\]$/m);
    const { resources } = JSON.parse(readFileSync(join(dir, "plan.json"), "utf8")) as Plan;
    expect(resources).toHaveLength(46);
    const protectedCount = resources.filter((resource) => resource.protect).length;
    expect(run.stdout).toMatch(new RegExp(`Resources:\\n\\s+\\+ 46 to create \\(${protectedCount} protected\\)`));
    const inProcess = await runCommand(planCommand, ["vps"]);
    expect(inProcess.status).toBe(0);
    expect(inProcess.stdout).toBe(run.stdout.replace(`\nPlan written to ${join(dir, "plan.json")}\n`, ""));
  });

  test.each([
    ["plan", /^\nerror: error serializing property "machineConfig": the config generator failed\n/],
    ["diagrams", /^error: error serializing property "machineConfig": the config generator failed\n$/],
  ])("%s: a program that stops with resources waiting on a failed apply exits 1 with the failure, not 0 in silence", async (tool, message) => {
    const run = await spawnTool("test/tools/programs/stalledRun.ts", [tool]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(message);
  });

  test("bad config fails with the key and the rule, exit 1, no stack trace", async () => {
    const config = stackConfigData("vps");
    containerIn(config, "lldap").networks = ["traefik-publik"];
    config.dockerHosts["racknerd-aegis"].memoryMb = 1024;
    const result = await planProcess("vps", "--config-file", writeStackFile(tempDir(), config));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Invalid stack configuration (2 problems):");
    expect(result.stderr).toContain('homeops:dockerStacks[2].containers[0].networks[0]: unknown network "traefik-publik" on host racknerd-aegis');
    expect(result.stderr).toContain("homeops:dockerHosts.racknerd-aegis.memoryMb: containers on racknerd-aegis are limited to 3328 MB in total");
    expect(result.stdout).not.toContain("docker:index");
    expectNoStackTrace(result.stderr);
  });
});

describe("npm run policy -- check", () => {
  test("manifests from stdin, combined with a file, with --json for machines", async () => {
    const manifests = join(tempDir(), "good.yaml");
    writeFileSync(manifests, GOOD_MANIFESTS);
    const result = await spawnTool("policy/cli.ts", ["check", "--json", manifests, "-"], { input: BAD_POD });
    const output = JSON.parse(result.stdout);
    expect(result.status).toBe(1);
    expect(output.summary).toEqual({ inputs: 2, resources: 4, violations: 1, mandatory: 1, advisory: 0 });
    expect(output.violations[0]).toMatchObject({ source: "manifests", policyName: "kubernetes-memory-limits", name: "monitoring/badpod", type: "kubernetes:core/v1:Pod" });
  });
});

describe("npm run adopt", () => {
  const ESTATE = "test/references/estate";

  test("the entries on stdout, what it cannot map on stderr, exit 1; the same as the command in-process", async () => {
    const args = ["--komodo", `${ESTATE}/docker/komodo-resources/stacks-komodo.toml`, "--root", ESTATE];
    const run = await spawnTool("tools/adopt/cli.ts", args);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("unmapped: test/references/estate/docker/stacks/komodo/core/compose.yaml: services.core.image: uses ${KOMODO_VERSION}");
    expectNoStackTrace(run.stderr);
    const inProcess = await runCommand(adoptCommand, args);
    expect({ stdout: run.stdout, stderr: run.stderr }).toEqual({ stdout: inProcess.stdout, stderr: inProcess.stderr });
  });
});

describe("npm run diagrams", () => {
  test("a stack without a composition is its message on stderr, exit 1, no stack trace", async () => {
    const refused = await spawnTool("tools/diagrams/cli.ts", ["staging", "--out", tempDir()]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('error: No composition for stack "staging"');
    expectNoStackTrace(refused.stderr);
  });
});

describe("npm run import-ids", () => {
  test("fills container and network ids from docker inspect over the provider's ssh, and lists what it did not find", async () => {
    const dir = tempDir();
    // A fake ssh on PATH: logs its arguments and answers like docker inspect on the VPS.
    writeFileSync(
      join(dir, "ssh"),
      `#!/bin/sh
echo "$@" >> "${join(dir, "ssh.log")}"
case "$*" in
  *"container inspect"*) echo "/lldap 1111"; echo "/pocketid 2222"; echo "Error: No such container: gone" >&2; exit 1 ;;
  *"network inspect"*) echo "pangolin-internal 3333" ;;
esac
`,
    );
    chmodSync(join(dir, "ssh"), 0o755);
    const importFile = join(dir, "import.json");
    const placeholder = (type: string, name: string) => ({ type, name, id: ID_PLACEHOLDER, provider: "docker:racknerd-aegis" });
    writeFileSync(
      importFile,
      JSON.stringify({
        nameTable: { "docker:racknerd-aegis": "urn:provider" },
        resources: [
          placeholder("docker:index/container:Container", "aegis-identity/lldap"),
          placeholder("docker:index/container:Container", "aegis-identity/pocketid"),
          placeholder("docker:index/container:Container", "aegis-gateway/gone"),
          placeholder("docker:index/network:Network", "racknerd-aegis/pangolin-internal"),
          { type: "docker:index/volume:Volume", name: "racknerd-aegis/v", id: "v" },
        ],
      }),
    );
    const run = await spawnTool("tools/plan/importIds.ts", [importFile, "--stack", "vps"], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
    expect(run.stderr).toContain("not found: aegis-gateway/gone (no container of that name on racknerd-aegis)");
    expect(run.status).toBe(1);
    const filled = JSON.parse(readFileSync(importFile, "utf8")) as ImportFile;
    expect(filled.resources.map((resource) => resource.id)).toEqual(["1111", "2222", ID_PLACEHOLDER, "3333", "v"]);
    // The same path as the provider: the VPS's sshd on 2244 with the stack file's options.
    expect(readFileSync(join(dir, "ssh.log"), "utf8").trim().split("\n")).toEqual([
      "-p 2244 -o ServerAliveInterval=30 -o ConnectTimeout=15 root@23.94.73.98 docker container inspect --format '{{.Name}} {{.Id}}' lldap pocketid gone",
      "-p 2244 -o ServerAliveInterval=30 -o ConnectTimeout=15 root@23.94.73.98 docker network inspect --format '{{.Name}} {{.Id}}' pangolin-internal",
    ]);
  });
});

describe("npm run adopt -- proxmox", () => {
  test("the token from the environment, a refused call as one line, exit 1, no stack trace, the token nowhere", async () => {
    const token = "homeops@pve!adopt=0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";
    const routes = { ...pve03Routes(), "/nodes/pve03/lxc/201/config": { status: 403, reason: "Permission check failed (/vms/201, VM.Audit)" } };
    const api = await fakeProxmoxApi(routes);
    try {
      const run = await spawnTool("tools/adopt/cli.ts", ["proxmox", "--endpoint", api.url], { env: { ...process.env, PROXMOX_VE_API_TOKEN: token } });
      expect(run.status).toBe(1);
      expect(run.stderr).toBe("error: GET /nodes/pve03/lxc/201/config: 403 Permission check failed (/vms/201, VM.Audit): the token lacks a privilege on that path (VM.Audit on the guests, Datastore.Audit on the storages, Sys.Audit on the nodes); a token with privilege separation needs its own ACL\n");
      expect(api.authorizations[0]).toBe(`PVEAPIToken=${token}`);
      expect(run.stdout + run.stderr).not.toContain(token.split("=")[1]);
      expectNoStackTrace(run.stdout + run.stderr);
    } finally {
      await api.close();
    }
  });
});
