/**
 * One Docker host as the seed draws it (L1 stacks and containers, L3 networks): the stacks
 * with their containers, the networks they join, the namespaces they share, the host network
 * with the bridge networks it reaches, and the ports the internet reaches.
 */
import { formatPort, isLoopback } from "../../policy/reachability";
import type { DockerHost, HostContainer } from "./dockerHosts";
import { mermaidBlock, mermaidId, mermaidLabel } from "./markdown";

const INTERNET = "internet";
const HOST_NETWORK_ID = "hostnet";

/** Fill colours per trust zone, so that the edge and what it must not reach stand out. */
const ZONE_STYLES: Record<string, string> = {
  edge: "fill:#fde2e1,stroke:#c0392b",
  tunnel: "fill:#fff3cd,stroke:#b7950b",
  identity: "fill:#e3f2fd,stroke:#1f618d",
  management: "fill:#e8daef,stroke:#6c3483",
  observability: "fill:#e9f7ef,stroke:#1e8449",
};

function containerLabel(container: HostContainer): string {
  const details = [container.node.zone ?? "no zone", container.memoryMb === undefined ? "no memory limit" : `${container.memoryMb} MB`];
  return mermaidLabel(`${container.name}<br/>${details.join(" · ")}`);
}

function publicPorts(container: HostContainer): string[] {
  return container.node.ports.filter((port) => !isLoopback(port.ip)).map(formatPort);
}

/** Each container to its networks, the host network, or the container whose namespace it shares. */
function containerLinks(host: DockerHost): string[] {
  return host.containers.flatMap((container) => {
    const id = mermaidId("c", container.name);
    const mode = container.node.networkMode;
    if (mode.kind === "host") return [`  ${id} --- ${HOST_NETWORK_ID}`];
    if (mode.kind === "container") return [`  ${id} -.->|${mermaidLabel(`network_mode: container:${mode.owner}`)}| ${mermaidId("c", mode.owner)}`];
    return container.node.networks.map((network) => `  ${id} --- ${mermaidId("n", network)}`);
  });
}

export function hostPicture(host: DockerHost): string[] {
  const lines = ["flowchart LR"];
  const stacks = [...new Set(host.containers.map((container) => container.stack))];
  const exposed = host.containers.filter((container) => publicPorts(container).length > 0);
  if (exposed.length > 0) lines.push(`  ${INTERNET}((${mermaidLabel("internet")}))`);
  lines.push(`  subgraph ${mermaidId("h", host.name)}[${mermaidLabel(host.name)}]`);
  for (const stack of stacks) {
    lines.push(`    subgraph ${mermaidId("s", stack || "unlabelled")}[${mermaidLabel(stack ? `stack ${stack}` : "no stack label")}]`);
    for (const container of host.containers.filter((c) => c.stack === stack)) {
      lines.push(`      ${mermaidId("c", container.name)}[${containerLabel(container)}]`);
    }
    lines.push("    end");
  }
  for (const network of host.networks) {
    const note = network.urn === undefined ? "<br/>not created by this stack" : network.internal ? "<br/>internal" : "";
    lines.push(`    ${mermaidId("n", network.name)}{{${mermaidLabel(`${network.name}${note}`)}}}`);
  }
  const hasHostNetwork = host.containers.some((container) => container.node.networkMode.kind === "host");
  if (hasHostNetwork) lines.push(`    ${HOST_NETWORK_ID}{{${mermaidLabel("host network")}}}`);
  lines.push("  end");
  lines.push(...containerLinks(host));
  // The host holds an address on every bridge network, internal ones too (policy/reachability.ts).
  if (hasHostNetwork) lines.push(...host.networks.map((network) => `  ${HOST_NETWORK_ID} -.- ${mermaidId("n", network.name)}`));
  for (const container of exposed) {
    lines.push(`  ${INTERNET} -->|${mermaidLabel(publicPorts(container).join(", "))}| ${mermaidId("c", container.name)}`);
  }
  for (const [zone, style] of Object.entries(ZONE_STYLES)) {
    const members = host.containers.filter((container) => container.node.zone === zone);
    const className = mermaidId("zone", zone);
    if (members.length > 0) lines.push(`  classDef ${className} ${style}`, `  class ${members.map((c) => mermaidId("c", c.name)).join(",")} ${className}`);
  }
  return mermaidBlock(lines);
}
