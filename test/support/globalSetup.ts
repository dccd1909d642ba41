/** Before any test file: a fresh folder for this run's shared offline previews (test/support/previews.ts). */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PREVIEW_CACHE_VARIABLE } from "./previews";

export default function globalSetup(): void {
  // Workers start after this and inherit the environment.
  process.env[PREVIEW_CACHE_VARIABLE] = mkdtempSync(join(tmpdir(), "homeops-previews-"));
}
