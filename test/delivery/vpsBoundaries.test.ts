/**
 * The VPS reachability table generated from the program must reproduce the spec's "security
 * boundaries that must hold" (seed L3), read from docs/requirements.md at test time.
 */
import { boundaryTable, type BoundaryTable } from "../../tools/diagrams/boundaries";
import { dockerHostsOf } from "../../tools/diagrams/dockerHosts";
import { stackPreview } from "../support/previews";
import { specTable } from "../support/specTables";

// The spec names the targets as the seed does; the containers are called periphery, lldap, pangolin.
const SPEC_COLUMNS = ["Periphery", "LLDAP", "Pangolin"];

let table: BoundaryTable;
beforeAll(async () => {
  const { plan } = await stackPreview("vps");
  const hosts = dockerHostsOf(plan);
  expect(hosts.map((host) => host.name)).toEqual(["racknerd-aegis"]);
  table = boundaryTable(hosts[0]);
});

test("every cell of the spec's security boundaries table is what the generated table says", () => {
  const rows = specTable("### Security boundaries that must hold (seed L3)");
  expect(rows).toHaveLength(7);
  const verdict = (source: string, target: string) => {
    const row = table.rows.find((candidate) => candidate.source === source);
    if (!row) throw new Error(`no container ${source} in the generated table`);
    const column = table.targets.indexOf(target);
    if (column < 0) throw new Error(`${target} is not a column of the generated table (targets: ${table.targets.join(", ")})`);
    return row.verdicts[column];
  };
  for (const [source, ...cells] of rows) {
    // A column added to the spec would otherwise go unchecked.
    expect(cells).toHaveLength(SPEC_COLUMNS.length);
    const expected = Object.fromEntries(SPEC_COLUMNS.map((column, index) => [column, cells[index]]));
    const generated = Object.fromEntries(SPEC_COLUMNS.map((column) => [column, verdict(source, column.toLowerCase())]));
    expect({ source, ...generated }).toEqual({ source, ...expected });
  }
});

test("among bridged containers only pangolin-newt reaches periphery and only pocketid LLDAP (the seed's warnings); the host-network containers reach periphery, not LLDAP", () => {
  const reaching = (target: string) => table.rows.filter((row) => row.verdicts[table.targets.indexOf(target)] === "yes").map((row) => row.source);
  expect(table.rows).toHaveLength(11);
  // The host-network containers reach periphery at its bridge address (no policy forbids it:
  // neither is in the edge zone); identity-internal leaves the host no address, so not LLDAP.
  const hostNetwork = ["pangolin-client-obs", "racknerd-aegis-alloy-alloy-1"];
  expect(reaching("periphery")).toEqual(["pangolin-newt", ...hostNetwork]);
  expect(reaching("lldap")).toEqual(["pocketid"]);
  expect(table.paths).toContainEqual({ source: "pangolin-client-obs", target: "periphery", via: ["the host's address on network newt-periphery"] });
});
