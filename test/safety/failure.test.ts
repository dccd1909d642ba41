/**
 * A failed create during `up`, simulated under the offline mocks (`npm run up-sim -- <stack>
 * --fail <resource>`): the user sees the resource, its type, the host or Proxmox node behind
 * it and what to do next, not a stack trace.
 */
import { type CliRun, inPool, PROCESS_TIMEOUT_MS, spawnTool, expectNoStackTrace } from "../support/runCli";
import { stackConfigData } from "../support/stackConfig";

const vps = stackConfigData("vps");
const homelab = stackConfigData("homelab");

// The VPS container that runs Komodo's agent, on the VPS's Docker host (reached over SSH);
// its stack names it.
const vpsStack = vps.dockerStacks.find((stack: { containers: { name: string }[] }) => stack.containers.some((c) => c.name === "periphery"));
const vpsHost = vps.dockerHosts[vpsStack.host];
const vpsHostName: string = vpsStack.host;
const vpsResource = `${vpsStack.name}/periphery`;
// The homelab's first VM, on its Proxmox node.
const [[vmName, vm]] = Object.entries(homelab.proxmoxVms as Record<string, { node: string }>);

const runs: Record<string, CliRun> = {};
beforeAll(async () => {
  const sims: [string, string[]][] = [
    ["docker", ["vps", "--fail", vpsResource]],
    ["proxmox", ["homelab", "--fail", `VmLegacy::${vmName}`]],
    ["unknown", ["vps", "--fail", "no-such-resource"]],
  ];
  await inPool(sims.map(([label, args]) => async () => void (runs[label] = await spawnTool("tools/bench/upSim.ts", args))));
}, 2 * PROCESS_TIMEOUT_MS);

const nextSteps = (text: string, stack: string) => {
  expect(text).toContain(`pulumi refresh --stack ${stack}`);
  expect(text).toContain(`pulumi up --stack ${stack} --continue-on-error`);
};

test("an unreachable Docker host: the container, its type, the host and how Pulumi reaches it, what to do", () => {
  const run = runs.docker;
  expect(run.status).toBe(1);
  expect(run.stderr).toContain(`docker:index/container:Container (${vpsResource})`);
  expect(run.stderr).toContain(`ssh://${vpsHost.sshUser}@${vpsHost.address}:${vpsHost.sshPort}`);
  expect(run.stderr).toContain(`Docker host ${vpsHostName}`);
  // Pulumi's path to the VPS is its own sshd, not the tunnel it manages.
  expect(run.stderr).toContain(`ssh -p ${vpsHost.sshPort} ${vpsHost.sshUser}@${vpsHost.address}`);
  expect(run.stderr).toMatch(/tunnel/);
  nextSteps(run.stderr, "vps");
  expectNoStackTrace(run.stdout + run.stderr);
});

test("a refused Proxmox call: the VM, its type, its Proxmox node and the API, what to do", () => {
  const run = runs.proxmox;
  expect(run.status).toBe(1);
  expect(run.stderr).toContain(`proxmoxve:index/vmLegacy:VmLegacy (${vmName})`);
  expect(run.stderr).toContain(`Proxmox node ${vm.node} (${homelab.proxmox.nodes[vm.node].address})`);
  expect(run.stderr).toContain(homelab.proxmox.endpoint);
  expect(run.stderr).toMatch(/connection refused/);
  nextSteps(run.stderr, "homelab");
  expectNoStackTrace(run.stdout + run.stderr);
});

test("a resource that does not exist is named as such, with close names", () => {
  expect(runs.unknown.status).toBe(2);
  expect(runs.unknown.stderr).toMatch(/no-such-resource/);
  expectNoStackTrace(runs.unknown.stdout + runs.unknown.stderr);
});
