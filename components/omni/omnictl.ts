/**
 * `omnictl cluster template ...` on a template, as the machine running Pulumi has omnictl:
 * the template goes through a private temporary file, Omni's endpoint and service account
 * key through omnictl's environment (`OMNI_ENDPOINT`, `OMNI_SERVICE_ACCOUNT_KEY`), never its
 * arguments. Packages are required at run time: a dynamic provider serializes these functions.
 */

export interface OmnictlTarget {
  /** Omni's API, e.g. https://omni.example.com. */
  endpoint: string;
  /** An Omni service account key. Secret. */
  serviceAccountKey: string;
  /** The omnictl executable (a name on PATH or a path). */
  omnictl: string;
}

export class OmnictlError extends Error {}

/** Runs `omnictl cluster template <verb> -f <file of template>` and returns its standard output. */
export async function omnictlTemplate(verb: "validate" | "diff" | "sync", template: string, target: OmnictlTarget): Promise<string> {
  const { execFile }: typeof import("node:child_process") = require("node:child_process");
  const { mkdtempSync, rmSync, writeFileSync }: typeof import("node:fs") = require("node:fs");
  const { tmpdir }: typeof import("node:os") = require("node:os");
  const { join }: typeof import("node:path") = require("node:path");
  const dir = mkdtempSync(join(tmpdir(), "homeops-omni-"));
  const file = join(dir, "cluster-template.yaml");
  writeFileSync(file, template, { mode: 0o600 });
  const scrub = (text: string) => (target.serviceAccountKey ? text.split(target.serviceAccountKey).join("[secret]") : text);
  try {
    return await new Promise<string>((resolve, reject) => {
      execFile(
        target.omnictl,
        ["cluster", "template", verb, "--file", file],
        { env: { ...process.env, OMNI_ENDPOINT: target.endpoint, OMNI_SERVICE_ACCOUNT_KEY: target.serviceAccountKey }, maxBuffer: 16 * 1024 * 1024, timeout: 10 * 60 * 1000 },
        (error, stdout, stderr) => {
          if (!error) return resolve(stdout);
          const code = (error as NodeJS.ErrnoException).code;
          const reason = code === "ENOENT" ? `${target.omnictl} is not installed or not on PATH (see README, "The cluster under Omni")` : scrub(String(stderr || stdout || error.message).trim());
          reject(new OmnictlError(`omnictl cluster template ${verb} against ${target.endpoint} failed: ${reason}`));
        },
      );
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
