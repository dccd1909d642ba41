/**
 * A Proxmox VE API on loopback (node:http) that answers the GETs `npm run adopt -- proxmox`
 * makes, in the API's JSON shapes: every answer is `{"data": ...}`, and a refused call is an
 * HTTP status with the reason in the status line and `{"data": null}`.
 *
 * Where the shapes come from: the Proxmox VE API viewer (pve.proxmox.com/pve-docs/api-viewer)
 * for GET /cluster/resources (id, type, node, status, vmid, name, maxmem, template, storage,
 * plugintype), GET /cluster/status (type, name, ip, online, local), GET /cluster/mapping/pci
 * (each mapping's section of mapping/pci.cfg: id, description, mdev, map as property strings
 * `node=,path=,id=,subsystem-id=,iommugroup=`, digest; PVE::API2::Cluster::Mapping::PCI), GET /nodes/{node}/storage
 * (storage, type, content, enabled, active) and GET /nodes/{node}/lxc|qemu/{vmid}/config (the
 * keys of pct.conf(5) and qm.conf(5), property strings such as
 * `name=eth0,bridge=vmbr0,gw=...,ip=.../24,type=veth` and `<storage>:<volume>,size=64G`); the
 * resource list's fields as the Proxmox provider reads them, ResourcesListResponseData in
 * bpg/terraform-provider-proxmox proxmox/cluster/cluster_types.go; 595 is what pveproxy answers
 * when it cannot reach the node that holds a resource.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeAnswer {
  status?: number;
  reason?: string;
  data?: unknown;
}

export interface FakeProxmox {
  url: string;
  /** The Authorization headers received, in order. */
  authorizations: string[];
  paths: string[];
  close(): Promise<void>;
}

