/**
 * An `existing` entry names something that runs in Proxmox already (a node's bridge from the
 * installer, a PCI mapping made in the UI): it is imported, and the provider inputs its entry
 * leaves unset are in `ignoreChanges`, so Proxmox keeps those settings as they are. Only
 * what the entry states is applied.
 */
export function inputsLeftOut(spec: object, fields: Record<string, string>, path = ""): string[] {
  const given = spec as Record<string, unknown>;
  return Object.entries(fields)
    .filter(([field]) => given[field] === undefined)
    .map(([, input]) => `${path}${input}`);
}
