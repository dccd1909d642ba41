/**
 * Docker ids from the hosts, for the bulk import file: `docker inspect` over the same ssh the
 * Docker provider runs (your `ssh`, the host's sshUser, address, sshPort and sshOptions).
 */
import { ID_PLACEHOLDER, type ImportFile, type ImportSpec } from "./importFile";

export interface SshHost {
  sshUser: string;
  address: string;
  sshPort?: number;
  sshOptions?: string[];
}

export const KINDS: Record<string, "container" | "network"> = {
  "docker:index/container:Container": "container",
  "docker:index/network:Network": "network",
};

/** The ssh command line that runs `docker <args>` on a host. */
export function sshCommand(host: SshHost, dockerArgs: string[]): string[] {
  return ["-p", String(host.sshPort ?? 22), ...(host.sshOptions ?? []), `${host.sshUser}@${host.address}`, "docker", ...dockerArgs];
}

/** `docker <kind> inspect --format '{{.Name}} {{.Id}}'` output: name (containers have a leading /) to id. */
export function parseInspect(output: string): Map<string, string> {
  return new Map(
    output
      .split("\n")
      .map((line) => line.trim().split(/\s+/))
      .filter((words) => words.length === 2)
      .map(([name, id]) => [name.replace(/^\//, ""), id]),
  );
}

/** Fills the placeholders; returns the resources it could not find. */
export function fillIds(file: ImportFile, hosts: Record<string, SshHost>, run: (args: string[]) => string): string[] {
  const missing: string[] = [];
  const wanted = file.resources.filter((resource) => resource.id === ID_PLACEHOLDER && KINDS[resource.type]);
  const groups = new Map<string, typeof wanted>();
  for (const resource of wanted) {
    // Every resource on a host goes through its provider, named after the host.
    const host = (resource.provider ?? "").replace(/^docker:/, "");
    const key = `${host} ${KINDS[resource.type]}`;
    groups.set(key, [...(groups.get(key) ?? []), resource]);
  }
  for (const [key, resources] of groups) {
    const [hostName, kind] = key.split(" ");
    const host = hosts[hostName];
    if (!host) {
      missing.push(...resources.map((resource) => `${resource.name} (no host ${hostName} in the stack file)`));
      continue;
    }
    // Logical names are `<stack or host>/<Docker name>`.
    const dockerName = (resource: ImportSpec) => resource.name.slice(resource.name.indexOf("/") + 1);
    const names = resources.map(dockerName);
    // Quoted for the remote shell, which ssh hands the words to.
    const found = parseInspect(run(sshCommand(host, [kind, "inspect", "--format", "'{{.Name}} {{.Id}}'", ...names])));
    for (const resource of resources) {
      const id = found.get(dockerName(resource));
      if (id) resource.id = id;
      else missing.push(`${resource.name} (no ${kind} of that name on ${hostName})`);
    }
  }
  return missing;
}
