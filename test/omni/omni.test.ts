/**
 * A cluster under Omni: the cluster template written from the stack file
 * (components/omni/clusterTemplate.ts); the resource that keeps it in Omni
 * (components/omni/omniClusterTemplate.ts), its provider driven the way the engine drives it
 * against a stand-in `omnictl` that records each call (arguments, the template file, the
 * environment) and answers `diff` with what the test says Omni holds; `npm run plan --
 * homelab --omni-template <file>` on this run's shared previews; and the docs' picture of it
 * (tools/diagrams/omniCluster.ts).
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { omniClusterTemplate, omniTemplateDocuments } from "../../components/omni/clusterTemplate";
import { omniClusterTemplateProvider, type OmniClusterTemplateInputs } from "../../components/omni/omniClusterTemplate";
import { validateHomelabConfig } from "../../config/stacks";
import type { OmniClusterSpec } from "../../config/talos";
import { plannedResource, type Plan } from "../../policy/contract/plan";
import { OMNI_TEMPLATE_TYPE, omniClustersOf, renderOmniCluster } from "../../tools/diagrams/omniCluster";
import { planOnSharedPreviews } from "../support/previews";
import { specTable } from "../support/specTables";
import { copy, stackConfigData } from "../support/stackConfig";
import { tempDir } from "../support/tempDirs";
import { omniTemplateProblems } from "./omniTemplateFormat";

describe("the cluster template", () => {
  function committedCluster(): OmniClusterSpec {
    const result = validateHomelabConfig(stackConfigData("homelab"));
    if ("issues" in result) throw new Error(`the committed homelab config is invalid: ${JSON.stringify(result.issues)}`);
    if (result.config.talos.manager !== "omni") throw new Error("the homelab's cluster is not Omni's");
    return result.config.talos;
  }

  const cluster = committedCluster();
  const documents = (text: string) => parseAllDocuments(text).map((document) => document.toJS() as Record<string, any>);

  test("the homelab's cluster: Talos v1.12.0 and its extensions, the three machines by the UUIDs the estate set", () => {
    const [clusterDocument, controlPlane, ...machines] = documents(omniClusterTemplate(cluster));
    expect(clusterDocument).toEqual({
      kind: "Cluster",
      name: "minipcs",
      kubernetes: { version: "v1.35.0" },
      talos: { version: "v1.12.0" },
      systemExtensions: ["siderolabs/amd-ucode", "siderolabs/iscsi-tools", "siderolabs/util-linux-tools"],
    });
    const uuids = specTable("### Talos machines").map(([, , uuid]) => uuid);
    expect(controlPlane).toEqual({ kind: "ControlPlane", machines: uuids });
    expect(machines.map((machine) => machine.name)).toEqual(uuids);
    for (const machine of machines) expect(machine).toEqual({ kind: "Machine", name: machine.name, install: { disk: "/dev/nvme0n1" } });
  });

  test("each Machine document names its host in a comment (Omni ignores comments)", () => {
    expect(omniClusterTemplate(cluster)).toContain("# talos02 (192.168.11.21, controlplane)\n\nkind: Machine\nname: 03000200-0400-0500-0021-000000000021");
  });

  test("it is a template Omni loads: the documented kinds and fields, one Cluster and ControlPlane, every Machine in a set", () => {
    expect(omniTemplateProblems(omniClusterTemplate(cluster))).toEqual([]);
    const withWorkerAndPatches: OmniClusterSpec = {
      ...copy(cluster),
      patches: [
        { name: "kubelet-extra", inline: { machine: { kubelet: { extraArgs: { "max-pods": "150" } } } } },
        { name: "adopted", idOverride: "400-cluster-minipcs-adopted", inline: { cluster: { allowSchedulingOnControlPlanes: true } } },
      ],
      machines: [...cluster.machines, { name: "talos04", uuid: "5f0c1d2e-0000-4000-8000-000000000004", address: "192.168.11.23", role: "worker", installDisk: "/dev/sda" }],
    };
    const text = omniClusterTemplate(withWorkerAndPatches);
    expect(omniTemplateProblems(text)).toEqual([]);
    expect(documents(text).map((document) => document.kind)).toEqual(["Cluster", "ControlPlane", "Workers", "Machine", "Machine", "Machine", "Machine"]);
    expect(documents(text)[0].patches[1]).toEqual({ name: "adopted", idOverride: "400-cluster-minipcs-adopted", inline: { cluster: { allowSchedulingOnControlPlanes: true } } });
    expect(documents(text)[2]).toEqual({ kind: "Workers", machines: ["5f0c1d2e-0000-4000-8000-000000000004"] });
  });

  test("the format check finds what Omni refuses (so that its passing means something)", () => {
    const text = omniClusterTemplate(cluster);
    const broken = [
      text.replace("version: v1.12.0", "version: 1.12.0"),
      text.replace("kind: ControlPlane", "kind: Controlplane"),
      `${text}---\nkind: Machine\nname: 5f0c1d2e-0000-4000-8000-000000000009\n`,
      text.replace("install:\n  disk: /dev/nvme0n1", "install:\n  disk: /dev/nvme0n1\n  wipe: true"),
      `${text}---\nkind: Workers\nmachines:\n  - 03000200-0400-0500-0019-000000000019\n`,
    ];
    expect(broken.map((variant) => omniTemplateProblems(variant).length > 0)).toEqual([true, true, true, true, true]);
  });

  test("versions get the v Omni wants, whichever way the stack file writes them", () => {
    const [clusterDocument] = omniTemplateDocuments({ ...copy(cluster), kubernetesVersion: "v1.35.2", talosVersion: "v1.12.1" });
    expect(clusterDocument).toMatchObject({ kubernetes: { version: "v1.35.2" }, talos: { version: "v1.12.1" } });
  });
});

describe("the resource that keeps it in Omni", () => {
  const KEY = "eyJuYW1lIjoiaG9tZW9wcyIsInB2a2V5IjoiLS0tLS1CRUdJTiBQR1AgUFJJVkFURSBLRVkgQkxPQ0stLS0tLSJ9";
  const TEMPLATE = "kind: Cluster\nname: minipcs\nkubernetes:\n  version: v1.35.0\ntalos:\n  version: v1.12.0\n";

  interface Call {
    args: string[];
    template: string;
    endpoint: string;
    keyMatches: boolean;
  }

  /** A stand-in omnictl in a fresh folder: logs each call as a JSON line; `diff` prints $FAKE_DIFF; `sync` fails when $FAKE_FAIL is set. */
  function fakeOmnictl(): { path: string; calls: () => Call[] } {
    const dir = tempDir();
    const log = join(dir, "calls.log");
    const path = join(dir, "omnictl");
    writeFileSync(
      path,
      `#!/usr/bin/env node
  const { appendFileSync, readFileSync } = require("node:fs");
  const args = process.argv.slice(2);
  const file = args[args.indexOf("--file") + 1];
  appendFileSync(${JSON.stringify(log)}, JSON.stringify({ args, template: readFileSync(file, "utf8"), endpoint: process.env.OMNI_ENDPOINT, keyMatches: process.env.OMNI_SERVICE_ACCOUNT_KEY === ${JSON.stringify(KEY)} }) + "\\n");
  if (args[2] === "diff") process.stdout.write(process.env.FAKE_DIFF ?? "");
  if (args[2] === "sync" && process.env.FAKE_FAIL) { process.stderr.write("rpc error: code = PermissionDenied desc = key " + process.env.OMNI_SERVICE_ACCOUNT_KEY + " has no Operator role\\n"); process.exit(1); }
  `,
    );
    chmodSync(path, 0o755);
    return { path, calls: () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n").filter(Boolean).map((line) => JSON.parse(line) as Call) : []) };
  }

  const inputs = (omnictl: string, overrides: Partial<OmniClusterTemplateInputs> = {}): OmniClusterTemplateInputs => ({
    clusterName: "minipcs",
    template: TEMPLATE,
    endpoint: "https://omni.example.com:8090",
    serviceAccountKey: KEY,
    omnictl,
    machines: [{ name: "talos01", uuid: "03000200-0400-0500-0019-000000000019", address: "192.168.11.19", role: "controlplane" }],
    ...overrides,
  });

  afterEach(() => {
    delete process.env.FAKE_DIFF;
    delete process.env.FAKE_FAIL;
  });

  test("create validates, then syncs the template; the key goes in omnictl's environment, never its arguments", async () => {
    const omnictl = fakeOmnictl();
    const created = await omniClusterTemplateProvider.create(inputs(omnictl.path));
    expect(created.id).toBe("minipcs");
    expect(omnictl.calls().map((call) => call.args.slice(0, 3))).toEqual([
      ["cluster", "template", "validate"],
      ["cluster", "template", "sync"],
    ]);
    for (const call of omnictl.calls()) {
      expect(call).toMatchObject({ template: TEMPLATE, endpoint: "https://omni.example.com:8090", keyMatches: true });
      expect(call.args.join(" ")).not.toContain(KEY);
      // The template file is gone once omnictl is done.
      expect(existsSync(call.args[4])).toBe(false);
    }
  });

  test("an unchanged template that Omni holds changes nothing, and omnictl is only asked", async () => {
    const omnictl = fakeOmnictl();
    const diff = await omniClusterTemplateProvider.diff!("minipcs", inputs(omnictl.path), inputs(omnictl.path));
    expect(diff).toEqual({ changes: false });
    expect(omnictl.calls().map((call) => call.args[2])).toEqual(["diff"]);
  });

  test("an unchanged template Omni no longer holds (a change in its UI) is an update that puts it back", async () => {
    const omnictl = fakeOmnictl();
    process.env.FAKE_DIFF = "--- ConfigPatches.omni.sidero.dev(400-cm-03000200-0400-0500-0019-000000000019-install-disk)\n+++ ...\n-  disk: /dev/sda\n+  disk: /dev/nvme0n1\n";
    expect(await omniClusterTemplateProvider.diff!("minipcs", inputs(omnictl.path), inputs(omnictl.path))).toEqual({ changes: true });
    const updated = await omniClusterTemplateProvider.update!("minipcs", inputs(omnictl.path), inputs(omnictl.path));
    expect(updated.outs).toEqual(inputs(omnictl.path));
    expect(omnictl.calls().map((call) => call.args[2])).toEqual(["diff", "validate", "sync"]);
  });

  test("a changed template is a change without asking Omni; another cluster name replaces, leaving the old cluster", async () => {
    const omnictl = fakeOmnictl();
    const changed = inputs(omnictl.path, { template: TEMPLATE.replace("v1.12.0", "v1.12.1") });
    expect(await omniClusterTemplateProvider.diff!("minipcs", inputs(omnictl.path), changed)).toEqual({ changes: true });
    expect(await omniClusterTemplateProvider.diff!("minipcs", inputs(omnictl.path), inputs(omnictl.path, { clusterName: "other" }))).toEqual({
      changes: true,
      replaces: ["clusterName"],
      deleteBeforeReplace: false,
    });
    await omniClusterTemplateProvider.delete!("minipcs", inputs(omnictl.path));
    expect(omnictl.calls()).toEqual([]);
  });

  test("a failing omnictl: its message, without the key; a missing one: how to install it", async () => {
    const omnictl = fakeOmnictl();
    process.env.FAKE_FAIL = "1";
    const failed = omniClusterTemplateProvider.create(inputs(omnictl.path));
    await expect(failed).rejects.toThrow(/^omnictl cluster template sync against https:\/\/omni\.example\.com:8090 failed: rpc error: code = PermissionDenied desc = key \[secret\] has no Operator role$/);
    await expect(omniClusterTemplateProvider.create(inputs(join(tempDir(), "no-omnictl")))).rejects.toThrow(/is not installed or not on PATH/);
  });
});

