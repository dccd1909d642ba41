/**
 * `npm run plan -- homelab --omni-template <file>`: the template the stack hands Omni, to
 * compare with `omnictl cluster template diff`. The command runs on this test run's shared
 * previews (test/support/previews.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { planOnSharedPreviews } from "../support/previews";
import { tempDir } from "../support/tempDirs";
import { omniTemplateProblems } from "./omniTemplateFormat";

const plan = planOnSharedPreviews;

test("writes the homelab's cluster template, a template Omni loads", async () => {
  const file = join(tempDir(), "cluster-template.yaml");
  const result = await plan("homelab", "--omni-template", file);
  expect(result.stdout).toContain(`Omni cluster template written to ${file} (compare: omnictl cluster template diff --file ${file})`);
  const text = readFileSync(file, "utf8");
  expect(text).toMatch(/^kind: Cluster\nname: minipcs\n/);
  expect(omniTemplateProblems(text)).toEqual([]);
});

test("a stack without a cluster under Omni says so", async () => {
  const result = await plan("vps", "--omni-template", join(tempDir(), "none.yaml"));
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('error: stack "vps" declares no cluster under Omni (homeops:talos.manager: omni), so there is no cluster template to write');
});
