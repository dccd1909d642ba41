/**
 * The config secret an adopted value refers to, named so the owner can tell where today's
 * value lives. The estate's path of the folder (under `docker/stacks/`), then:
 *
 * - a variable of an env file: the file's stem unless it is `.env`, and the variable
 *   (`docker/stacks/racknerd-aegis/newt/.env` NEWT_ID -> `racknerdAegisNewtNewtId`;
 *   `docker/stacks/server04/vaultwarden/backup.env` BACKUP_SSH_KEY_B64 ->
 *   `server04VaultwardenBackupBackupSshKeyB64`);
 * - a value of one container (a credential written in the compose file, or a value mixing
 *   text and encrypted variables): the container and the variable
 *   (`racknerdAegisIdentityPocketidLdapBindDn`).
 *
 * The same env file shared by several stacks (shared/alloy) is one secret.
 */
import { posix } from "node:path";

const STACKS_ROOT = "docker/stacks/";

export function envFileSecretKey(envFile: string, variable: string): string {
  const stem = posix.basename(envFile).replace(/\.env$/, "");
  return camelCase([...folderWords(posix.dirname(envFile)), stem, variable]);
}

export function containerSecretKey(repoDir: string, container: string, variable: string): string {
  return camelCase([...folderWords(repoDir), container, variable]);
}

function folderWords(repoDir: string): string[] {
  const relative = repoDir.startsWith(STACKS_ROOT) ? repoDir.slice(STACKS_ROOT.length) : repoDir;
  return relative.split("/").filter((part) => part !== "" && part !== ".");
}

function camelCase(parts: string[]): string {
  const words = parts.flatMap((part) => part.split(/[^A-Za-z0-9]+/)).filter(Boolean).map((word) => word.toLowerCase());
  return words.map((word, index) => (index === 0 ? word : word[0].toUpperCase() + word.slice(1))).join("");
}
