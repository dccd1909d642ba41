import { parse } from "yaml";
import { adoptCompose, ComposeError, type ComposeContext } from "../../tools/adopt/compose";
import { interpolate, shellWords, type Variable } from "../../tools/adopt/interpolate";
import { containerSecretKey, envFileSecretKey } from "../../tools/adopt/secretKeys";

const context = (overrides: Partial<ComposeContext> = {}): ComposeContext => ({
  file: "docker/stacks/h/app/compose.yaml",
  host: "h",
  stack: "app",
  repoDir: "docker/stacks/h/app",
  checkoutRoot: "/etc/komodo/stacks/app",
  variables: new Map<string, Variable>([
    ["DB_PASSWORD", { secretKey: "hAppDbPassword" }],
    ["VERSION", { literal: "1.2.3" }],
  ]),
  envFileNames: (path) => (path === "docker/stacks/h/app/.env" ? { names: ["TOKEN", "MODE"], encrypted: true } : undefined),
  ...overrides,
});

const adopt = (yaml: string, overrides?: Partial<ComposeContext>) => adoptCompose(parse(yaml), context(overrides));

describe("interpolation", () => {
  const variables = new Map<string, Variable>([
    ["SET", { literal: "x" }],
    ["EMPTY", { literal: "" }],
    ["SECRET", { secretKey: "key" }],
  ]);
  it.each([
    ["${SET}", "x"],
    ["$SET/y", "x/y"],
    ["${UNSET}", ""],
    ["${UNSET:-d}", "d"],
    ["${EMPTY:-d}", "d"],
    ["${EMPTY-d}", ""],
    ["$${SET}", "${SET}"],
  ])("%s is %s", (text, expected) => expect(interpolate(text, variables)).toEqual({ kind: "literal", value: expected }));
  it("reports an encrypted variable instead of substituting it", () => {
    expect(interpolate("${SECRET}", variables)).toEqual({ kind: "secret", raw: "${SECRET}", exactKey: "key", variables: ["SECRET"] });
    expect(interpolate("a-${SECRET}", variables)).toMatchObject({ kind: "secret", exactKey: undefined });
  });
  it("refuses a required variable that is unset", () => expect(() => interpolate("${UNSET:?needed}", variables)).toThrow(/UNSET.*needed/));
  it("splits commands as a shell would", () => expect(shellWords(`master -ip=a  'b c' "d \\"e\\"" f\\ g`)).toEqual(["master", "-ip=a", "b c", 'd "e"', "f g"]));
});

describe("secret key naming", () => {
  it("names an env file's variable by its folder, stem and name", () => {
    expect(envFileSecretKey("docker/stacks/racknerd-aegis/newt/.env", "NEWT_ID")).toBe("racknerdAegisNewtNewtId");
    expect(envFileSecretKey("docker/stacks/server04/vaultwarden/backup.env", "BACKUP_SSH_KEY_B64")).toBe("server04VaultwardenBackupBackupSshKeyB64");
  });
  it("names a container's value by its folder, container and variable", () =>
    expect(containerSecretKey("docker/stacks/racknerd-aegis/identity", "pocketid", "LDAP_BIND_DN")).toBe("racknerdAegisIdentityPocketidLdapBindDn"));
});

