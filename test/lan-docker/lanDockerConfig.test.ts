/**
 * The committed LAN Docker inventory against the spec's host table and the rules of the
 * shared Alloy stack: hosts, stacks, images, ports, devices, capacities. Field-for-field
 * equality with the running estate is test/adopt/estateCheck.test.ts.
 */
import { dockerHostsSchema, dockerStacksSchema, type ContainerSpec, type DockerStackSpec } from "../../config/docker";
import { specTable } from "../support/specTables";
import { stackConfigData } from "../support/stackConfig";

const raw = stackConfigData("homelab");
const hosts = dockerHostsSchema.parse(raw.dockerHosts);
const stacks = dockerStacksSchema.parse(raw.dockerStacks);
const rows = specTable("### Proxmox guests and Docker hosts");

const stacksOn = (host: string) => stacks.filter((stack) => stack.host === host);
const containersOn = (host: string): ContainerSpec[] => stacksOn(host).flatMap((stack) => stack.containers);
const container = (name: string) => {
  const found = stacks.flatMap((stack) => stack.containers).find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no container ${name}`);
  return found;
};

/** "traefik (`traefik:v3.7.10`, ports 80), vaultwarden (...), server04-alloy" -> stack names and their notes. */
function specStacks(cell: string): { name: string; notes: string }[] {
  const stacksFound: { name: string; notes: string }[] = [];
  let depth = 0;
  let current = "";
  for (const character of `${cell},`) {
    if (character === "," && depth === 0) {
      const [, name, notes = ""] = /^\s*([a-z0-9-]+)\s*(?:\((.*)\))?\s*$/.exec(current) ?? [];
      stacksFound.push({ name, notes });
      current = "";
      continue;
    }
    if (character === "(") depth++;
    if (character === ")") depth--;
    current += character;
  }
  return stacksFound;
}

// Where the estate (what runs) and the spec disagree, the estate wins.
const ESTATE_IMAGES: Record<string, string> = { "chrislusf/seaweedfs:4.22": "chrislusf/seaweedfs:4.30", "ghcr.io/moghtech/komodo-core:1.19.5": "ghcr.io/moghtech/komodo-core:2.3.2" };

describe("the six hosts of the spec, and the estate's storage host", () => {
  test("names and addresses", () => {
    expect(rows).toHaveLength(6);
    expect(Object.fromEntries(Object.entries(hosts).map(([name, host]) => [name, host.address]))).toEqual({
      ...Object.fromEntries(rows.map(([host, address]) => [host, address])),
      storage: "192.168.11.244",
    });
    expect(stacksOn("storage").map((stack) => stack.name)).toEqual(["garage", "garage-snapshotter", "backup-verifier"]);
  });

  test.each(rows.map((row) => [row[0], row[3]]))("%s runs exactly the spec's stacks, with the spec's images", (host, cell) => {
    const expected = specStacks(cell);
    expect(stacksOn(host).map((stack) => stack.name).sort()).toEqual(expected.map((stack) => stack.name).sort());
    const images = containersOn(host).map((candidate) => candidate.image);
    for (const { notes } of expected) for (const [, image] of notes.matchAll(/`([^`/][^`]*:[^`]+)`/g)) expect(images).toContain(ESTATE_IMAGES[image] ?? image);
  });

  test("komodo-core is Postgres (DocumentDB), FerretDB and Core, keeping the estate's volumes", () => {
    const [core] = stacksOn("komodo").filter((stack) => stack.name === "komodo-core");
    // compose's names: <project>-<service>-1.
    expect(core.containers.map((candidate) => candidate.name)).toEqual(["komodo-core-postgres-1", "komodo-core-ferretdb-1", "komodo-core-core-1"]);
    expect(core.volumes).toEqual({ "postgres-data": { dockerName: "komodo_postgres-data" }, "ferretdb-state": { dockerName: "komodo_ferretdb-state" } });
    expect(container("komodo-core-core-1").dependsOn).toEqual({ "komodo-core-ferretdb-1": "healthy" });
    expect(container("komodo-core-ferretdb-1").dependsOn).toEqual({ "komodo-core-postgres-1": "healthy" });
  });

  test("traefik publishes 80, 443 and 9091->8080; frigate is privileged with the Coral TPU and its ports", () => {
    expect(container("traefik").ports.map((port) => `${port.external}->${port.internal}/${port.protocol}`)).toEqual(["80->80/tcp", "443->443/tcp", "9091->8080/tcp"]);
    const frigate = container("frigate");
    expect(frigate.privileged).toBe(true);
    expect(frigate.devices).toContain("/dev/apex_0:/dev/apex_0");
    expect(frigate.ports.map((port) => `${port.external}/${port.protocol}`).sort()).toEqual(["5000/tcp", "8554/tcp", "8555/tcp", "8555/udp", "8971/tcp"]);
  });

  test("omni runs on the host network with /dev/net/tun; seaweedfs serves S3 on 8333", () => {
    expect(container("omni")).toMatchObject({ networkMode: "host", devices: ["/dev/net/tun"], capAdd: ["NET_ADMIN"] });
    expect(container("seaweedfs-s3").ports.map((port) => port.external)).toContain(8333);
  });
});

