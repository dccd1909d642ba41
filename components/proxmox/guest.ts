import type * as pulumi from "@pulumi/pulumi";

/**
 * Tags as Proxmox stores them, lowercased, deduplicated and sorted: Proxmox rewrites them
 * so, and tags given any other way would show a change on every preview.
 */
export function proxmoxTags(tags: readonly string[] = []): string[] {
  return [...new Set(tags.map((tag) => tag.toLowerCase()))].sort();
}

/**
 * Options every guest gets. Its VMID is fixed, so a replacement must delete the old guest
 * before creating the new one (Proxmox refuses a second guest with the same id). A guest
 * holding data is protected: replacing or deleting it takes `pulumi state unprotect`.
 */
export function guestOptions(holdsData: boolean): Pick<pulumi.CustomResourceOptions, "protect" | "deleteBeforeReplace"> {
  return { protect: holdsData, deleteBeforeReplace: true };
}
