/**
 * The resource that keeps Omni's cluster template (components/omni/omniClusterTemplate.ts),
 * its provider driven the way the engine drives it, against a stand-in `omnictl` that records
 * each call (arguments, the template file it was given, the environment it got) and answers
 * `diff` with what the test says Omni holds.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { omniClusterTemplateProvider, type OmniClusterTemplateInputs } from "../../components/omni/omniClusterTemplate";
import { tempDir } from "../support/tempDirs";

const KEY = "eyJuYW1lIjoiaG9tZW9wcyIsInB2a2V5IjoiLS0tLS1CRUdJTiBQR1AgUFJJVkFURSBLRVkgQkxPQ0stLS0tLSJ9";
const TEMPLATE = "kind: Cluster\nname: minipcs\nkubernetes:\n  version: v1.35.0\ntalos:\n  version: v1.12.0\n";

interface Call {
  args: string[];
  template: string;
  endpoint: string;
  keyMatches: boolean;
}

/** A stand-in omnictl in a fresh folder: logs each call as a JSON line; `diff` prints $FAKE_DIFF; `sync` fails when $FAKE_FAIL is set. */
function fakeOmnictl(): { path: string; calls: () => Call[] } {
  const dir = tempDir();
  const log = join(dir, "calls.log");
  const path = join(dir, "omnictl");
  writeFileSync(
    path,
    `#!/usr/bin/env node
const { appendFileSync, readFileSync } = require("node:fs");
const args = process.argv.slice(2);
const file = args[args.indexOf("--file") + 1];
appendFileSync(${JSON.stringify(log)}, JSON.stringify({ args, template: readFileSync(file, "utf8"), endpoint: process.env.OMNI_ENDPOINT, keyMatches: process.env.OMNI_SERVICE_ACCOUNT_KEY === ${JSON.stringify(KEY)} }) + "\\n");
if (args[2] === "diff") process.stdout.write(process.env.FAKE_DIFF ?? "");
if (args[2] === "sync" && process.env.FAKE_FAIL) { process.stderr.write("rpc error: code = PermissionDenied desc = key " + process.env.OMNI_SERVICE_ACCOUNT_KEY + " has no Operator role\\n"); process.exit(1); }
`,
  );
  chmodSync(path, 0o755);
  return { path, calls: () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n").filter(Boolean).map((line) => JSON.parse(line) as Call) : []) };
}

const inputs = (omnictl: string, overrides: Partial<OmniClusterTemplateInputs> = {}): OmniClusterTemplateInputs => ({
  clusterName: "minipcs",
  template: TEMPLATE,
  endpoint: "https://omni.example.com:8090",
  serviceAccountKey: KEY,
  omnictl,
  machines: [{ name: "talos01", uuid: "03000200-0400-0500-0019-000000000019", address: "192.168.11.19", role: "controlplane" }],
  ...overrides,
});

afterEach(() => {
  delete process.env.FAKE_DIFF;
  delete process.env.FAKE_FAIL;
});

test("create validates, then syncs the template; the key goes in omnictl's environment, never its arguments", async () => {
  const omnictl = fakeOmnictl();
  const created = await omniClusterTemplateProvider.create(inputs(omnictl.path));
  expect(created.id).toBe("minipcs");
  expect(omnictl.calls().map((call) => call.args.slice(0, 3))).toEqual([
    ["cluster", "template", "validate"],
    ["cluster", "template", "sync"],
  ]);
  for (const call of omnictl.calls()) {
    expect(call).toMatchObject({ template: TEMPLATE, endpoint: "https://omni.example.com:8090", keyMatches: true });
    expect(call.args.join(" ")).not.toContain(KEY);
    // The template file is gone once omnictl is done.
    expect(existsSync(call.args[4])).toBe(false);
  }
});

test("an unchanged template that Omni holds changes nothing, and omnictl is only asked", async () => {
  const omnictl = fakeOmnictl();
  const diff = await omniClusterTemplateProvider.diff!("minipcs", inputs(omnictl.path), inputs(omnictl.path));
  expect(diff).toEqual({ changes: false });
  expect(omnictl.calls().map((call) => call.args[2])).toEqual(["diff"]);
});

test("an unchanged template Omni no longer holds (a change in its UI) is an update that puts it back", async () => {
  const omnictl = fakeOmnictl();
  process.env.FAKE_DIFF = "--- ConfigPatches.omni.sidero.dev(400-cm-03000200-0400-0500-0019-000000000019-install-disk)\n+++ ...\n-  disk: /dev/sda\n+  disk: /dev/nvme0n1\n";
  expect(await omniClusterTemplateProvider.diff!("minipcs", inputs(omnictl.path), inputs(omnictl.path))).toEqual({ changes: true });
  const updated = await omniClusterTemplateProvider.update!("minipcs", inputs(omnictl.path), inputs(omnictl.path));
  expect(updated.outs).toEqual(inputs(omnictl.path));
  expect(omnictl.calls().map((call) => call.args[2])).toEqual(["diff", "validate", "sync"]);
});

test("a changed template is a change without asking Omni; another cluster name replaces, leaving the old cluster", async () => {
  const omnictl = fakeOmnictl();
  const changed = inputs(omnictl.path, { template: TEMPLATE.replace("v1.12.0", "v1.12.1") });
  expect(await omniClusterTemplateProvider.diff!("minipcs", inputs(omnictl.path), changed)).toEqual({ changes: true });
  expect(await omniClusterTemplateProvider.diff!("minipcs", inputs(omnictl.path), inputs(omnictl.path, { clusterName: "other" }))).toEqual({
    changes: true,
    replaces: ["clusterName"],
    deleteBeforeReplace: false,
  });
  await omniClusterTemplateProvider.delete!("minipcs", inputs(omnictl.path));
  expect(omnictl.calls()).toEqual([]);
});

test("a failing omnictl: its message, without the key; a missing one: how to install it", async () => {
  const omnictl = fakeOmnictl();
  process.env.FAKE_FAIL = "1";
  const failed = omniClusterTemplateProvider.create(inputs(omnictl.path));
  await expect(failed).rejects.toThrow(/^omnictl cluster template sync against https:\/\/omni\.example\.com:8090 failed: rpc error: code = PermissionDenied desc = key \[secret\] has no Operator role$/);
  await expect(omniClusterTemplateProvider.create(inputs(join(tempDir(), "no-omnictl")))).rejects.toThrow(/is not installed or not on PATH/);
});
