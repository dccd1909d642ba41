/** After the run: the shared offline previews go (test/support/globalSetup.ts). */
import { rmSync } from "node:fs";
import { PREVIEW_CACHE_VARIABLE } from "./previews";

export default function globalTeardown(): void {
  const dir = process.env[PREVIEW_CACHE_VARIABLE];
  if (dir) rmSync(dir, { recursive: true, force: true });
}
