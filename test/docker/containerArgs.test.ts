import { containerSchema, dockerHostSchema } from "../../config/docker";
import { containerArgs, type ContainerContext } from "../../components/docker-stack/containerArgs";

const host = dockerHostSchema.parse({ address: "192.168.11.89", sshUser: "root", memoryMb: 8192, networks: { frigate: { purpose: "t" }, traefik_proxy: { purpose: "t" } } });
const context: ContainerContext = {
  hostName: "nvr",
  stackName: "frigate",
  host,
  image: "sha256:abc",
  network: (name) => `net:${name}`,
  volume: (name) => `vol:${name}`,
  container: (name) => `ctr:${name}`,
  resolve: (value) => (typeof value === "string" ? value : "resolved"),
  waitForHealthy: false,
};

test("Frigate's shared memory, tmpfs cache, devices and routing labels reach the Docker provider", () => {
  const spec = containerSchema.parse({
    name: "frigate",
    image: "ghcr.io/blakeblackshear/frigate:0.17.2",
    zone: "app",
    networks: ["frigate", "traefik_proxy"],
    devices: ["/dev/apex_0"],
    shmSizeMb: 512,
    tmpfs: { "/tmp/cache": "size=1000000000" },
    securityOpts: ["no-new-privileges:true"],
    labels: { "traefik.enable": "true" },
    memoryMb: 4096,
  });
  const args = containerArgs(spec, context);
  expect(args).toMatchObject({
    shmSize: 512,
    tmpfs: { "/tmp/cache": "size=1000000000" },
    securityOpts: ["no-new-privileges:true"],
    devices: [{ hostPath: "/dev/apex_0", containerPath: "/dev/apex_0", permissions: "rwm" }],
    // The first network is the mode, so the container never lands on the default bridge.
    networkMode: "net:frigate",
    networksAdvanced: [
      { name: "net:frigate", aliases: ["frigate"] },
      { name: "net:traefik_proxy", aliases: ["frigate"] },
    ],
    memory: 4096,
    restart: "unless-stopped",
  });
  expect(args.labels).toEqual([
    { label: "traefik.enable", value: "true" },
    { label: "homeops.host", value: "nvr" },
    { label: "homeops.stack", value: "frigate" },
    { label: "homeops.zone", value: "app" },
    { label: "homeops.image", value: "ghcr.io/blakeblackshear/frigate:0.17.2" },
  ]);
});

test("unset options stay unset rather than sending empty values", () => {
  const args = containerArgs(containerSchema.parse({ name: "web", image: "nginx:1.29", zone: "app", memoryMb: 64 }), context);
  for (const key of ["shmSize", "tmpfs", "securityOpts", "privileged", "capabilities", "envs", "uploads", "networkMode", "wait"] as const) {
    expect({ key, value: args[key] }).toEqual({ key, value: undefined });
  }
});

test("the compose fields adopted from the estate reach the Docker provider under its own names", () => {
  // Fields the provider calls what compose calls them.
  const sameName = { user: "0:0", init: true, sysctls: { "net.ipv4.ip_forward": "1" }, dns: ["9.9.9.9"], tty: true, stdinOpen: true, restart: "always" };
  const spec = containerSchema.parse({
    name: "backup-verifier",
    image: "alpine:3.21",
    zone: "data",
    networks: ["frigate"],
    aliases: ["verifier"],
    entrypoint: ["/bin/sh", "-c", "crond -f"],
    stopGracePeriod: "1m30s",
    logging: { driver: "local", options: {} },
    memoryMb: 64,
    ...sameName,
  });
  expect(containerArgs(spec, context)).toMatchObject({
    ...sameName,
    entrypoints: ["/bin/sh", "-c", "crond -f"],
    stopTimeout: 90,
    logDriver: "local",
    logOpts: {},
    networksAdvanced: [{ name: "net:frigate", aliases: ["backup-verifier", "verifier"] }],
  });
});