describe("the shared Alloy stack on every host", () => {
  // storage runs no Alloy in the estate.
  const alloyHosts = Object.keys(hosts).filter((host) => host !== "storage");
  const alloys = alloyHosts.map((host) => ({ host, stack: stacksOn(host).find((stack) => stack.name === `${host}-alloy`) }));

  test.each(alloyHosts)("%s has its own, named after the host", (host) => {
    const stack = alloys.find((entry) => entry.host === host)!.stack as DockerStackSpec;
    expect(stack).toBeDefined();
    const [alloy] = stack.containers;
    expect(alloy).toMatchObject({
      name: `${host}-alloy-alloy-1`,
      image: "grafana/alloy:v1.18.1",
      networkMode: "host",
      memoryMb: 768,
      memoryReservationMb: 384,
      capDrop: ["ALL"],
      capAdd: ["DAC_OVERRIDE", "DAC_READ_SEARCH", "SYS_PTRACE"],
    });
    expect(alloy.env).toEqual({
      INSTANCE_NAME: host,
      PROMETHEUS_URL: "https://prometheus.sharmamohit.com/api/v1/write",
      LOKI_URL: "https://loki.sharmamohit.com/loki/api/v1/push",
      // The estate's shared/alloy/.sops.env: the credentials the cluster's push endpoints check.
      BASIC_AUTH_USERNAME: { configSecret: "sharedAlloyBasicAuthUsername" },
      BASIC_AUTH_PASSWORD: { configSecret: "sharedAlloyBasicAuthPassword" },
    });
    expect(alloy.mounts.map((mount) => `${mount.source}:${mount.target}`)).toContain("/var/run/docker.sock:/var/run/docker.sock");
    // compose's <project>_<volume>: the estate's alloy-data volume of this host.
    expect(Object.keys(stack.volumes)).toEqual(["alloy-data"]);
    expect(hosts[host].hostNetworkAllowed).toContain(alloy.name);
    expect(hosts[host].dockerSocketAllowed).toContain(alloy.name);
  });

  test("one configuration for all, with the spec's labels and tenant", () => {
    const configs = new Set(alloys.map(({ stack }) => stack!.containers[0].files.find((file) => file.path === "/etc/alloy/config.alloy")!.content));
    expect(configs.size).toBe(1);
    const [config] = [...configs] as string[];
    expect(config).toContain('source = "infra"');
    expect(config).toContain('job_name        = "node"');
    expect(config).toContain('job_name        = "cadvisor"');
    expect(config).toContain('replacement  = sys.env("INSTANCE_NAME")');
    expect(config).toContain('tenant_id = "homelab"');
  });
});

describe("capacities", () => {
  test.each(Object.keys(hosts))("%s: the containers' limits fit the host", (host) => {
    const total = containersOn(host).reduce((sum, candidate) => sum + candidate.memoryMb, 0);
    expect(total).toBeLessThanOrEqual(hosts[host].memoryMb);
  });

  test("a host that is an LXC declares less than the LXC has, leaving room for its OS and dockerd", () => {
    const lxcs = Object.values(raw.proxmoxContainers as Record<string, { memoryMb: number; network: { ip: string }[] }>);
    const lxcHosts = Object.entries(hosts).filter(([, host]) => lxcs.some((lxc) => lxc.network.some((nic) => nic.ip === host.address)));
    expect(lxcHosts.map(([name]) => name).sort()).toEqual(["komodo", "nvr", "omni"]);
    for (const [name, host] of lxcHosts) {
      const lxc = lxcs.find((candidate) => candidate.network.some((nic) => nic.ip === host.address))!;
      expect({ name, atLeast512MbLeft: lxc.memoryMb - host.memoryMb >= 512 }).toEqual({ name, atLeast512MbLeft: true });
    }
  });
});
