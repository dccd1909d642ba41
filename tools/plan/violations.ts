import { violationDetail, type PolicyReport } from "../../policy/evaluate";

/** The policy pack's verdict, violations grouped by policy as `pulumi preview` groups them. */
export function renderViolations(report: PolicyReport): string[] {
  const pack = `${report.packName}@v${report.packVersion}`;
  if (report.violations.length === 0) return [`Policies: ${pack} passed on ${report.resourceCount} resources`];
  const lines = [`Policy violations (${pack}):`];
  const policies = [...new Set(report.violations.map((violation) => violation.policyName))];
  for (const policy of policies) {
    const violations = report.violations.filter((violation) => violation.policyName === policy);
    lines.push(`    [${violations[0].enforcementLevel}]  ${policy}  (${violations[0].description})`);
    for (const violation of violations) {
      const subject = violation.name ? `${violation.name} (${violation.type})` : "the stack";
      lines.push(`        ${subject}:`, ...violationDetail(violation).split("\n").map((line) => `            ${line}`));
    }
  }
  const mandatory = report.violations.filter((violation) => violation.enforcementLevel === "mandatory").length;
  lines.push(`Policies: ${mandatory} mandatory, ${report.violations.length - mandatory} other violation(s) on ${report.resourceCount} resources`);
  return lines;
}
