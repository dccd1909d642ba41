/**
 * Memory capacity per machine: the sum of what its guests or containers declare must fit
 * what the machine has. Plain data; no Pulumi.
 */

export interface MemoryClaim {
  /** The Docker host or Proxmox node. */
  machine: string;
  /** Who claims the memory (container or guest name). */
  claimant: string;
  /** Declared memory in MB; undefined when missing or malformed (another policy reports that). */
  mb: number | undefined;
}

export interface CapacityProblem {
  machine: string;
  totalMb: number;
  /** Undefined when the configuration declares no capacity for this machine. */
  capacityMb: number | undefined;
  /** The largest claims, biggest first, to say where the memory goes. */
  largest: { claimant: string; mb: number }[];
  /** Claims without a usable amount, not counted in the total. */
  uncounted: number;
}

function byMachine(claims: readonly MemoryClaim[]): Map<string, MemoryClaim[]> {
  const machines = new Map<string, MemoryClaim[]>();
  for (const claim of claims) {
    const list = machines.get(claim.machine);
    if (list) list.push(claim);
    else machines.set(claim.machine, [claim]);
  }
  return machines;
}

function summarize(machine: string, claims: MemoryClaim[], capacityMb: number | undefined): CapacityProblem {
  const counted = claims.flatMap((claim) => (claim.mb === undefined ? [] : [{ claimant: claim.claimant, mb: claim.mb }]));
  const totalMb = counted.reduce((sum, claim) => sum + claim.mb, 0);
  const largest = counted.sort((a, b) => b.mb - a.mb || a.claimant.localeCompare(b.claimant)).slice(0, 3);
  return { machine, totalMb, capacityMb, largest, uncounted: claims.length - counted.length };
}

/** Machines whose claims exceed their capacity, or that have claims but no declared capacity. */
export function capacityProblems(claims: readonly MemoryClaim[], capacityMb: Readonly<Record<string, number>>): CapacityProblem[] {
  return [...byMachine(claims)]
    .map(([machine, machineClaims]) => summarize(machine, machineClaims, Object.hasOwn(capacityMb, machine) ? capacityMb[machine] : undefined))
    .filter((summary) => summary.capacityMb === undefined || summary.totalMb > summary.capacityMb)
    .sort((a, b) => a.machine.localeCompare(b.machine));
}

export function describeCapacityProblem(problem: CapacityProblem, what: string): string {
  const largest = problem.largest.map((claim) => `${claim.claimant} ${claim.mb} MB`).join(", ");
  const uncounted = problem.uncounted > 0 ? `; ${problem.uncounted} without a usable memory value not counted` : "";
  const declared = `${what} ${problem.machine} declares ${problem.totalMb} MB (largest: ${largest || "none"}${uncounted})`;
  return problem.capacityMb === undefined
    ? `${declared}, but the pack configuration gives no capacity for ${problem.machine}.`
    : `${declared}, more than its capacity of ${problem.capacityMb} MB.`;
}
