/**
 * A read-only client of the Proxmox VE API (`/api2/json`) with an API token
 * (`Authorization: PVEAPIToken=USER@REALM!TOKENID=SECRET`). Errors say what failed and what
 * to check, and never contain the token.
 */
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

/** The environment variable the Proxmox provider reads its token from; this tool reads the same. */
export const TOKEN_VARIABLE = "PROXMOX_VE_API_TOKEN";

export class ProxmoxApiError extends Error {}

const TOKEN_FORM = /^[^@\s]+@[^!\s]+![^=\s]+=\S+$/;

/** The token from `--token-file` or the environment, checked for its form without ever showing it. */
export function readToken(tokenFile: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  let token: string;
  let source: string;
  if (tokenFile !== undefined) {
    source = tokenFile;
    try {
      token = readFileSync(tokenFile, "utf8").trim();
    } catch (error) {
      throw new ProxmoxApiError(`cannot read the token file ${tokenFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  } else {
    source = `$${TOKEN_VARIABLE}`;
    token = (env[TOKEN_VARIABLE] ?? "").trim();
    if (!token) throw new ProxmoxApiError(`no API token: set ${TOKEN_VARIABLE} or pass --token-file <file> (never on the command line)`);
  }
  if (!TOKEN_FORM.test(token)) throw new ProxmoxApiError(`the token in ${source} is not of the form USER@REALM!TOKENID=SECRET (pveum user token add)`);
  return token;
}

export interface ProxmoxApi {
  /** The `data` of a GET below `/api2/json`. */
  get<T>(path: string): Promise<T>;
}

export interface ProxmoxApiOptions {
  /** Accept a self-signed certificate (a fresh Proxmox install has one). */
  insecure?: boolean;
  timeoutMs?: number;
}

/** What a failed call means for the user, by HTTP status. */
function statusError(path: string, status: number, message: string): ProxmoxApiError {
  const what = `GET ${path}: ${status} ${message}`.trim();
  if (status === 401) return new ProxmoxApiError(`${what}: the API token is not valid (wrong secret, expired, or its user is disabled)`);
  if (status === 403) {
    return new ProxmoxApiError(`${what}: the token lacks a privilege on that path (VM.Audit on the guests, Datastore.Audit on the storages, Sys.Audit on the nodes); a token with privilege separation needs its own ACL`);
  }
  const node = /^\/nodes\/([^/]+)\//.exec(path)?.[1];
  // pveproxy answers 595 (and 596) when it cannot reach the node that holds the resource.
  if (node && (status === 595 || status === 596 || status >= 500)) return new ProxmoxApiError(`${what}: node ${node} does not answer (offline, or its pveproxy is down)`);
  return new ProxmoxApiError(what);
}

export function proxmoxApi(endpoint: string, token: string, options: ProxmoxApiOptions = {}): ProxmoxApi {
  let base: URL;
  try {
    base = new URL(endpoint);
  } catch {
    throw new ProxmoxApiError(`--endpoint ${endpoint} is not a URL like https://192.168.11.15:8006/`);
  }
  const root = `${base.origin}${base.pathname.replace(/\/+$/, "")}/api2/json`;
  return {
    get<T>(path: string): Promise<T> {
      const url = new URL(`${root}${path}`);
      const send = url.protocol === "https:" ? httpsRequest : httpRequest;
      return new Promise<T>((resolve, reject) => {
        const call = send(
          url,
          { method: "GET", headers: { Authorization: `PVEAPIToken=${token}`, Accept: "application/json" }, rejectUnauthorized: !options.insecure, timeout: options.timeoutMs ?? 15_000 },
          (response) => {
            const chunks: Buffer[] = [];
            response.on("data", (chunk: Buffer) => chunks.push(chunk));
            response.on("end", () => {
              const status = response.statusCode ?? 0;
              if (status !== 200) return reject(statusError(path, status, response.statusMessage ?? ""));
              try {
                const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { data?: T };
                if (body.data === undefined || body.data === null) return reject(new ProxmoxApiError(`GET ${path}: the answer has no data`));
                resolve(body.data);
              } catch {
                reject(new ProxmoxApiError(`GET ${path}: the answer is not JSON (is ${base.origin} a Proxmox API?)`));
              }
            });
          },
        );
        call.on("timeout", () => call.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
        call.on("error", (error: NodeJS.ErrnoException) => {
          const hint = error.code?.startsWith("ERR_TLS") || /certificate/i.test(error.message) ? " (a self-signed certificate: pass --insecure, or trust its CA)" : "";
          reject(new ProxmoxApiError(`cannot reach ${base.origin} (GET ${path}): ${error.code ?? error.message}${hint}`));
        });
        call.end();
      });
    },
  };
}
