/**
 * The benchmark's smoke run (`npm run bench -- --tiny`): it runs, and prints its tables well
 * formed. Its figures are not checked: a tiny run on a shared machine measures nothing.
 */
import { cpus } from "node:os";
import { type CliRun, PROCESS_TIMEOUT_MS, spawnTool } from "../support/runCli";

let run: CliRun;
beforeAll(async () => {
  run = await spawnTool("tools/bench/cli.ts", ["--tiny"]);
}, PROCESS_TIMEOUT_MS);

/** The Markdown tables of the output: header cells, alignment row, data rows. */
function tables(text: string): { header: string[]; numeric: boolean[]; rows: string[][] }[] {
  const cells = (line: string) => line.slice(1, -1).split("|").map((cell) => cell.trim());
  const blocks: string[][] = [];
  let block: string[] = [];
  for (const line of [...text.split("\n"), ""]) {
    if (line.startsWith("|")) block.push(line);
    else if (block.length > 0) {
      blocks.push(block);
      block = [];
    }
  }
  return blocks.map(([header, rule, ...rows]) => ({ header: cells(header), numeric: cells(rule).map((cell) => /^-+:$/.test(cell)), rows: rows.map(cells) }));
}

const NUMBER = /^-?[\d,]+(\.\d+)?$/;

test("it runs and says what it ran on", () => {
  expect({ status: run.status, stderr: run.stderr.slice(-500) }).toEqual({ status: 0, stderr: expect.any(String) });
  expect(run.stdout).toContain(`${cpus().length} cores`);
  expect(run.stdout).toContain(`Node ${process.version}`);
  for (const section of ["## 1.", "## 2.", "## 3.", "## 4."]) expect(run.stdout).toContain(section);
});

test("every table is well formed: a header, an alignment row, rows of as many cells, numbers in numeric columns", () => {
  const found = tables(run.stdout);
  expect(found.length).toBeGreaterThanOrEqual(5);
  for (const table of found) {
    expect(table.rows.length).toBeGreaterThan(0);
    expect(table.numeric).toHaveLength(table.header.length);
    for (const row of table.rows) {
      expect(row).toHaveLength(table.header.length);
      row.forEach((cell, index) => table.numeric[index] && expect({ column: table.header[index], cell }).toEqual({ column: table.header[index], cell: expect.stringMatching(NUMBER) }));
    }
  }
});

test("the figures the bench exists for are there, as numbers", () => {
  const found = tables(run.stdout);
  const column = (header: string) => {
    const table = found.find((candidate) => candidate.header.includes(header));
    expect({ header, present: table !== undefined }).toEqual({ header, present: true });
    const index = table!.header.indexOf(header);
    return table!.rows.map((row) => row[index]);
  };
  for (const header of ["preview/floor", "lean/floor", "startup/floor", "resources/s", "ms per run", "critical path", "wall/(delay x path)", "wall/(delay x creates)", "total ms/resource"]) {
    for (const cell of column(header)) expect({ header, cell }).toEqual({ header, cell: expect.stringMatching(NUMBER) });
  }
});
