import { isIPv4 } from "node:net";
import * as pulumi from "@pulumi/pulumi";
import type { VpsAddressesSpec } from "../../config/dns";

/**
 * The public address of one Docker host in the vps stack's `dockerHosts` output
 * (`{<host>: {address, sshPort}}`); a clear error when the stack does not export it.
 */
export function publicAddressOf(dockerHosts: unknown, host: string, stack: string): string {
  const entry = typeof dockerHosts === "object" && dockerHosts !== null ? (dockerHosts as Record<string, unknown>)[host] : undefined;
  const address = typeof entry === "object" && entry !== null ? (entry as Record<string, unknown>).address : undefined;
  if (typeof address !== "string" || !isIPv4(address)) {
    throw new pulumi.RunError(
      `the stack ${stack} exports no IPv4 address for Docker host "${host}" (output dockerHosts.${host}.address); deploy it, or set homeops:dns.vpsAddresses to {fromConfig: {${host}: <address>}}`,
    );
  }
  return address;
}

/**
 * Resolves `{vpsHost}` record values: through a StackReference to the vps stack, or from
 * configuration when that stack is not deployed.
 */
export function vpsAddressResolver(spec: VpsAddressesSpec, opts: pulumi.CustomResourceOptions): (host: string) => pulumi.Output<string> {
  if ("fromConfig" in spec) return (host) => pulumi.output(spec.fromConfig[host]);
  const vps = new pulumi.StackReference("vps-stack", { name: spec.fromStack }, opts);
  // getOutput, not requireOutput: a missing output reaches publicAddressOf, whose message says what to do.
  return (host) => vps.getOutput("dockerHosts").apply((dockerHosts) => publicAddressOf(dockerHosts, host, spec.fromStack));
}
