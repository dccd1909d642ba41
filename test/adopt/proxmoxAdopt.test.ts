/**
 * `npm run adopt -- proxmox --endpoint <url>` against a Proxmox API on loopback
 * (test/adopt/fakeProxmoxApi.ts), through the command function in-process; the process
 * boundary (exit code, stderr, the token from the environment) is in test/tools/processes.test.ts.
 */
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { parse } from "yaml";
import { containersSchema, proxmoxSchema, vmsSchema } from "../../config/proxmox";
import { adoptCommand } from "../../tools/adopt/cli";
import { runCommand, STACK_FRAME, type CliRun } from "../support/runCli";
import { tempDir } from "../support/tempDirs";
import { fakeProxmoxApi, pve03Routes, r720xdRoutes, type FakeAnswer } from "./fakeProxmoxApi";

const TOKEN = "homeops@pve!adopt=9f1d2c3b-4a5e-4f60-8172-93a4b5c6d7e8";
const SECRET = TOKEN.split("=")[1];

/** The test's environment with the token variable set to `token`, or without it (null). */
function environment(token: string | null): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.PROXMOX_VE_API_TOKEN;
  return token === null ? env : { ...env, PROXMOX_VE_API_TOKEN: token };
}

/** The command with `args`, the token in its environment (or none: null). */
const adopt = (args: string[], token: string | null = TOKEN) => runCommand((argv, output) => adoptCommand(argv, output, environment(token)), args);

/** Runs the tool against `routes`, the token in its environment unless `token` says otherwise. */
async function adoptFrom(routes: Record<string, FakeAnswer>, args: string[] = [], token: string | null = TOKEN) {
  const api = await fakeProxmoxApi(routes);
  try {
    const run = await adopt(["proxmox", "--endpoint", api.url, ...args], token);
    return { run, api };
  } finally {
    await api.close();
  }
}

const config = (run: CliRun) => parse(run.stdout) as Record<string, any>;
const noSecretShown = (run: CliRun) => {
  expect(run.stdout + run.stderr).not.toContain(SECRET);
  expect(run.stdout + run.stderr).not.toMatch(STACK_FRAME);
};

