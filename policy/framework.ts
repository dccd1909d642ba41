/**
 * Builds CrossGuard policies from checks that return findings, so that every policy reads its
 * configuration, applies exemptions and words its violations the same way.
 */
import type { PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, Severity, StackValidationPolicy } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { DEFAULT_SETTINGS, type CommonSettings, type Exemption, type PolicyName, type SettingsOf } from "./config";
import { strictProps, UnknownDuringPreview } from "./preview";
import type { ResourceView } from "./resource-view";

/** One thing wrong, worded for the person who must fix it. */
export interface Finding {
  /** What is wrong; names the resource(s) involved. */
  message: string;
  /** The concrete fix for this finding. */
  fix: string;
  /** Stack policies: the resource the finding is about; absent for machine-wide findings. */
  urn?: string;
  /** Other names an exemption may use for it: a container, host or node name. */
  subjects?: string[];
}

type SettingsSchema<N extends PolicyName> = { [K in keyof SettingsOf<N>]-?: PolicyConfigJSONSchema };

interface PolicyDefinition<N extends PolicyName> {
  name: N;
  description: string;
  severity: Severity;
  remediationSteps: string;
  /** JSON Schema of each setting; defaults come from DEFAULT_SETTINGS. */
  settings: SettingsSchema<N>;
}

export interface ResourcePolicyDefinition<N extends PolicyName> extends PolicyDefinition<N> {
  appliesTo(type: string): boolean;
  check(resource: ResourceView, settings: SettingsOf<N>): Finding[];
}

export interface StackPolicyDefinition<N extends PolicyName> extends PolicyDefinition<N> {
  check(resources: readonly ResourceView[], settings: SettingsOf<N>): Finding[];
}

const EXEMPTIONS_SCHEMA: PolicyConfigJSONSchema = {
  type: "array",
  description: "Deliberate exceptions: the resource (name or URN, or the container, host or node a finding names) and why.",
  items: {
    type: "object",
    required: ["resource", "reason"],
    properties: { resource: { type: "string", minLength: 1 }, reason: { type: "string", minLength: 1 } },
    additionalProperties: false,
  },
  default: [],
};

function configSchema<N extends PolicyName>(definition: PolicyDefinition<N>) {
  const defaults = DEFAULT_SETTINGS[definition.name] as Record<string, unknown>;
  const settings = Object.entries(definition.settings as Record<string, PolicyConfigJSONSchema>);
  const properties = Object.fromEntries(settings.map(([key, schema]) => [key, { ...schema, default: defaults[key] }]));
  return { properties: { ...properties, exemptions: EXEMPTIONS_SCHEMA } } as { properties: Record<string, PolicyConfigJSONSchema> };
}

/** The SDK's fields only: everything else on a policy object would leak into its diagnostics. */
function metadata<N extends PolicyName>(definition: PolicyDefinition<N>) {
  const { name, description, severity, remediationSteps } = definition;
  return { name, description, severity, remediationSteps, enforcementLevel: "mandatory" as const, configSchema: configSchema(definition) };
}

/** Configured settings over the defaults; the engine fills defaults in too, this covers callers that do not. */
function settingsOf<N extends PolicyName>(name: N, configured: object): { settings: SettingsOf<N>; exemptions: Exemption[] } {
  const { exemptions, ...settings } = configured as CommonSettings & Partial<SettingsOf<N>>;
  return { settings: { ...DEFAULT_SETTINGS[name], ...settings } as SettingsOf<N>, exemptions: exemptions ?? [] };
}

const nameOfUrn = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);

function isExempt(finding: Finding, urn: string | undefined, exemptions: readonly Exemption[]): boolean {
  if (exemptions.length === 0) return false;
  const names = [...(urn ? [urn, nameOfUrn(urn)] : []), ...(finding.subjects ?? [])];
  return exemptions.some((exemption) => names.includes(exemption.resource));
}

