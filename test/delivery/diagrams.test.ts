/** The diagram generator as pure functions over small literal plans. */
import { boundaryTable, renderBoundaryTable } from "../../tools/diagrams/boundaries";
import { machineCapacities } from "../../tools/diagrams/capacities";
import { deploymentGraph, deploymentWaves } from "../../tools/diagrams/deploymentGraph";
import { dockerHostsOf } from "../../tools/diagrams/dockerHosts";
import { hostPicture } from "../../tools/diagrams/hostPicture";
import { markdownTable, mermaidLabel } from "../../tools/diagrams/markdown";
import { networkMatrix, renderNetworkMatrix } from "../../tools/diagrams/networkMatrix";
import { PROXMOX_LXC_TYPE, PROXMOX_VM_TYPE, proxmoxNodesOf, renderProxmoxNodes } from "../../tools/diagrams/proxmox";
import { stackDocument } from "../../tools/diagrams/stackDocument";
import type { Plan, PlannedResource } from "../../policy/contract/plan";
import { planned } from "../support/planned";

function resource(type: string, name: string, inputs: Record<string, unknown> = {}, options: Partial<PlannedResource> = {}): PlannedResource {
  return planned(type, name, inputs, options);
}

const provider = resource("pulumi:providers:docker", "lan-host", { host: "ssh://root@10.0.0.2:22" });
const network = (name: string, internal = false) => resource("docker:index/network:Network", name, { name, internal }, { provider: provider.urn });
const stackComponent = (name: string) => resource("homeops:docker:Stack", name, {}, { custom: false });

interface ContainerSpec {
  stack: PlannedResource;
  zone: string;
  networks?: string[];
  networkMode?: string;
  ports?: { internal: number; external: number; ip: string; protocol: string }[];
  memory?: number;
  after?: PlannedResource[];
}

function container(name: string, spec: ContainerSpec): PlannedResource {
  const labels = [
    { label: "homeops.stack", value: spec.stack.name },
    { label: "homeops.zone", value: spec.zone },
  ];
  return resource(
    "docker:index/container:Container",
    name,
    {
      name,
      labels,
      memory: spec.memory,
      networkMode: spec.networkMode,
      networksAdvanced: spec.networks?.map((net) => ({ name: net })),
      ports: spec.ports ?? [],
    },
    { parent: spec.stack.urn, provider: provider.urn, dependencies: (spec.after ?? []).map((before) => before.urn) },
  );
}

const front = network("front");
const back = network("back", true);
const unused = network("unused");
const web = stackComponent("web");
const data = stackComponent("data");
const ops = stackComponent("ops");
const db = container("db", { stack: data, zone: "identity", networks: ["back"], ports: [{ internal: 5432, external: 5432, ip: "127.0.0.1", protocol: "tcp" }], memory: 1024, after: [back] });
const proxy = container("proxy", { stack: web, zone: "edge", networks: ["front"], ports: [{ internal: 443, external: 443, ip: "0.0.0.0", protocol: "tcp" }], memory: 256, after: [front] });
const sidecar = container("sidecar", { stack: web, zone: "edge", networkMode: "container:proxy", memory: 64, after: [proxy] });
const app = container("app", { stack: web, zone: "app", networks: ["front", "back"], memory: 512, after: [front, back] });
const admin = container("admin", { stack: data, zone: "management", networks: ["back"], memory: 128, after: [back, db] });
const agent = container("agent", { stack: ops, zone: "management", networkMode: "host" });
// No networks declared: Docker's default bridge, which this plan does not create.
const legacy = container("legacy", { stack: ops, zone: "app", memory: 32 });

/** Registered out of stack order, as the recorder sees it: a resource is recorded when its inputs resolve. */
const plan: Plan = {
  project: "homeops",
  stack: "test",
  resources: [provider, front, back, unused, web, data, ops, db, agent, legacy, proxy, sidecar, app, admin],
};
const [host] = dockerHostsOf(plan);

