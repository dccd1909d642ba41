/**
 * `npm run plan -- homelab --talos-configs <dir>`: every node's machine config, valid for
 * Talos v1.13.9. The command runs on this test run's shared previews (test/support/previews.ts).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { planOnSharedPreviews } from "../support/previews";
import { tempDir } from "../support/tempDirs";
import { talosSchemaValidator } from "../talos/talosSchema";
import { TALOS_EXAMPLE_FILE } from "./talosExample";

const plan = planOnSharedPreviews;

test("writes one file per node, all documents of which validate against the v1.13.9 schema", async () => {
  const dir = join(tempDir(), "talos");
  // The homelab's cluster is Omni's: the example stack file's cluster is the program's own.
  const result = await plan("homelab", "--config-file", TALOS_EXAMPLE_FILE, "--talos-configs", dir);
  // The exit status also reflects the policy pack's verdict on the whole stack, not this option.
  expect(result.stdout).toContain(`Talos machine configs (from the offline stand-in PKI, not a secret) written to:\n    ${join(dir, "talos-cp-1.yaml")}`);
  const files = readdirSync(dir).sort();
  expect(files).toEqual(["talos-cp-1.yaml", "talos-cp-2.yaml", "talos-cp-3.yaml"]);

  const validate = talosSchemaValidator();
  for (const file of files) {
    const documents = parseAllDocuments(readFileSync(join(dir, file), "utf8")).map((document) => document.toJS() as Record<string, unknown>);
    expect(documents.map((document) => document.kind ?? "v1alpha1")).toEqual(["v1alpha1", "HostnameConfig", "LinkAliasConfig", "LinkConfig", "ResolverConfig", "Layer2VIPConfig"]);
    expect(documents[1]).toMatchObject({ hostname: file.replace(/\.yaml$/, "") });
    // homeops:talos.cni is Cilium with kube-proxy replacement: Talos installs neither a CNI nor kube-proxy.
    expect(documents[0]).toMatchObject({ cluster: { network: { cni: { name: "none" } }, proxy: { disabled: true } } });
    for (const document of documents) expect({ file, kind: document.kind, errors: validate(document) }).toEqual({ file, kind: document.kind, errors: [] });
  }
});

test("a stack without a Talos cluster says so", async () => {
  const result = await plan("vps", "--talos-configs", tempDir());
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('error: stack "vps" declares no Talos cluster, so there are no machine configs to write');
});