describe("adopting a compose file", () => {
  const { stack, networks, unmapped } = adopt(`
name: ignored-by-komodo
services:
  db:
    image: postgres:\${VERSION}
    environment:
      POSTGRES_PASSWORD: \${DB_PASSWORD}
      URL: postgres://u:\${DB_PASSWORD}@db/x
      API_KEY: written-in-the-file
      PLAIN: "1"
    volumes: [data:/var/lib/postgresql/data, ./init:/docker-entrypoint-initdb.d:ro]
    healthcheck: {test: "pg_isready", interval: 5s}
    deploy: {resources: {limits: {memory: 1G}, reservations: {memory: 256M}}}
    logging: {driver: json-file, options: {max-size: 10m, max-file: "3"}}
    restart: unless-stopped
  web:
    container_name: web
    image: nginx:1.27
    env_file: .env
    networks: [front]
    ports: ["127.0.0.1:8080:80", "9000-9001:9000-9001/udp"]
    depends_on: {db: {condition: service_healthy}}
    command: nginx -g "daemon off;"
    entrypoint: ["/bin/sh", "-c", "echo $$HOME"]
    cap_add: [CAP_NET_ADMIN]
    restart: always
    user: "0:0"
    init: true
    shm_size: 64mb
    sysctls: [net.ipv4.ip_forward=1]
    labels: {komodo.skip: null}
    tmpfs: [/run:size=1m]
    configs: [{source: site, target: /etc/nginx/conf.d/site.conf}]
  sidecar:
    image: busybox:1.36
    network_mode: service:web
networks:
  front: {external: true}
volumes:
  data:
configs:
  site:
    content: "server {}"
`);
  const [db, web, sidecar] = stack.containers;

  it("names containers as compose does and volumes as compose names them", () => {
    expect(stack.containers.map((c) => c.name)).toEqual(["app-db-1", "web", "app-sidecar-1"]);
    expect(stack.volumes).toEqual({ data: {} });
  });
  it("refers to encrypted and credential values by config secret, keeps the rest literal", () => {
    expect(db.env).toEqual({
      POSTGRES_PASSWORD: { configSecret: "hAppDbPassword" },
      URL: { configSecret: "hAppAppDb1Url" },
      API_KEY: { configSecret: "hAppAppDb1ApiKey" },
      PLAIN: "1",
    });
    expect(web.env).toEqual({ TOKEN: { configSecret: "hAppToken" }, MODE: { configSecret: "hAppMode" } });
    expect(db.image).toBe("postgres:1.2.3");
  });
  it("resolves ./ mounts to Komodo's checkout and keeps read-only", () =>
    expect(db.mounts).toEqual(["data:/var/lib/postgresql/data", "/etc/komodo/stacks/app/docker/stacks/h/app/init:/docker-entrypoint-initdb.d:ro"]));
  it("maps the healthcheck with Docker's defaults, memory, and leaves out the host defaults", () => {
    expect(db.healthcheck).toEqual({ test: ["CMD-SHELL", "pg_isready"], interval: "5s", timeout: "30s", retries: 3, startPeriod: "0s" });
    expect(db).toMatchObject({ memoryMb: 1024, memoryReservationMb: 256 });
    expect(db.restart).toBeUndefined();
    expect(db.logging).toBeUndefined();
    expect(db.networks).toEqual(["app_default"]);
    expect(db.aliases).toEqual(["db"]);
  });
  it("maps ports, commands, networks and the other service fields", () => {
    expect(web).toMatchObject({
      networks: ["front"],
      ports: ["127.0.0.1:8080:80", "9000/udp", "9001/udp"],
      dependsOn: { "app-db-1": "healthy" },
      command: ["nginx", "-g", "daemon off;"],
      entrypoint: ["/bin/sh", "-c", "echo $HOME"],
      capAdd: ["NET_ADMIN"],
      restart: "always",
      user: "0:0",
      init: true,
      shmSizeMb: 64,
      sysctls: { "net.ipv4.ip_forward": "1" },
      labels: { "komodo.skip": "" },
      tmpfs: { "/run": "size=1m" },
      files: [{ path: "/etc/nginx/conf.d/site.conf", content: "server {}" }],
      logging: { driver: "json-file", options: {} },
    });
    expect(sidecar.networkMode).toBe("container:web");
    expect(networks).toEqual([
      { dockerName: "front", created: false, internal: false },
      { dockerName: "app_default", created: true, internal: false },
    ]);
    // Komodo's `-p <stack>` wins over the file's own `name:`.
    expect(unmapped).toEqual([]);
  });
});

describe("what adopt cannot map is listed", () => {
  it.each([
    ["an encrypted variable in the image", "services: {a: {image: 'x:${DB_PASSWORD}'}}", "services.a.image"],
    ["a random host port", "services: {a: {image: x:1, ports: ['80']}}", "services.a.ports[0]"],
    ["an unknown service key", "services: {a: {image: x:1, pid: host}}", "services.a.pid"],
    ["a dependency condition it lacks", "services: {a: {image: x:1, depends_on: {b: {condition: service_completed_successfully}}}, b: {image: x:1}}", "services.a.depends_on.b.condition"],
    ["network_mode none", "services: {a: {image: x:1, network_mode: none}}", "services.a.network_mode"],
  ])("%s", (_, yaml, path) => expect(adopt(yaml).unmapped.map((item) => item.path)).toContain(path));
});

describe("bad compose input is an error with its path", () => {
  it.each([
    ["an unknown service in depends_on", "services: {a: {image: x:1, depends_on: [b]}}", /compose.yaml: services.a.depends_on.b: unknown service "b"/],
    ["an unknown service in network_mode", "services: {a: {image: x:1, network_mode: 'service:b'}}", /services.a.network_mode: unknown service "b"/],
    ["a malformed port", "services: {a: {image: x:1, ports: ['80:eighty']}}", /services.a.ports\[0\]: "80:eighty" is not a port/],
    ["a port out of range", "services: {a: {image: x:1, ports: ['70000:80']}}", /services.a.ports\[0\]: "70000" is not a port/],
    ["an undeclared volume", "services: {a: {image: x:1, volumes: ['data:/data']}}", /services.a.volumes\[0\]: unknown volume "data"/],
    ["an undeclared network", "services: {a: {image: x:1, networks: [n]}}", /services.a.networks: unknown network "n"/],
    ["a missing env file", "services: {a: {image: x:1, env_file: other.env}}", /services.a.env_file\[0\]: env file docker\/stacks\/h\/app\/other.env does not exist/],
    ["no services", "volumes: {}", /services: must map service names/],
  ])("%s", (_, yaml, message) => {
    expect(() => adopt(yaml)).toThrow(ComposeError);
    expect(() => adopt(yaml)).toThrow(message);
  });
});
