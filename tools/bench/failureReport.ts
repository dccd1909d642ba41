import type { FailureTarget, SimulatedFailure } from "./providerErrors";

export interface FailureContext {
  stack: string;
  failure: SimulatedFailure;
  /** Resources the run created before and around the failure. */
  created: number;
  /** Creates that never started because the update stopped. */
  notStarted: number;
  continueOnError: boolean;
}

function where(target: FailureTarget): string {
  switch (target.kind) {
    case "docker-host":
      return `Docker host ${target.provider}, which Pulumi reaches over SSH as ${target.url} (provider ${target.provider})`;
    case "proxmox-node": {
      const node = target.node ? `Proxmox node ${target.node}${target.nodeAddress ? ` (${target.nodeAddress})` : ""}` : "the Proxmox cluster";
      return `${node}, through the Proxmox API at ${target.endpoint} (provider ${target.provider})`;
    }
    case "other":
      return target.provider ? `the provider ${target.provider}` : "the default provider of its package";
  }
}

function checkStep(target: FailureTarget): string[] {
  switch (target.kind) {
    case "docker-host": {
      const ssh = `ssh -p ${target.port ?? 22} ${target.user ? `${target.user}@` : ""}${target.address}`;
      return [
        `Check the path Pulumi uses: ${ssh} docker version`,
        `   (key in your agent, host key known). Pulumi reaches ${target.provider} over SSH on port ${target.port ?? 22}, never through`,
        `   the Pangolin tunnel: when the tunnel is down, SSH still works, e.g. ${ssh} 'docker ps -a'.`,
      ];
    }
    case "proxmox-node":
      return [
        `Check the Proxmox API and the token: curl -sk ${target.endpoint?.replace(/\/$/, "")}/api2/json/version answers;`,
        `   node ${target.node ?? "<node>"} is online (pvecm status); the API token has its privileges on /nodes/${target.node ?? "<node>"}`,
        `   and the datastores it writes to (VM.Allocate, Datastore.AllocateSpace, ...).`,
      ];
    case "other":
      return ["Check the provider's credentials and that its API is reachable from this machine."];
  }
}

/**
 * What a user sees when a create fails during `pulumi up`: the engine-style diagnostic
 * under the resource, then which resource failed, where it lives, what is already done,
 * and what to do next. No stack trace.
 */
export function failureReport(context: FailureContext): string[] {
  const { stack, failure } = context;
  const up = `pulumi up --stack ${stack}`;
  const rest = context.continueOnError
    ? `${context.created} resources were created; the resources that need ${failure.name} were not attempted.`
    : `${context.created} resources were created before the update stopped; ${context.notStarted} waiting create(s) were not started.`;
  return [
    `error: update failed: 1 resource failed to create (simulated \`pulumi up\` of stack "${stack}": mocks stand in for every provider, nothing was contacted)`,
    "",
    `  ${failure.type} (${failure.name}):`,
    `    error: ${failure.message}`,
    "",
    `What failed:  ${failure.name}, a ${failure.type}`,
    `              ${failure.urn}`,
    `Where:        ${where(failure.target)}`,
    `What is done: ${rest} Nothing is rolled back: what was created stays in the state.`,
    "",
    "What to do next:",
    ...checkStep(failure.target).map((line, index) => (index === 0 ? `  1. ${line}` : `  ${line}`)),
    `  2. pulumi refresh --stack ${stack}`,
    "     brings the state in line with what exists: a create that failed half-way can leave the resource behind.",
    "     If Pulumi reports pending creates (an interrupted update), run it interactively, or with --clear-pending-creates",
    "     once you have checked they did not happen.",
    `  3. ${up}`,
    "     resumes: what exists is left alone and what is missing is created. To create everything that does not need",
    `     ${failure.name} while you fix it: ${up} --continue-on-error`,
    `  4. To retry this resource alone: ${up} --target '${failure.urn}'`,
  ];
}
