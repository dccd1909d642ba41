/**
 * Throwaway certificates shaped like Talos' (Ed25519 OS CA, an os:admin client certificate),
 * made with the openssl CLI because node:crypto has no certificate builder.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { RUN_FOLDER_VARIABLE } from "../support/runFolder";

export interface CertifiedKey {
  certPem: string;
  keyPem: string;
}

export interface TestPki {
  /** Stands in for the Talos OS CA. */
  ca: CertifiedKey;
  /** The node's API certificate (IP SAN 127.0.0.1), signed by `ca`. */
  server: CertifiedKey;
  /** An os:admin client certificate signed by `ca`. */
  admin: CertifiedKey;
  /** Another cluster's CA. */
  foreignCa: CertifiedKey;
  /** An os:admin client certificate signed by `foreignCa`. */
  foreignAdmin: CertifiedKey;
}

/** One set for the whole test run, kept beside its shared previews (ten openssl processes each time otherwise). */
export function generateTestPki(): TestPki {
  const runFolder = process.env[RUN_FOLDER_VARIABLE];
  if (!runFolder) return issueTestPki();
  const file = path.join(runFolder, "talos-test-pki.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as TestPki;
  const pki = issueTestPki();
  writeFileSync(`${file}.${process.pid}`, JSON.stringify(pki));
  renameSync(`${file}.${process.pid}`, file);
  return pki;
}

function issueTestPki(): TestPki {
  requireOpenssl();
  const dir = mkdtempSync(path.join(tmpdir(), "talos-test-pki-"));
  try {
    const issue = certificateIssuer(dir);
    const caExtensions = ["basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign"];
    const clientExtensions = ["keyUsage=critical,digitalSignature", "extendedKeyUsage=clientAuth"];
    issue("ca", "/O=talos", caExtensions);
    issue("foreign-ca", "/O=talos", caExtensions);
    issue("server", "/CN=talos-node", ["subjectAltName=IP:127.0.0.1", "extendedKeyUsage=serverAuth"], "ca");
    issue("admin", "/O=os:admin", clientExtensions, "ca");
    issue("foreign-admin", "/O=os:admin", clientExtensions, "foreign-ca");
    const read = (name: string): CertifiedKey => ({
      certPem: readFileSync(path.join(dir, `${name}.crt`), "utf8"),
      keyPem: readFileSync(path.join(dir, `${name}.key`), "utf8"),
    });
    return {
      ca: read("ca"),
      server: read("server"),
      admin: read("admin"),
      foreignCa: read("foreign-ca"),
      foreignAdmin: read("foreign-admin"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function requireOpenssl(): void {
  if (spawnSync("openssl", ["version"]).status !== 0) {
    throw new Error("The Talos bootstrap tests generate their certificates with the `openssl` CLI (3.0 or later): install it.");
  }
}

/** Issues `<name>.crt` for a new Ed25519 key `<name>.key`, self-signed unless an issuer is named. */
function certificateIssuer(dir: string) {
  // An empty config, so that only the extensions given here end up in the certificates.
  writeFileSync(path.join(dir, "empty.cnf"), "[req]\ndistinguished_name = dn\n[dn]\n");
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  return (name: string, subject: string, extensions: string[], issuer?: string): void => {
    openssl("genpkey", "-algorithm", "ed25519", "-out", `${name}.key`);
    openssl(
      "req", "-config", "empty.cnf", "-x509", "-new", "-key", `${name}.key`, "-subj", subject, "-days", "1",
      ...(issuer ? ["-CA", `${issuer}.crt`, "-CAkey", `${issuer}.key`] : []),
      ...extensions.flatMap((extension) => ["-addext", extension]),
      "-out", `${name}.crt`,
    );
  };
}