/** Serves `routes` (path below /api2/json -> answer); any other path is a 501 as pveproxy answers an unknown method. */
export async function fakeProxmoxApi(routes: Record<string, FakeAnswer>): Promise<FakeProxmox> {
  const authorizations: string[] = [];
  const paths: string[] = [];
  const server: Server = createServer((request, response) => {
    authorizations.push(String(request.headers.authorization ?? ""));
    const path = (request.url ?? "").replace(/^\/api2\/json/, "");
    paths.push(path);
    const answer = routes[path] ?? { status: 501, reason: `Method 'GET /api2/json${path}' not implemented` };
    response.writeHead(answer.status ?? 200, answer.reason ?? "OK", { "Content-Type": "application/json;charset=UTF-8" });
    response.end(JSON.stringify({ data: answer.data ?? null }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    authorizations,
    paths,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const GIB = 1024 ** 3;

/** A standalone node like the estate's pve03: three LXCs (one a Docker host with a bind mount) and a VM template. */
export function pve03Routes(): Record<string, FakeAnswer> {
  return {
    "/cluster/resources": {
      data: [
        { id: "node/pve03", type: "node", node: "pve03", status: "online", maxmem: 30 * GIB, maxcpu: 12, level: "", cgroup_mode: 2 },
        { id: "storage/pve03/local", type: "storage", node: "pve03", storage: "local", plugintype: "dir", status: "available", content: "iso,vztmpl,backup", shared: 0 },
        { id: "storage/pve03/local-zfs", type: "storage", node: "pve03", storage: "local-zfs", plugintype: "zfspool", status: "available", content: "images,rootdir", shared: 0 },
        { id: "lxc/200", type: "lxc", node: "pve03", vmid: 200, name: "komodo", status: "running", maxmem: 8 * GIB, template: 0 },
        { id: "lxc/201", type: "lxc", node: "pve03", vmid: 201, name: "nvr", status: "running", maxmem: 8 * GIB, template: 0 },
        { id: "qemu/9000", type: "qemu", node: "pve03", vmid: 9000, name: "ubuntu-template", status: "stopped", maxmem: 2 * GIB, template: 1 },
      ],
    },
    "/cluster/status": { data: [{ type: "node", id: "node/pve03", name: "pve03", ip: "192.168.11.12", local: 1, online: 1, nodeid: 0, level: "" }] },
    "/nodes/pve03/network": {
      data: [
        { iface: "enp1s0", type: "eth", method: "manual", active: 1 },
        { iface: "vmbr0", type: "bridge", method: "static", cidr: "192.168.11.12/24", gateway: "192.168.11.1", bridge_ports: "enp1s0", autostart: 1, active: 1 },
      ],
    },
    "/nodes/pve03/storage": {
      data: [
        { storage: "local", type: "dir", content: "iso,vztmpl,backup", enabled: 1, active: 1, shared: 0, total: 100 * GIB, used: 10 * GIB, avail: 90 * GIB },
        { storage: "local-zfs", type: "zfspool", content: "images,rootdir", enabled: 1, active: 1, shared: 0, total: 800 * GIB, used: 100 * GIB, avail: 700 * GIB },
      ],
    },
    "/nodes/pve03/lxc/200/config": {
      data: {
        arch: "amd64",
        cores: 4,
        description: "Komodo Core\n",
        features: "nesting=1",
        hostname: "komodo",
        memory: 8192,
        net0: "name=eth0,bridge=vmbr0,firewall=1,gw=192.168.11.1,hwaddr=BC:24:11:5E:7A:01,ip=192.168.11.200/24,type=veth",
        onboot: 1,
        ostype: "ubuntu",
        rootfs: "local-zfs:subvol-200-disk-0,size=64G",
        swap: 512,
        tags: "docker;komodo",
        unprivileged: 1,
        digest: "5d8c7a1f0f2e4b1e9a6c3d2b1a0f9e8d7c6b5a49",
      },
    },
    "/nodes/pve03/lxc/201/config": {
      data: {
        arch: "amd64",
        cores: 4,
        dev0: "/dev/apex_0",
        dev1: "/dev/dri/renderD128,gid=104,mode=0660",
        features: "keyctl=1,nesting=1",
        hostname: "nvr",
        memory: 8192,
        mp0: "/mnt/pve/nvr,mp=/media/frigate",
        net0: "name=eth0,bridge=vmbr0,gw=192.168.11.1,hwaddr=BC:24:11:5E:7A:02,ip=192.168.11.89/24,type=veth",
        onboot: 1,
        ostype: "debian",
        rootfs: "local-zfs:subvol-201-disk-0,size=32G",
        swap: 0,
        unprivileged: 1,
        digest: "0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b",
      },
    },
  };
}

/** A standalone node like the estate's r720xd: ZFS pools and one VM with an OS of its own. */
export function r720xdRoutes(vmConfig: Record<string, unknown> = {}): Record<string, FakeAnswer> {
  return {
    "/cluster/resources": {
      data: [
        { id: "node/r720xd", type: "node", node: "r720xd", status: "online", maxmem: 256 * GIB, maxcpu: 32 },
        { id: "qemu/100", type: "qemu", node: "r720xd", vmid: 100, name: "seaweedfs", status: "running", maxmem: 8 * GIB, template: 0 },
      ],
    },
    "/cluster/status": { data: [{ type: "node", id: "node/r720xd", name: "r720xd", ip: "192.168.11.15", local: 1, online: 1, nodeid: 0 }] },
    // The GPU's mapping made in the UI (Datacenter > Resource Mappings): the section of /etc/pve/mapping/pci.cfg with its id and digest.
    "/cluster/mapping/pci": {
      data: [
        {
          id: "rtx3090",
          description: "RTX 3090",
          map: ["node=r720xd,path=0000:42:00.0,id=10de:2204,subsystem-id=1458:403b,iommugroup=42"],
          digest: "5e1f0c2a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f",
        },
      ],
    },
    "/nodes/r720xd/network": {
      data: [
        { iface: "eno1", type: "eth", method: "manual", active: 1 },
        { iface: "vmbr0", type: "bridge", method: "static", cidr: "192.168.11.15/24", gateway: "192.168.11.1", bridge_ports: "eno1", bridge_vlan_aware: 1, bridge_vids: "2-4094", autostart: 1, active: 1 },
        { iface: "vmbr0.40", type: "vlan", method: "static", cidr: "10.40.0.15/24", "vlan-raw-device": "vmbr0", "vlan-id": "40", comments: "storage\n", autostart: 1 },
      ],
    },
    "/nodes/r720xd/storage": {
      data: [
        { storage: "local", type: "dir", content: "backup,iso,vztmpl", enabled: 1, active: 1 },
        { storage: "pool0-store", type: "zfspool", content: "rootdir,images", enabled: 1, active: 1 },
        { storage: "ssdpool0-store", type: "zfspool", content: "images,rootdir", enabled: 1, active: 1 },
        { storage: "local-ssd", type: "zfspool", content: "images,rootdir", enabled: 1, active: 1 },
      ],
    },
    "/nodes/r720xd/qemu/100/config": {
      data: {
        agent: "1",
        boot: "order=scsi0;ide2;net0",
        cores: 4,
        cpu: "x86-64-v2-AES",
        ide2: "none,media=cdrom",
        machine: "q35",
        memory: "8192",
        meta: "creation-qemu=9.0.2,ctime=1741900000",
        name: "seaweedfs",
        net0: "virtio=BC:24:11:AA:BB:CC,bridge=vmbr0,firewall=1",
        numa: 0,
        onboot: 1,
        ostype: "l26",
        scsi0: "ssdpool0-store:vm-100-disk-0,iothread=1,size=64G",
        scsi1: "pool0-store:vm-100-disk-1,iothread=1,size=2T",
        scsihw: "virtio-scsi-single",
        smbios1: "uuid=6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
        sockets: 1,
        tags: "docker;seaweedfs",
        vmgenid: "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
        digest: "ffeeddccbbaa99887766554433221100ffeeddcc",
        ...vmConfig,
      },
    },
  };
}
