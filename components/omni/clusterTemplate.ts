/**
 * Omni's cluster template for a cluster the stack file declares: the multi-document YAML
 * `omnictl cluster template validate|diff|sync -f <file>` reads (a `Cluster` document, the
 * `ControlPlane` and `Workers` machine sets by machine UUID, and a `Machine` document per
 * machine), as Omni's template reference documents it (docs.siderolabs.com/omni/reference/cluster-templates).
 */
import { Document, isMap } from "yaml";
import type { OmniClusterSpec } from "../../config/talos";

/** Omni wants both versions with their `v` (it refuses a Talos version without one). */
const withV = (version: string) => (version.startsWith("v") ? version : `v${version}`);

/** The template's documents, in Omni's order: Cluster, ControlPlane, Workers (when there are workers), Machines. */
export function omniTemplateDocuments(spec: OmniClusterSpec): Record<string, unknown>[] {
  const cluster: Record<string, unknown> = {
    kind: "Cluster",
    name: spec.clusterName,
    kubernetes: { version: withV(spec.kubernetesVersion) },
    talos: { version: withV(spec.talosVersion) },
  };
  if (spec.systemExtensions.length > 0) cluster.systemExtensions = spec.systemExtensions;
  if (spec.patches.length > 0) {
    cluster.patches = spec.patches.map((patch) => ({ name: patch.name, ...(patch.idOverride ? { idOverride: patch.idOverride } : {}), inline: patch.inline }));
  }
  const machineSet = (kind: "ControlPlane" | "Workers", role: "controlplane" | "worker") => ({
    kind,
    machines: spec.machines.filter((machine) => machine.role === role).map((machine) => machine.uuid),
  });
  const workers = machineSet("Workers", "worker");
  return [
    cluster,
    machineSet("ControlPlane", "controlplane"),
    ...(workers.machines.length > 0 ? [workers] : []),
    ...spec.machines.map((machine) => ({ kind: "Machine", name: machine.uuid, install: { disk: machine.installDisk } })),
  ];
}

/** The template as the file omnictl reads; each Machine document says which host it is in a comment. */
export function omniClusterTemplate(spec: OmniClusterSpec): string {
  const byUuid = new Map(spec.machines.map((machine) => [machine.uuid, machine]));
  return omniTemplateDocuments(spec)
    .map((contents) => {
      const document = new Document(contents);
      const machine = contents.kind === "Machine" ? byUuid.get(String(contents.name)) : undefined;
      if (machine && isMap(document.contents)) document.commentBefore = ` ${machine.name} (${machine.address}, ${machine.role})`;
      return document.toString({ lineWidth: 0 });
    })
    .join("---\n");
}
