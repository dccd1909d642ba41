/**
 * Values unknown during a preview. In `pulumi preview` the engine hands AnalyzeStack each
 * resource's planned state: what the program set, and for a create every attribute the
 * provider computes marked unknown (`docker.Network`'s `options` when the program leaves it
 * unset); while a provider's own configuration is unknown it hands an empty state. The SDK
 * turns a read of an unknown into an advisory "can't run policy ... during preview", which
 * would let a mandatory policy pass silently. So policies read resources through
 * `strictProps`: a read of an unknown fails the check with a mandatory "cannot be verified
 * during preview" naming the resource and the property, unless the policy reads it with
 * `lenient` because an unknown has one safe meaning there.
 */
import * as sdkProxy from "@pulumi/policy/proxy";
import { isRecord } from "./values";

/** `@pulumi/policy/proxy.d.ts` declares nothing (its exports are @internal); their shape is stated here. */
const sdk = sdkProxy as unknown as Record<string, unknown> & { getSpecialProxyTarget: string };
const SENTINELS = new Set(
  ["unknownBooleanValue", "unknownNumberValue", "unknownStringValue", "unknownArrayValue", "unknownAssetValue", "unknownArchiveValue", "unknownObjectValue"].map((name) => sdk[name]),
);

/** One of the engine's unknown sentinels (typed by what the value would have been). */
export function isUnknown(value: unknown): boolean {
  return typeof value === "string" && SENTINELS.has(value);
}

/** Thrown by a strict read of a value the preview does not know; policies turn it into a finding. */
export class UnknownDuringPreview extends Error {
  constructor(
    readonly subject: { name: string; type: string; urn: string },
    /** The property path read, e.g. `options` or `labels[2].value`; "" for a whole planned state left empty. */
    readonly path: string,
  ) {
    super(path ? `${subject.name}'s ${path} is not known during preview` : `${subject.name}'s planned state is not known during preview`);
  }
}

const RAW = Symbol("raw target");

function pathOf(path: string, key: string, parent: unknown): string {
  if (Array.isArray(parent) && /^\d+$/.test(key)) return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

function strict<T>(value: T, subject: UnknownDuringPreview["subject"], path: string): T {
  if (typeof value !== "object" || value === null) return value;
  return new Proxy(value as object, {
    get(target, key, receiver) {
      if (key === RAW) return target;
      const field = Reflect.get(target, key, receiver);
      if (typeof key !== "string") return field;
      const where = pathOf(path, key, target);
      if (isUnknown(field)) throw new UnknownDuringPreview(subject, where);
      // Array methods read the constructor's non-configurable `prototype`; the invariant wants it unwrapped.
      const descriptor = Object.getOwnPropertyDescriptor(target, key);
      if (descriptor && "value" in descriptor && !descriptor.configurable && !descriptor.writable) return field;
      return strict(field, subject, where);
    },
  }) as T;
}

/** The plain object under the SDK's unknown-checking proxy (plain objects are returned as they are). */
function unwrapSdkProxy(props: unknown): unknown {
  if (!isRecord(props)) return props;
  return (props as Record<string, unknown>)[sdk.getSpecialProxyTarget] ?? props;
}

/**
 * A resource's properties, read strictly. An empty planned state is what the engine sends
 * for a resource whose provider configuration is unknown (a cluster this update creates):
 * every read of it is unknown.
 */
export function strictProps(props: unknown, subject: UnknownDuringPreview["subject"], emptyIsUnknown: boolean): Record<string, unknown> {
  const raw = unwrapSdkProxy(props);
  const record = isRecord(raw) ? raw : {};
  if (emptyIsUnknown && Object.keys(record).length === 0) {
    return new Proxy({}, { get: () => { throw new UnknownDuringPreview(subject, ""); } });
  }
  return strict(record, subject, "");
}

/**
 * Reads `record[key]` where the policy has a safe meaning for an unknown: returns `whenUnknown`
 * instead of failing. The value itself is returned raw (unknowns inside it stay sentinels).
 */
export function lenient(record: Record<string, unknown>, key: string, whenUnknown: unknown): unknown {
  const raw = (record as Record<PropertyKey, unknown>)[RAW] as Record<string, unknown> | undefined;
  const value = (raw ?? record)[key];
  return isUnknown(value) ? whenUnknown : value;
}
