/**
 * What each machine has, from the stack configuration: the plan records what is declared on
 * a machine, never the machine's own size.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { at, isRecord, numberOf } from "../../policy/values";

export interface MachineCapacities {
  /** `homeops:dockerHosts.<host>.memoryMb`: memory the host gives its containers. */
  dockerHostMb: Record<string, number>;
  /** `homeops:proxmox.nodes.<node>`: memory the node gives its guests, its `memoryMb` less `zfsArcMaxMb`. */
  proxmoxNodeMb: Record<string, number>;
}

/** Each machine's `memoryMb`, less what `reservedKey` (when given) keeps from its guests. */
function memoryMbOf(machines: unknown, reservedKey?: string): Record<string, number> {
  if (!isRecord(machines)) return {};
  return Object.fromEntries(
    Object.entries(machines).flatMap(([name, machine]) => {
      const memoryMb = numberOf(at(machine, "memoryMb"));
      const reservedMb = (reservedKey && numberOf(at(machine, reservedKey))) || 0;
      return memoryMb === undefined ? [] : [[name, memoryMb - reservedMb]];
    }),
  );
}

/** From a stack settings file's `config:` map. */
export function machineCapacities(config: Record<string, unknown>): MachineCapacities {
  return { dockerHostMb: memoryMbOf(config["homeops:dockerHosts"]), proxmoxNodeMb: memoryMbOf(at(config["homeops:proxmox"], "nodes"), "zfsArcMaxMb") };
}

export function readMachineCapacities(stackFile: string): MachineCapacities {
  const settings = (parse(readFileSync(stackFile, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  return machineCapacities(settings.config ?? {});
}
