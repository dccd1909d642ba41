/**
 * The order Pulumi creates a Docker host's networks and containers in, from the recorded
 * dependencies: the graph, and the waves it allows (everything in a wave in parallel). This
 * is what replaces the seed's hand-ordered `deploy-vps-infra` procedure.
 */
import type { DockerHost } from "./dockerHosts";
import { mermaidBlock, mermaidId, mermaidLabel } from "./markdown";

interface GraphNode {
  urn: string;
  id: string;
  name: string;
  after: string[];
}

function graphNodes(host: DockerHost): GraphNode[] {
  const networks = host.networks.flatMap((network) => (network.urn === undefined ? [] : [{ urn: network.urn, id: mermaidId("n", network.name), name: network.name, after: [] }]));
  const containers = host.containers.map((container) => ({ urn: container.urn, id: mermaidId("c", container.name), name: container.name, after: container.after }));
  return [...networks, ...containers];
}

export function deploymentGraph(host: DockerHost): string[] {
  const nodes = graphNodes(host);
  const idOf = new Map(nodes.map((node) => [node.urn, node.id]));
  const lines = ["flowchart LR"];
  const createdNetworks = host.networks.filter((network) => network.urn !== undefined);
  if (createdNetworks.length > 0) {
    lines.push(`  subgraph ${mermaidId("g", `${host.name}-networks`)}[${mermaidLabel("networks")}]`);
    for (const network of createdNetworks) lines.push(`    ${mermaidId("n", network.name)}{{${mermaidLabel(network.name)}}}`);
    lines.push("  end");
  }
  for (const stack of new Set(host.containers.map((container) => container.stack))) {
    lines.push(`  subgraph ${mermaidId("s", stack || "unlabelled")}[${mermaidLabel(stack ? `stack ${stack}` : "no stack label")}]`);
    for (const container of host.containers.filter((c) => c.stack === stack)) lines.push(`    ${mermaidId("c", container.name)}[${mermaidLabel(container.name)}]`);
    lines.push("  end");
  }
  for (const node of nodes) {
    for (const before of node.after) {
      const beforeId = idOf.get(before);
      if (beforeId) lines.push(`  ${beforeId} --> ${node.id}`);
    }
  }
  return mermaidBlock(lines);
}

/** Names per wave: a node's wave is one more than the latest wave of what it is created after. */
export function deploymentWaves(host: DockerHost): string[][] {
  const nodes = graphNodes(host);
  const byUrn = new Map(nodes.map((node) => [node.urn, node]));
  const waveOf = new Map<string, number>();
  const wave = (node: GraphNode): number => {
    const known = waveOf.get(node.urn);
    if (known !== undefined) return known;
    const before = node.after.flatMap((urn) => byUrn.get(urn) ?? []);
    const computed = 1 + Math.max(0, ...before.map(wave));
    waveOf.set(node.urn, computed);
    return computed;
  };
  const waves: string[][] = [];
  for (const node of nodes) (waves[wave(node) - 1] ??= []).push(node.name);
  return waves;
}

export function renderDeploymentWaves(waves: readonly string[][]): string[] {
  return waves.map((names, index) => `${index + 1}. ${names.join(", ")}`);
}