function report(findings: readonly Finding[], exemptions: readonly Exemption[], reportViolation: ReportViolation, resourceUrn?: string): void {
  for (const finding of findings) {
    if (!isExempt(finding, finding.urn ?? resourceUrn, exemptions)) reportViolation(`${finding.message} Fix: ${finding.fix}`, finding.urn);
  }
}

/** What a check sees of a resource: its properties (and its provider's) read strictly, see ./preview. */
function viewOf(resource: ResourceValidationArgs | PolicyResource, emptyIsUnknown: boolean): ResourceView {
  const { type, name, urn, provider } = resource;
  return {
    type,
    name,
    urn,
    props: strictProps(resource.props, { type, name, urn }, emptyIsUnknown),
    provider: provider && { name: provider.name, props: strictProps(provider.props, { type: provider.type, name: provider.name, urn: provider.urn }, false) },
    ignoreChanges: resource.opts.ignoreChanges,
  };
}

/** A check that needs a value the preview does not know fails, mandatory, naming what is missing: never the SDK's silent advisory. */
function unverifiable(error: UnknownDuringPreview): Finding {
  const { subject, path } = error;
  return path
    ? {
      message: `Cannot be verified during preview: ${subject.name} (${subject.type}) has no known ${path}; the provider computes it when the program leaves it unset, or the program sets it from a value not yet known.`,
      fix: `Set ${path} of ${subject.name} explicitly in the program, from values known before the resource exists.`,
      urn: subject.urn,
      subjects: [subject.name],
    }
    : {
      message: `Cannot be verified during preview: the engine sends no planned state for ${subject.name} (${subject.type}), because its provider's configuration is not known yet (a cluster this update creates).`,
      fix: `Create what the provider's configuration comes from first (pulumi up --target <its URN>), then preview again.`,
      urn: subject.urn,
      subjects: [subject.name],
    };
}

function checked(check: () => Finding[]): Finding[] {
  try {
    return check();
  } catch (error) {
    if (error instanceof UnknownDuringPreview) return [unverifiable(error)];
    throw error;
  }
}

/**
 * A stack check made resource by resource: a value one resource's planned state lacks fails
 * that resource alone ("cannot be verified"), and the others are still judged.
 */
export function eachResource(resources: readonly ResourceView[], check: (resource: ResourceView) => Finding[]): Finding[] {
  return resources.flatMap((resource) => checked(() => check(resource)).map((finding) => ({ urn: resource.urn, ...finding })));
}

export function resourcePolicy<N extends PolicyName>(definition: ResourcePolicyDefinition<N>): ResourceValidationPolicy {
  return {
    ...metadata(definition),
    validateResource: (args, reportViolation) => {
      if (!definition.appliesTo(args.type)) args.notApplicable(`${definition.name} does not apply to ${args.type}`);
      const { settings, exemptions } = settingsOf(definition.name, args.getConfig());
      report(checked(() => definition.check(viewOf(args, false), settings)), exemptions, reportViolation, args.urn);
    },
  };
}

export function stackPolicy<N extends PolicyName>(definition: StackPolicyDefinition<N>): StackValidationPolicy {
  return {
    ...metadata(definition),
    validateStack: (args, reportViolation) => {
      const { settings, exemptions } = settingsOf(definition.name, args.getConfig());
      const resources = args.resources.map((resource) => viewOf(resource, true));
      report(checked(() => definition.check(resources, settings)), exemptions, reportViolation);
    },
  };
}

/** Schema of a list of names. */
export function nameList(description: string): PolicyConfigJSONSchema {
  return { type: "array", items: { type: "string", minLength: 1 }, uniqueItems: true, description };
}

/** Schema of a map from machine name to a capacity in MB. */
export function capacityMap(description: string): PolicyConfigJSONSchema {
  return { type: "object", additionalProperties: { type: "integer", minimum: 1 }, description };
}
