import type { PlannedResource } from "../../policy/contract/plan";

/**
 * The resource tree as `pulumi preview` prints it: type and name, children indented
 * under their parent in registration order, every row a create.
 */
export function renderTree(resources: readonly PlannedResource[]): string[] {
  const children = new Map<string, PlannedResource[]>();
  for (const resource of resources) children.set(resource.parent, [...(children.get(resource.parent) ?? []), resource]);
  const rows: { type: string; name: string; flags: string }[] = [];
  const walk = (parent: string, prefix: string) => {
    const siblings = children.get(parent) ?? [];
    siblings.forEach((resource, index) => {
      const last = index === siblings.length - 1;
      const branch = parent === "" ? "" : last ? "└─ " : "├─ ";
      const flags = [resource.protect && "protect", resource.retainOnDelete && "retain"].filter(Boolean).join(", ");
      rows.push({ type: `${prefix}${branch}${resource.type}`, name: resource.name, flags });
      walk(resource.urn, parent === "" ? "" : `${prefix}${last ? "   " : "│  "}`);
    });
  };
  walk("", "");
  const typeWidth = Math.max(4, ...rows.map((row) => row.type.length));
  const nameWidth = Math.max(4, ...rows.map((row) => row.name.length));
  const line = (mark: string, type: string, name: string, plan: string, flags: string) =>
    `${mark} ${type.padEnd(typeWidth)}  ${name.padEnd(nameWidth)}  ${plan}${flags ? `  [${flags}]` : ""}`.trimEnd();
  return [line(" ", "Type", "Name", "Plan", ""), ...rows.map((row) => line("+", row.type, row.name, "create", row.flags))];
}
