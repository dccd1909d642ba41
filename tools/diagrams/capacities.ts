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
  /** `homeops:proxmox.nodes.<node>.memoryMb`: memory the node gives its guests. */
  proxmoxNodeMb: Record<string, number>;
}

function memoryMbOf(machines: unknown): Record<string, number> {
  if (!isRecord(machines)) return {};
  return Object.fromEntries(
    Object.entries(machines).flatMap(([name, machine]) => {
      const memoryMb = numberOf(at(machine, "memoryMb"));
      return memoryMb === undefined ? [] : [[name, memoryMb]];
    }),
  );
}

/** From a stack settings file's `config:` map. */
export function machineCapacities(config: Record<string, unknown>): MachineCapacities {
  return { dockerHostMb: memoryMbOf(config["homeops:dockerHosts"]), proxmoxNodeMb: memoryMbOf(at(config["homeops:proxmox"], "nodes")) };
}

export function readMachineCapacities(stackFile: string): MachineCapacities {
  const settings = (parse(readFileSync(stackFile, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  return machineCapacities(settings.config ?? {});
}