describe("a Docker host read from the plan", () => {
  test("named by its provider, containers stack by stack, networks in the order containers join them", () => {
    expect(dockerHostsOf(plan).map((found) => found.name)).toEqual(["lan-host"]);
    expect(host.containers.map((c) => `${c.stack}/${c.name}`)).toEqual(["web/proxy", "web/sidecar", "web/app", "data/db", "data/admin", "ops/agent", "ops/legacy"]);
    expect(host.networks).toEqual([
      { urn: front.urn, name: "front", internal: false, isolatedFromHost: false },
      { urn: back.urn, name: "back", internal: true, isolatedFromHost: false },
      { name: "bridge", internal: false, isolatedFromHost: false },
      { urn: unused.urn, name: "unused", internal: false, isolatedFromHost: false },
    ]);
    expect(host.containers.find((c) => c.name === "admin")).toMatchObject({ memoryMb: 128, after: [back.urn, db.urn] });
    expect(host.containers.find((c) => c.name === "agent")?.memoryMb).toBeUndefined();
  });

  test("the container-to-network matrix marks shared namespaces and the host network", () => {
    const matrix = networkMatrix(host);
    expect(matrix.columns).toEqual(["front", "back", "bridge", "unused", "host"]);
    expect(Object.fromEntries(matrix.rows.map((row) => [row.container, row.cells.join(",")]))).toEqual({
      proxy: "X,,,,",
      sidecar: "via proxy,,,,",
      app: "X,X,,,",
      db: ",X,,,",
      admin: ",X,,,",
      agent: ",,,,X",
      legacy: ",,X,,",
    });
    expect(renderNetworkMatrix(matrix).slice(0, 3)).toEqual([
      "| container | front | back | bridge | unused | host |",
      "|---|:-:|:-:|:-:|:-:|:-:|",
      "| proxy | X |  |  |  |  |",
    ]);
  });

  test("the boundary table: shared networks reach, namespaces inherit, host-network containers reach every network (internal too) and loopback ports", () => {
    const table = boundaryTable(host);
    expect(table.targets).toEqual(["db", "admin", "agent"]);
    expect(Object.fromEntries(table.rows.map((row) => [row.source, row.verdicts.join(" ")]))).toEqual({
      proxy: "no no no",
      sidecar: "no no no",
      app: "yes yes no",
      db: "- yes no",
      admin: "yes - no",
      agent: "yes yes -",
      legacy: "no no no",
    });
    expect(table.paths).toContainEqual({ source: "agent", target: "db", via: ["the host's address on network back", "port 127.0.0.1:5432/tcp published by db on lan-host"] });
    expect(table.paths).toContainEqual({ source: "agent", target: "admin", via: ["the host's address on network back"] });
    expect(table.paths).toContainEqual({ source: "app", target: "admin", via: ["network back"] });
    expect(renderBoundaryTable(table)).toContain("- app → db: network back");
  });

  test("a host without identity or management containers says so instead of an empty table", () => {
    const edgeOnly = { ...host, containers: host.containers.filter((c) => c.node.zone === "edge") };
    expect(renderBoundaryTable(boundaryTable(edgeOnly))).toEqual(["No identity or management container runs on this host."]);
  });

  test("the picture: stacks, networks, the shared namespace, the host network with the networks it reaches, and the internet's ports", () => {
    const picture = hostPicture(host);
    expect(picture[0]).toBe("```mermaid");
    expect(picture.at(-1)).toBe("```");
    expect(picture).toEqual(
      expect.arrayContaining([
        '  subgraph h_lan_host["lan-host"]',
        '    subgraph s_web["stack web"]',
        '      c_proxy["proxy<br/>edge · 256 MB"]',
        '      c_agent["agent<br/>management · no memory limit"]',
        '    n_back{{"back<br/>internal"}}',
        '    n_bridge{{"bridge<br/>not created by this stack"}}',
        "  c_app --- n_back",
        '  c_sidecar -.->|"network_mode: container:proxy"| c_proxy',
        "  c_agent --- hostnet",
        "  hostnet -.- n_back",
        "  hostnet -.- n_bridge",
        '  internet -->|"0.0.0.0:443/tcp"| c_proxy',
        "  class c_proxy,c_sidecar zone_edge",
      ]),
    );
    // The loopback port is no door from the internet.
    expect(picture.filter((line) => line.startsWith("  internet -->"))).toHaveLength(1);
  });

  test("the deployment graph and its waves follow the recorded dependencies only", () => {
    expect(deploymentGraph(host)).toEqual(expect.arrayContaining(["  n_front --> c_proxy", "  c_proxy --> c_sidecar", "  c_db --> c_admin"]));
    expect(deploymentGraph(host).filter((line) => line.includes("-->"))).toHaveLength(7);
    expect(deploymentWaves(host)).toEqual([
      ["front", "back", "unused", "agent", "legacy"],
      ["proxy", "app", "db"],
      ["sidecar", "admin"],
    ]);
  });
});