describe("a node's guests and storages as stack-file entries", () => {
  test("the LXCs of a standalone node, its storages and memory, and the import lines", async () => {
    const { run, api } = await adoptFrom(pve03Routes());
    expect(run.stderr).not.toMatch(/^unmapped/m);
    expect(run.status).toBe(0);
    // The token goes in the header the API documents, and nowhere else.
    expect(new Set(api.authorizations)).toEqual(new Set([`PVEAPIToken=${TOKEN}`]));
    noSecretShown(run);
    const entries = config(run);
    expect(entries["homeops:proxmox"]).toEqual({
      networks: { vmbr0: { bridge: "vmbr0", subnet: "192.168.11.0/24", gateway: "192.168.11.1" } },
      nodes: {
        pve03: {
          address: "192.168.11.12",
          memoryMb: 30720,
          zfsArcMaxMb: 0,
          datastores: { local: ["backup", "iso", "vztmpl"], "local-zfs": ["images", "rootdir"] },
          // The installer's bridge as it is, to adopt without changing it; the physical port is not declared.
          bridges: { vmbr0: { existing: true, address: "192.168.11.12/24", gateway: "192.168.11.1", ports: ["enp1s0"], vlanAware: false } },
        },
      },
    });
    expect(entries["homeops:proxmoxContainers"].komodo).toEqual({
      node: "pve03",
      vmId: 200,
      description: "Komodo Core",
      template: "<the OS template it was created from>",
      osType: "ubuntu",
      cores: 4,
      memoryMb: 8192,
      swapMb: 512,
      rootDisk: { datastore: "local-zfs", sizeGb: 64 },
      network: [{ network: "vmbr0", ip: "192.168.11.200" }],
      unprivileged: true,
      features: { nesting: true, keyctl: false, fuse: false },
      startOnBoot: true,
      tags: ["docker", "komodo"],
    });
    expect(entries["homeops:proxmoxContainers"].nvr).toMatchObject({
      mountPoints: [{ hostPath: "/mnt/pve/nvr", path: "/media/frigate" }],
      devices: [{ path: "/dev/apex_0" }, { path: "/dev/dri/renderD128", gid: 104, mode: "0660" }],
    });
    // The template is not a guest: it is not adopted.
    expect(entries["homeops:proxmoxVms"]).toBeUndefined();
    expect(run.stdout).toContain(`{"type":"proxmoxve:index/containerLegacy:ContainerLegacy","name":"komodo","id":"pve03/200"}`);
    expect(run.stdout).toContain(`{"type":"proxmoxve:index/containerLegacy:ContainerLegacy","name":"nvr","id":"pve03/201"}`);
    // What Proxmox does not record is listed to fill, by its key.
    expect(run.stderr).toContain("to fill: homeops:proxmoxContainers.komodo.template:");
    // A Proxmox VE without resource mappings (before 8.0) answers GET /cluster/mapping/pci with an error: they are to fill by hand.
    expect(run.stderr).toContain("to fill: homeops:proxmox.pciMappings: GET /cluster/mapping/pci: 501");
    expect(run.stderr).toContain("to fill: homeops:proxmox.nodes.pve03.zfsArcMaxMb:");
    // Filled in, the entries are what the program's schema takes.
    const containers = entries["homeops:proxmoxContainers"];
    for (const container of Object.values(containers) as Record<string, unknown>[]) container.template = "local:vztmpl/ubuntu-24.04-standard_24.04-2_amd64.tar.zst";
    expect(containersSchema.safeParse(containers).error).toBeUndefined();
  });

  test("a VM with an OS of its own: its disks on their pools, and the address it sets itself to fill", async () => {
    const { run } = await adoptFrom(r720xdRoutes());
    expect(run.status).toBe(0);
    const entries = config(run);
    expect(entries["homeops:proxmox"].nodes.r720xd).toMatchObject({ address: "192.168.11.15", memoryMb: 262144 });
    expect(entries["homeops:proxmoxVms"].seaweedfs).toEqual({
      node: "r720xd",
      vmId: 100,
      cores: 4,
      cpuType: "x86-64-v2-AES",
      memoryMb: 8192,
      machine: "q35",
      uefi: false,
      disks: [
        { interface: "scsi0", datastore: "ssdpool0-store", sizeGb: 64 },
        { interface: "scsi1", datastore: "pool0-store", sizeGb: 2048 },
      ],
      network: [{ network: "vmbr0", ip: "<the address the guest configures>", macAddress: "BC:24:11:AA:BB:CC", firewall: true }],
      guestAgent: true,
      startOnBoot: true,
      tags: ["docker", "seaweedfs"],
    });
    expect(run.stderr).toContain("to fill: homeops:proxmoxVms.seaweedfs.network[0].ip: qemu 100 (seaweedfs) on r720xd: the guest sets its own address");
    expect(run.stdout).toContain(`{"type":"proxmoxve:index/vmLegacy:VmLegacy","name":"seaweedfs","id":"r720xd/100"}`);
    // A VLAN-aware bridge with the VLANs it carries, and the node's own leg on VLAN 40.
    expect(entries["homeops:proxmox"].nodes.r720xd).toMatchObject({
      bridges: { vmbr0: { existing: true, address: "192.168.11.15/24", gateway: "192.168.11.1", ports: ["eno1"], vlanAware: true, vlanIds: ["2-4094"] } },
      vlans: { "vmbr0.40": { existing: true, address: "10.40.0.15/24", comment: "storage" } },
    });
    expect(proxmoxSchema.shape.nodes.safeParse(entries["homeops:proxmox"].nodes).error).toBeUndefined();
    const vms = entries["homeops:proxmoxVms"];
    vms.seaweedfs.network[0].ip = "192.168.11.133";
    expect(vmsSchema.safeParse(vms).error).toBeUndefined();
  });

  test("a setting the stack file cannot declare is listed and makes the exit code 1, unless allowed", async () => {
    const routes = r720xdRoutes({ hostpci0: "0000:42:00.0,pcie=1" });
    const refused = await adoptFrom(routes);
    expect(refused.run.status).toBe(1);
    expect(refused.run.stderr).toContain("unmapped: qemu 100 (seaweedfs) on r720xd: hostpci0: the raw PCI device 0000:42:00.0: declare a resource mapping of it in homeops:proxmox.pciMappings");
    const allowed = await adoptFrom(routes, ["--allow-unmapped"]);
    expect(allowed.run.status).toBe(0);
    expect(config(allowed.run)["homeops:proxmoxVms"].seaweedfs.vmId).toBe(100);
  });

  test("a GPU passed through by its mapping, and cloud-init's user and keys", async () => {
    const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTestsOnly0000000000000000000000 ops@laptop";
    const routes = r720xdRoutes({
      hostpci0: "mapping=rtx3090,pcie=1,x-vga=1",
      bios: "ovmf",
      ide2: "ssdpool0-store:vm-100-cloudinit,media=cdrom",
      ipconfig0: "ip=dhcp",
      ciuser: "ops",
      sshkeys: encodeURIComponent(`${key}\n`),
      cipassword: "**********",
    });
    const { run } = await adoptFrom(routes);
    expect(run.status).toBe(0);
    const vm = config(run)["homeops:proxmoxVms"].seaweedfs;
    expect(vm).toMatchObject({
      uefi: true,
      pciDevices: [{ mapping: "rtx3090", pcie: true, primaryGpu: true }],
      network: [{ network: "vmbr0", ip: "dhcp", firewall: true }],
      cloudInit: { datastore: "ssdpool0-store", user: "ops", sshKeys: [key], password: { configSecret: "<a config secret key>" } },
    });
    // The cluster's mapping, to adopt as it is: imported by its name, never created again.
    const mappings = config(run)["homeops:proxmox"].pciMappings;
    expect(mappings).toEqual({
      rtx3090: { existing: true, comment: "RTX 3090", devices: [{ node: "r720xd", path: "0000:42:00.0", id: "10de:2204", subsystemId: "1458:403b", iommuGroup: 42 }] },
    });
    expect(proxmoxSchema.shape.pciMappings.safeParse(mappings).error).toBeUndefined();
    expect(run.stdout).toContain(`{"type":"proxmoxve:hardware/mapping/pci:Pci","name":"proxmox/pci/rtx3090","id":"rtx3090"}`);
    expect(run.stderr).not.toContain("to fill: homeops:proxmox.pciMappings");
    // The password is listed to fill; the password itself is never read.
    expect(run.stderr).toContain("to fill: homeops:proxmoxVms.seaweedfs.cloudInit.password:");
    expect(run.stderr).not.toContain("network[0].ip");
    expect(vmsSchema.safeParse({ seaweedfs: vm }).error).toBeUndefined();
  });

  test("the token may come from a file", async () => {
    const file = join(tempDir(), "token");
    writeFileSync(file, `${TOKEN}\n`);
    const { run, api } = await adoptFrom(pve03Routes(), ["--token-file", file], null);
    expect(run.status).toBe(0);
    expect(api.authorizations[0]).toBe(`PVEAPIToken=${TOKEN}`);
  });
});

