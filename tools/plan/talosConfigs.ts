import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { MockMonitor } from "@pulumi/pulumi/runtime/mocks";

const CLUSTER_TYPE = "homeops:talos:Cluster";
const { specialSigKey, specialSecretSig } = pulumi.runtime;

/**
 * Each node's machine config as the offline preview generated it, by node name: the
 * `machineConfigs` output every Talos cluster component registered with the mock monitor.
 * The recorded plan redacts them as the secrets they are under a real engine; here they
 * come from the preview's stand-in PKI, which anyone can recompute, so they are no secret.
 */
export function offlineMachineConfigs(monitor: MockMonitor): Record<string, string> {
  const configs: Record<string, string> = {};
  for (const { urn, state } of monitor.resources.values()) {
    if (urn.split("::")[2]?.split("$").pop() !== CLUSTER_TYPE) continue;
    const outputs = unwrapSecrets(toPlainObject(state)) as { machineConfigs?: Record<string, unknown> };
    for (const [node, config] of Object.entries(outputs.machineConfigs ?? {})) {
      if (typeof config !== "string") throw new Error(`the machine config of ${node} was not generated offline (${urn})`);
      if (node in configs) throw new Error(`two Talos clusters have a node named ${node}`);
      configs[node] = config;
    }
  }
  return configs;
}

/** Writes `<node>.yaml` per node into `dir`; returns the files written. */
export function writeTalosConfigs(dir: string, configs: Record<string, string>): string[] {
  mkdirSync(dir, { recursive: true });
  return Object.entries(configs).map(([node, config]) => {
    const file = join(dir, `${node}.yaml`);
    writeFileSync(file, config);
    return file;
  });
}

/** Registered outputs are kept as the protobuf Struct the SDK sent. */
function toPlainObject(state: unknown): unknown {
  const struct = state as { toJavaScript?: () => unknown };
  return typeof struct?.toJavaScript === "function" ? struct.toJavaScript() : state;
}

function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if (record[specialSigKey] === specialSecretSig) return unwrapSecrets(record.value);
  return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, unwrapSecrets(inner)]));
}
