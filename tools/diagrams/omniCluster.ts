/**
 * A Kubernetes cluster Sidero Omni manages, as the plan records it: the cluster template
 * resource (components/omni/omniClusterTemplate.ts), its machines and Omni's place between
 * the program and them.
 */
import { parseAllDocuments } from "yaml";
import type { Plan } from "../../policy/contract/plan";
import { at, stringOf } from "../../policy/values";
import { markdownTable, mermaidBlock, mermaidId, mermaidLabel } from "./markdown";

export const OMNI_TEMPLATE_TYPE = "pulumi-nodejs:dynamic/omni:ClusterTemplate";

export interface OmniMachine {
  name: string;
  uuid: string;
  address: string;
  role: string;
  installDisk?: string;
}

export interface OmniCluster {
  name: string;
  endpoint: string;
  talosVersion?: string;
  kubernetesVersion?: string;
  systemExtensions: string[];
  machines: OmniMachine[];
}

/** Each cluster under Omni the plan declares, from its template resource's inputs. */
export function omniClustersOf(plan: Plan): OmniCluster[] {
  return plan.resources
    .filter((resource) => resource.type === OMNI_TEMPLATE_TYPE)
    .map((resource) => {
      const documents = parseAllDocuments(stringOf(resource.inputs.template) ?? "").map((document) => (document.toJS() ?? {}) as Record<string, any>);
      const cluster = documents.find((document) => document.kind === "Cluster") ?? {};
      const disks = new Map(documents.filter((document) => document.kind === "Machine").map((document) => [String(document.name), stringOf(at(document, "install", "disk"))]));
      const machines = (Array.isArray(resource.inputs.machines) ? resource.inputs.machines : []) as OmniMachine[];
      return {
        name: stringOf(resource.inputs.clusterName) ?? resource.name,
        endpoint: stringOf(resource.inputs.endpoint) ?? "?",
        talosVersion: cluster.talos?.version,
        kubernetesVersion: cluster.kubernetes?.version,
        systemExtensions: (cluster.systemExtensions ?? []) as string[],
        machines: machines.map((machine) => ({ ...machine, installDisk: disks.get(machine.uuid) || undefined })),
      };
    });
}

export function renderOmniCluster(cluster: OmniCluster): string[] {
  const picture = ["flowchart LR", `  program[${mermaidLabel("homeops (pulumi up)")}]`, `  omni[${mermaidLabel(`Sidero Omni<br/>${cluster.endpoint}`)}]`];
  picture.push(`  program -- ${mermaidLabel("cluster template (omnictl cluster template sync)")} --> omni`);
  picture.push(`  subgraph ${mermaidId("k", cluster.name)}[${mermaidLabel(`cluster ${cluster.name} · Talos ${cluster.talosVersion ?? "?"} · Kubernetes ${cluster.kubernetesVersion ?? "?"}`)}]`);
  for (const machine of cluster.machines) picture.push(`    ${mermaidId("m", machine.name)}[${mermaidLabel(`${machine.name}<br/>${machine.address} · ${machine.role}`)}]`);
  picture.push("  end");
  for (const machine of cluster.machines) picture.push(`  omni -- ${mermaidLabel("SideroLink: configs, upgrades")} --> ${mermaidId("m", machine.name)}`);
  return [
    `Cluster \`${cluster.name}\`, managed by Sidero Omni at ${cluster.endpoint}: the program writes Omni's cluster template and syncs it; Omni makes each machine's config, the PKI and the upgrades. Extensions: ${cluster.systemExtensions.join(", ") || "none"}.`,
    "",
    ...markdownTable(
      ["machine", "address", "role", "UUID", "install disk"],
      cluster.machines.map((machine) => [machine.name, machine.address, machine.role, machine.uuid, machine.installDisk ?? "?"]),
    ),
    "",
    ...mermaidBlock(picture),
  ];
}