describe("refusals: a clear error, exit 1, no stack trace, no token", () => {
  test("a token without the privilege to read a guest's config (403)", async () => {
    const routes = { ...pve03Routes(), "/nodes/pve03/lxc/201/config": { status: 403, reason: "Permission check failed (/vms/201, VM.Audit)" } };
    const { run } = await adoptFrom(routes);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("error: GET /nodes/pve03/lxc/201/config: 403 Permission check failed (/vms/201, VM.Audit): the token lacks a privilege");
    noSecretShown(run);
  });

  test("a token without rights at all: the API lists nothing it may not see", async () => {
    const { run } = await adoptFrom({ "/cluster/resources": { data: [] } });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("error: GET /cluster/resources lists no node: the token lacks Sys.Audit");
    noSecretShown(run);
  });

  test("a token the API does not accept (401)", async () => {
    const { run } = await adoptFrom({ "/cluster/resources": { status: 401, reason: "authentication failure" } });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("error: GET /cluster/resources: 401 authentication failure: the API token is not valid");
    noSecretShown(run);
  });

  test("a node the cluster lists offline: the others are printed, its guests named, exit 1", async () => {
    const pve03 = pve03Routes();
    const r720xd = r720xdRoutes();
    const resources = [
      ...((r720xd["/cluster/resources"].data as object[]) ?? []),
      // An offline node's guests keep their last known place; its own status is "offline".
      { id: "node/pve03", type: "node", node: "pve03", status: "offline" },
      { id: "lxc/200", type: "lxc", node: "pve03", vmid: 200, name: "komodo", status: "unknown" },
    ];
    const routes = {
      ...r720xd,
      "/cluster/resources": { data: resources },
      "/cluster/status": { data: [...(r720xd["/cluster/status"].data as object[]), { type: "node", id: "node/pve03", name: "pve03", ip: "192.168.11.12", online: 0 }] },
      "/nodes/pve03/storage": { status: 595, reason: "Errors during connection establishment, proxy handshake failed" },
      "/nodes/pve03/lxc/200/config": pve03["/nodes/pve03/lxc/200/config"],
    };
    const { run, api } = await adoptFrom(routes);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("error: node pve03 is offline: its storages and guests (200) were not read");
    expect(config(run)["homeops:proxmoxVms"].seaweedfs.node).toBe("r720xd");
    expect(api.paths.filter((path) => path.startsWith("/nodes/pve03"))).toEqual([]);
    noSecretShown(run);
  });

  test("a node that stops answering mid-way (pveproxy's 595)", async () => {
    const routes = { ...pve03Routes(), "/nodes/pve03/lxc/200/config": { status: 595, reason: "Connection refused" } };
    const { run } = await adoptFrom(routes);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("error: GET /nodes/pve03/lxc/200/config: 595 Connection refused: node pve03 does not answer");
    noSecretShown(run);
  });

  test("an endpoint nothing listens on", async () => {
    // A port that was free a moment ago.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    const run = await adopt(["proxmox", "--endpoint", `http://127.0.0.1:${port}/`]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`error: cannot reach http://127.0.0.1:${port} (GET /cluster/resources): ECONNREFUSED`);
    noSecretShown(run);
  });

  test("no token, a malformed one, or one on the command line", async () => {
    const missing = await adoptFrom(pve03Routes(), [], null);
    expect(missing.run.status).toBe(1);
    expect(missing.run.stderr).toContain("error: no API token: set PROXMOX_VE_API_TOKEN or pass --token-file <file>");
    expect(missing.api.paths).toEqual([]);

    const malformed = await adoptFrom(pve03Routes(), [], `root@pam:${SECRET}`);
    expect(malformed.run.status).toBe(1);
    expect(malformed.run.stderr).toContain("error: the token in $PROXMOX_VE_API_TOKEN is not of the form USER@REALM!TOKENID=SECRET");
    noSecretShown(malformed.run);

    const onArgv = await adoptFrom(pve03Routes(), ["--token", TOKEN]);
    expect(onArgv.run.status).toBe(1);
    expect(onArgv.run.stderr).toMatch(/^error: Unknown option '--token'/m);
    expect(onArgv.api.paths).toEqual([]);
  });
});
