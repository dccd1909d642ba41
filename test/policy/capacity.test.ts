import { capacityProblems, describeCapacityProblem } from "../../policy/capacity";

const claims = [
  { machine: "vps", claimant: "alloy", mb: 768 },
  { machine: "vps", claimant: "traefik", mb: 256 },
  { machine: "vps", claimant: "pangolin", mb: 512 },
  { machine: "vps", claimant: "lldap", mb: 256 },
  { machine: "vps", claimant: "broken", mb: undefined },
  { machine: "pve1", claimant: "VM k8s-1", mb: 8192 },
];

describe("capacityProblems", () => {
  test("a machine within its capacity is fine, including exactly at it", () => {
    expect(capacityProblems(claims, { vps: 1792, pve1: 8192 })).toEqual([]);
  });

  test("over capacity: the sum, the capacity, the largest claims and what was not counted", () => {
    const [problem, ...others] = capacityProblems(claims, { vps: 1024, pve1: 16384 });
    expect(others).toEqual([]);
    expect(problem).toEqual({
      machine: "vps",
      totalMb: 1792,
      capacityMb: 1024,
      largest: [{ claimant: "alloy", mb: 768 }, { claimant: "pangolin", mb: 512 }, { claimant: "lldap", mb: 256 }],
      uncounted: 1,
    });
    expect(describeCapacityProblem(problem, "Docker host")).toBe(
      "Docker host vps declares 1792 MB (largest: alloy 768 MB, pangolin 512 MB, lldap 256 MB; 1 without a usable memory value not counted), more than its capacity of 1024 MB.",
    );
  });

  test("a machine without a declared capacity is reported", () => {
    const [problem] = capacityProblems(claims, { vps: 4096 });
    expect(describeCapacityProblem(problem, "Proxmox node")).toBe(
      "Proxmox node pve1 declares 8192 MB (largest: VM k8s-1 8192 MB), but the pack configuration gives no capacity for pve1.",
    );
  });

  test("capacity keys are looked up as own properties only", () => {
    expect(capacityProblems([{ machine: "toString", claimant: "x", mb: 1 }], {}).map((p) => p.capacityMb)).toEqual([undefined]);
  });
});