describe("npm run plan -- homelab --omni-template", () => {
  const plan = planOnSharedPreviews;

  test("writes the homelab's cluster template, a template Omni loads", async () => {
    const file = join(tempDir(), "cluster-template.yaml");
    const result = await plan("homelab", "--omni-template", file);
    expect(result.stdout).toContain(`Omni cluster template written to ${file} (compare: omnictl cluster template diff --file ${file})`);
    const text = readFileSync(file, "utf8");
    expect(text).toMatch(/^kind: Cluster\nname: minipcs\n/);
    expect(omniTemplateProblems(text)).toEqual([]);
  });

  test("a stack without a cluster under Omni says so", async () => {
    const result = await plan("vps", "--omni-template", join(tempDir(), "none.yaml"));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('error: stack "vps" declares no cluster under Omni (homeops:talos.manager: omni), so there is no cluster template to write');
  });
});

describe("the docs' picture of it", () => {
  const machines = [
    { name: "cp-1", uuid: "5f0c1d2e-0000-4000-8000-000000000001", address: "10.0.0.11", role: "controlplane" as const, installDisk: "/dev/sda" },
    { name: "w-1", uuid: "5f0c1d2e-0000-4000-8000-000000000002", address: "10.0.0.21", role: "worker" as const, installDisk: "/dev/nvme0n1" },
  ];
  const template = omniClusterTemplate({
    manager: "omni",
    clusterName: "lab",
    talosVersion: "v1.12.0",
    kubernetesVersion: "1.35.0",
    network: "lan",
    systemExtensions: ["siderolabs/iscsi-tools"],
    cni: { name: "flannel" },
    patches: [],
    omni: { endpoint: "https://omni.example.com", serviceAccountKey: { configSecret: "omniServiceAccountKey" } },
    evenControlPlanesAcknowledged: false,
    machines,
  });
  const plan: Plan = {
    stack: "lab",
    project: "homeops",
    resources: [
      plannedResource("urn:t", OMNI_TEMPLATE_TYPE, "lab", {
        clusterName: "lab",
        template,
        endpoint: "https://omni.example.com",
        serviceAccountKey: "[secret]",
        machines: machines.map(({ name, uuid, address, role }) => ({ name, uuid, address, role })),
      }),
    ],
  } as Plan;

  test("the machines with their role and the install disk the template gives each", () => {
    expect(omniClustersOf(plan)).toEqual([
      { name: "lab", endpoint: "https://omni.example.com", talosVersion: "v1.12.0", kubernetesVersion: "v1.35.0", systemExtensions: ["siderolabs/iscsi-tools"], machines: machines.map((machine) => ({ ...machine })) },
    ]);
  });

  test("a table of the machines and Omni between the program and them", () => {
    const lines = renderOmniCluster(omniClustersOf(plan)[0]);
    expect(lines).toContain("| w-1 | 10.0.0.21 | worker | 5f0c1d2e-0000-4000-8000-000000000002 | /dev/nvme0n1 |");
    expect(lines).toContain('  program -- "cluster template (omnictl cluster template sync)" --> omni');
    expect(lines).toContain('  omni -- "SideroLink: configs, upgrades" --> m_cp_1');
  });
});
