/**
 * A tool (`plan` or `diagrams`, the first argument) over a program whose apply threw: the
 * resources waiting on that output are never registered, the preview never ends, and
 * nothing is left for the event loop (test/tools/processes.test.ts).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { diagramsCommand } from "../../../tools/diagrams/cli";
import { planCommand } from "../../../tools/plan/cli";

function stalledPreview(): Promise<never> {
  void Promise.reject(new Error("error serializing property \"machineConfig\": the config generator failed"));
  return new Promise(() => {});
}

const tool = process.argv[2];
const run =
  tool === "plan"
    ? planCommand(["vps"], console, stalledPreview)
    : diagramsCommand(["vps", "--out", mkdtempSync(join(tmpdir(), "homeops-stalled-"))], console, stalledPreview);
void run.then((code) => process.exit(code));