describe("Proxmox nodes", () => {
  const proxmoxPlan: Plan = {
    project: "homeops",
    stack: "test",
    resources: [
      resource(PROXMOX_VM_TYPE, "talos-cp-1", { nodeName: "pve1", name: "talos-cp-1", vmId: 101, memory: { dedicated: 8192 } }),
      resource(PROXMOX_LXC_TYPE, "komodo-ct", { nodeName: "pve1", vmId: 200, initialization: { hostname: "komodo" }, memory: { dedicated: 2048 } }),
      resource(PROXMOX_VM_TYPE, "scratch", { nodeName: "pve2", vmId: 300 }),
    ],
  };
  const nodes = proxmoxNodesOf(proxmoxPlan, { pve3: 4096, pve1: 8192 });

  test("guests per node with their dedicated memory; configured nodes first, in the configuration's order", () => {
    expect(nodes).toEqual([
      { name: "pve3", capacityMb: 4096, guests: [] },
      {
        name: "pve1",
        capacityMb: 8192,
        guests: [
          { kind: "VM", name: "talos-cp-1", vmId: 101, memoryMb: 8192 },
          { kind: "LXC", name: "komodo", vmId: 200, memoryMb: 2048 },
        ],
      },
      { name: "pve2", capacityMb: undefined, guests: [{ kind: "VM", name: "scratch", vmId: 300, memoryMb: undefined }] },
    ]);
  });

  test("the table shows use against capacity, over-use and what cannot be counted", () => {
    expect(renderProxmoxNodes(nodes).slice(0, 5)).toEqual([
      "| node | guests | dedicated memory | capacity | use |",
      "|---|---|---|---|---|",
      "| pve3 | none | 0 MB | 4096 MB | 0 % |",
      "| pve1 | talos-cp-1, komodo | 10240 MB | 8192 MB | 125 % (over capacity) |",
      "| pve2 | scratch | 0 MB (+1 without memory) | not declared | ? |",
    ]);
    expect(renderProxmoxNodes(nodes)).toEqual(expect.arrayContaining(['  subgraph p_pve1["pve1 · 10240 of 8192 MB"]', '    g_pve1_1["komodo<br/>LXC 200 · 2048 MB"]']));
  });
});

describe("the stack document", () => {
  test("one section per Docker host with the memory its containers claim, then the Proxmox nodes", () => {
    const document = stackDocument(plan, { dockerHostMb: { "lan-host": 4096 }, proxmoxNodeMb: { pve1: 8192 } });
    expect(document).toMatch(/^<!-- Generated by `npm run diagrams` from the offline preview of stack test; do not edit. -->\n# Stack `test`\n/);
    expect(document).toContain("Container memory limits add up to 2016 MB of the 4096 MB the host gives its containers (49 %). 1 container(s) declare no memory limit.");
    expect(document.match(/^#+ .*$/gm)).toEqual([
      "# Stack `test`",
      "## Resources",
      "## Docker host `lan-host`",
      "### Stacks, containers and networks",
      "### Container to network matrix",
      "### Security boundaries",
      "### Deployment order",
      "## Proxmox nodes",
    ]);
    expect(document.endsWith("\n")).toBe(true);
  });

  test("an empty stack says that nothing is declared yet", () => {
    const document = stackDocument({ project: "homeops", stack: "empty", resources: [] }, { dockerHostMb: {}, proxmoxNodeMb: {} });
    expect(document).toContain("0 resources, 0 of them protected.");
    expect(document).toContain("No Docker host and no Proxmox guest is declared in this stack yet.");
  });
});

test("machine capacities come from the stack configuration's memoryMb", () => {
  expect(
    machineCapacities({
      "homeops:dockerHosts": { vps: { memoryMb: 4096, address: "1.2.3.4" }, bare: { address: "5.6.7.8" } },
      "homeops:proxmox": { endpoint: "https://10.0.0.1:8006/", nodes: { pve1: { memoryMb: 65536, address: "10.0.0.1" } } },
      "homeops:domain": "example.com",
    }),
  ).toEqual({ dockerHostMb: { vps: 4096 }, proxmoxNodeMb: { pve1: 65536 } });
});

test("Markdown cells and Mermaid labels cannot break out of their table or quotes", () => {
  expect(markdownTable(["a"], [["x | y"]])[2]).toBe("| x \\| y |");
  expect(mermaidLabel('say "hi"')).toBe('"say #quot;hi#quot;"');
});
