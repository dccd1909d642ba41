/** Before any test file: a fresh folder for what the run's files share (test/support/runFolder.ts). */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RUN_FOLDER_VARIABLE } from "./runFolder";

export default function globalSetup(): void {
  // Workers start after this and inherit the environment.
  process.env[RUN_FOLDER_VARIABLE] = mkdtempSync(join(tmpdir(), "homeops-test-run-"));
}
