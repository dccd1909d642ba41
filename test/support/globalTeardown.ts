/** After the run: its shared folder goes (test/support/runFolder.ts). */
import { rmSync } from "node:fs";
import { RUN_FOLDER_VARIABLE } from "./runFolder";

export default function globalTeardown(): void {
  const dir = process.env[RUN_FOLDER_VARIABLE];
  if (dir) rmSync(dir, { recursive: true, force: true });
}
