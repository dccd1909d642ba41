/**
 * `pulumi policy publish` uploads what `npm pack` puts in the pack's tarball, and Pulumi Cloud
 * installs it elsewhere with `npm install`: nothing outside policy/ travels with it.
 */
import { readFileSync, realpathSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { packageImports, relativeImports } from "../layers/importGraph";
import { introduce, startPolicyPack } from "../support/policyPack";
import { ROOT } from "../support/stackConfig";
import { packedFiles, packManifest, POLICY_DIR, standalonePack } from "../support/standalonePack";

const files = packedFiles();
const sources = files.filter((file) => file.endsWith(".ts"));

describe("what `pulumi policy publish` would upload", () => {
  test("holds the pack's project file, manifest, entry point and contract", () => {
    expect(files).toEqual(expect.arrayContaining(["PulumiPolicy.yaml", "package.json", "tsconfig.json", "index.ts", "policies.ts", "contract/labels.ts", "contract/plan.ts", "contract/docker.ts"]));
  });

  test("every relative import of a packed file resolves to a packed file", () => {
    const outside = relativeImports(POLICY_DIR, sources).filter((edge) => !files.includes(edge.target));
    expect(outside.map((edge) => `${edge.file} imports "${edge.specifier}" (${edge.target}), which the tarball does not hold`)).toEqual([]);
  });

  test("every package a packed file imports is a dependency of the pack, pinned to the version the repository runs", () => {
    const manifest = packManifest();
    const problems = sources.flatMap((file) =>
      packageImports(POLICY_DIR, file).flatMap((name) => {
        const pinned = manifest.dependencies[name];
        if (!pinned) return [`${file} imports ${name}, which policy/package.json does not list in dependencies`];
        // @pulumi/policy's published manifest spells its version "v1.21.0".
        const installed = (JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version.replace(/^v/, "");
        return installed === pinned ? [] : [`policy/package.json pins ${name} ${pinned}, the repository runs ${installed}`];
      }),
    );
    expect([...new Set(problems)]).toEqual([]);
  });

  test("names a Node.js pack and a semantic version, as publishing requires", () => {
    const project = parse(readFileSync(join(POLICY_DIR, "PulumiPolicy.yaml"), "utf8")) as { runtime: string };
    expect(project.runtime).toBe("nodejs");
    expect(packManifest().version).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

test("a copy of the uploaded files, with only the pack's dependencies, starts under Pulumi's runner and answers GetAnalyzerInfo", async () => {
  const dir = standalonePack(files);
  expect(realpathSync(dir)).not.toContain(realpathSync(ROOT));
  // As the analyzer plugin starts it: its folder as working directory, the engine's address and the folder.
  const stack = { organization: "organization", project: "homeops", stack: "vps", config: {}, secretKeys: [] };
  const pack = await startPolicyPack(dir, "127.0.0.1:1", stack, 240_000);
  try {
    const { info } = await introduce(pack.client, stack);
    expect([info.getName(), info.getVersion()]).toEqual(["homeops", packManifest().version]);
    expect(info.getPoliciesList().length).toBeGreaterThan(10);
  } finally {
    pack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);
