import * as pulumi from "@pulumi/pulumi";
import { offlineMocks } from "../../tools/plan/mocks";
import { withoutStackCapture } from "../../tools/plan/offlinePreview";
import { installRecordingMocks } from "../../tools/plan/recorder";
import type { PlannedResource } from "../../policy/contract/plan";

/**
 * Runs `program` under the offline preview's mocks and returns every resource it
 * registered, as the engine would see it. The Pulumi runtime is global: once per test file.
 * Without the SDK's per-promise stack capture, as the offline preview runs.
 */
export async function recordProgram(program: () => void): Promise<PlannedResource[]> {
  const { resources } = installRecordingMocks(offlineMocks, "homeops", "test");
  await withoutStackCapture(async () => {
    await pulumi.runtime.runInPulumiStack(async () => {
      program();
      return {};
    });
    await pulumi.runtime.disconnect();
  });
  return resources;
}
