import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { adoptCommand } from "../../tools/adopt/cli";
import { runCommand, STACK_FRAME } from "../support/runCli";
import { tempDir } from "../support/tempDirs";

const ESTATE = "test/references/estate";
const adopt = (...args: string[]) => runCommand(adoptCommand, args);

describe("npm run adopt", () => {
  it("prints one stack entry for a compose file, networks as a comment", async () => {
    const run = await adopt(`${ESTATE}/docker/stacks/racknerd-aegis/identity/compose.yaml`, "--host", "racknerd-aegis", "--stack", "aegis-identity");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^# Networks/);
    expect(run.stdout).toContain("#   racknerd-aegis: aegis-identity_identity-internal (created by aegis-identity)");
    const [entry] = parse(run.stdout) as { name: string; volumes: unknown; containers: { name: string; env: Record<string, unknown> }[] }[];
    expect(entry.name).toBe("aegis-identity");
    // The live volumes keep their data: compose's external names.
    expect(entry.volumes).toEqual({ "lldap-data": { dockerName: "pangolin-identity_lldap-data" }, "pocketid-data": { dockerName: "pangolin-identity_pocketid-data" } });
    // Today's secrets are adopted, never generated anew.
    expect(entry.containers[0].env.LLDAP_JWT_SECRET).toEqual({ configSecret: "racknerdAegisIdentityLldapJwtSecret" });
  });

  it("does every stack of a Komodo file, and exits 1 listing what it cannot map", async () => {
    const run = await adopt("--komodo", `${ESTATE}/docker/komodo-resources/stacks-komodo.toml`, "--root", ESTATE);
    expect(run.status).toBe(1);
    const entries = parse(run.stdout) as { name: string; containers: { name: string }[] }[];
    expect(entries.map((entry) => entry.containers.map((container) => container.name))).toEqual([
      ["komodo-core-postgres-1", "komodo-core-ferretdb-1", "komodo-core-core-1"],
      ["komodo-alloy-alloy-1"],
    ]);
    expect(run.stderr).toContain("unmapped: test/references/estate/docker/stacks/komodo/core/compose.yaml: services.core.image: uses ${KOMODO_VERSION}");
    expect((await adopt("--komodo", `${ESTATE}/docker/komodo-resources/stacks-komodo.toml`, "--root", ESTATE, "--allow-unmapped")).status).toBe(0);
  });

  it.each([
    ["an unreadable file", (dir: string) => join(dir, "missing", "compose.yaml"), /error: .*missing\/compose.yaml: cannot read it \(ENOENT\)/],
    ["a malformed port", (dir: string) => write(dir, "services: {a: {image: x:1, ports: ['80:x']}}"), /error: .*compose.yaml: services.a.ports\[0\]: "80:x" is not a port/],
    ["an unknown service", (dir: string) => write(dir, "services: {a: {image: x:1, depends_on: [b]}}"), /error: .*compose.yaml: services.a.depends_on.b: unknown service "b"/],
    ["invalid YAML", (dir: string) => write(dir, "services: [a: {"), /error: .*compose.yaml: not valid YAML/],
  ])("refuses %s with its path, exit 1 and no stack trace", async (_, file, message) => {
    const dir = tempDir();
    const run = await adopt(file(dir), "--host", "h", "--stack", "s", "--root", dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });
});

function write(dir: string, text: string): string {
  const file = join(dir, "compose.yaml");
  writeFileSync(file, text);
  return file;
}
