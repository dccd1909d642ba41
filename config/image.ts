import { z } from "zod";

/**
 * `repository:tag`, or `repository:tag@sha256:<64 hex>` pinned to one content digest (as
 * compose files and seed 003 write it). The tag is required either way: it is what a reader
 * sees of the version; the digest is what Docker pulls when present.
 */
const IMAGE_REFERENCE = /^[a-z0-9./_-]+(:[0-9]+)?\/?[a-z0-9./_-]*:(?<tag>[A-Za-z0-9_.-]+)(@sha256:[a-f0-9]{64})?$/;

export const imageReferenceSchema = z
  .string()
  .regex(IMAGE_REFERENCE, "must be repository:tag with an explicit tag, or repository:tag@sha256:<64 lowercase hex> pinned by digest")
  .refine((image) => IMAGE_REFERENCE.exec(image)?.groups?.tag !== "latest", "must pin a version, not :latest");
