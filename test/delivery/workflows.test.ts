/**
 * Nothing here can run GitHub Actions, so the workflows are checked as data: which stacks
 * they cover, where the policy pack comes from, what the token may do, how updates are
 * gated and serialised, and that every action is pinned.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const ROOT = join(__dirname, "..", "..");
const WORKFLOW_DIR = join(ROOT, ".github", "workflows");

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  "working-directory"?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}

interface Job {
  if?: string;
  permissions?: unknown;
  concurrency?: string | { group: string; "cancel-in-progress"?: unknown };
  environment?: string | { name: string };
  env?: Record<string, unknown>;
  defaults?: { run?: { "working-directory"?: string } };
  strategy?: { matrix?: { stack?: string[]; include?: { stack?: string }[] } };
  steps: Step[];
}

interface Workflow {
  file: string;
  text: string;
  on: unknown;
  permissions?: unknown;
  env?: Record<string, unknown>;
  jobs: Record<string, Job>;
}

interface JobIn {
  workflow: Workflow;
  id: string;
  job: Job;
}

const workflows: Workflow[] = readdirSync(WORKFLOW_DIR)
  .filter((file) => /\.ya?ml$/.test(file))
  .map((file) => {
    const text = readFileSync(join(WORKFLOW_DIR, file), "utf8");
    return { file, text, ...(parse(text) as Omit<Workflow, "file" | "text">) };
  });
const jobs: JobIn[] = workflows.flatMap((workflow) => Object.entries(workflow.jobs).map(([id, job]) => ({ workflow, id, job })));
const stacks = readdirSync(ROOT).flatMap((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1] ?? []).sort();

const describeJob = ({ workflow, id }: JobIn) => `${workflow.file} job ${id}`;
const triggersOf = (workflow: Workflow): string[] =>
  typeof workflow.on === "string" ? [workflow.on] : Array.isArray(workflow.on) ? workflow.on : Object.keys(workflow.on as object);
const isPulumiStep = (step: Step) => step.uses?.startsWith("pulumi/actions@") ?? false;
const pulumiStepOf = ({ job }: JobIn) => job.steps.find(isPulumiStep);
const pulumiJobs = jobs.filter((entry) => pulumiStepOf(entry) !== undefined);
const runs = ({ job }: JobIn, command: RegExp) => job.steps.some((step) => command.test(step.run ?? ""));
// Jobs that only derive the pack's configuration with the plan tool are not offline previews.
const offlinePreviewJobs = jobs.filter((entry) => runs(entry, /npm run (--silent )?plan -- (?!.*--policy-config)/));
// CI runs every test: both jest projects (jest.config.js), not only `npm test`.
const testJobs = jobs.filter((entry) => runs(entry, /^npm run test:all$/m));
const groupOf = ({ job }: JobIn) => (typeof job.concurrency === "string" ? job.concurrency : job.concurrency?.group ?? "");
const commandOf = (entry: JobIn) => pulumiStepOf(entry)?.with?.command;
const updateJobs = pulumiJobs.filter((entry) => commandOf(entry) !== "preview");

/** The stacks a job runs for, and the expression that names the current one. */
function stacksOf({ workflow, job }: JobIn): { stacks: string[]; expression: string } {
  const matrix = job.strategy?.matrix;
  if (matrix) {
    return { stacks: (matrix.stack ?? matrix.include?.flatMap((entry) => entry.stack ?? []) ?? []).sort(), expression: "${{ matrix.stack }}" };
  }
  const dispatch = (workflow.on as { workflow_dispatch?: { inputs?: { stack?: { type?: string; options?: string[] } } } }).workflow_dispatch;
  const input = dispatch?.inputs?.stack;
  return { stacks: input?.type === "choice" ? [...(input.options ?? [])].sort() : [], expression: "${{ inputs.stack }}" };
}

test("the workflows run the offline preview, the tests, previews and updates", () => {
  expect(offlinePreviewJobs.map(describeJob)).toEqual(["ci.yml job offline-preview"]);
  expect(testJobs.map(describeJob)).toEqual(["ci.yml job test"]);
  expect(pulumiJobs.map((entry) => `${describeJob(entry)}: ${String(commandOf(entry))}`).sort()).toEqual([
    "deploy.yml job up: up",
    "preview.yml job main: preview",
    "preview.yml job pull-request: preview",
  ]);
});

test("every action is pinned to a full commit SHA, its release named beside it, one SHA per action", () => {
  const pinned = new Map<string, Set<string>>();
  const lines = workflows.flatMap((workflow) => workflow.text.split("\n").map((line) => ({ file: workflow.file, line })));
  for (const { file, line } of lines) {
    const match = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
    if (!match || match[1].startsWith("./")) continue;
    const [, reference, comment] = match;
    expect({ file, reference }).toEqual({ file, reference: expect.stringMatching(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/) });
    expect({ file, reference, comment: comment.trim() }).toEqual({ file, reference, comment: expect.stringMatching(/^# v\d+\.\d+\.\d+$/) });
    const [action, sha] = reference.split("@");
    pinned.set(action, (pinned.get(action) ?? new Set()).add(sha));
  }
  expect([...pinned.keys()].sort()).toEqual(["actions/checkout", "actions/setup-node", "pulumi/actions"]);
  for (const [action, shas] of pinned) expect({ action, shas: shas.size }).toEqual({ action, shas: 1 });
  // Every `uses` the workflows parse to was seen by the line scan above (none hides in flow style).
  const parsedUses = jobs.flatMap(({ job }) => job.steps.flatMap((step) => step.uses ?? []));
  for (const uses of parsedUses) expect(pinned.get(uses.split("@")[0])?.has(uses.split("@")[1])).toBe(true);
});

test("each stack matrix covers exactly the stacks that have a Pulumi.<stack>.yaml", () => {
  for (const entry of [...offlinePreviewJobs, ...pulumiJobs]) {
    const { stacks: covered, expression } = stacksOf(entry);
    expect({ job: describeJob(entry), stacks: covered }).toEqual({ job: describeJob(entry), stacks });
    const step = pulumiStepOf(entry);
    if (step) expect({ job: describeJob(entry), stack: step.with?.["stack-name"] }).toEqual({ job: describeJob(entry), stack: expression });
    else expect(JSON.stringify(entry.job.steps)).toContain(expression);
  }
});

test("real previews and updates run the program as it is (no build step: Pulumi.yaml has the CLI compile index.ts) and the policy pack from the workspace", () => {
  for (const entry of pulumiJobs) {
    const steps = entry.job.steps;
    const pulumi = steps.findIndex(isPulumiStep);
    const before = steps.slice(0, pulumi);
    const job = describeJob(entry);
    expect({ job, policyPacks: steps[pulumi].with?.policyPacks }).toEqual({ job, policyPacks: "${{ github.workspace }}/policy" });
    expect({ job, build: before.some((step) => /\bbuild\b/.test(step.run ?? "")) }).toEqual({ job, build: false });
    const packConfig = steps[pulumi].with?.policyPackConfigs;
    const written = before.find((step) => /npm run plan -- .* --policy-config /.test(step.run ?? ""))?.run ?? "";
    expect({ job, packConfig, writtenBefore: written.endsWith('"$RUNNER_TEMP/policy-config.json"') }).toEqual({ job, packConfig: "${{ runner.temp }}/policy-config.json", writtenBefore: true });
    expect({ job, packInstalled: before.some((step) => step["working-directory"] === "policy" && /^npm ci\b/.test(step.run ?? "")) }).toEqual({ job, packInstalled: true });
    expect({ job, backend: steps[pulumi].with?.["cloud-url"], passphrase: steps[pulumi].env?.PULUMI_CONFIG_PASSPHRASE }).toEqual({
      job,
      backend: "${{ secrets.PULUMI_BACKEND_URL }}",
      passphrase: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
    });
  }
});

test("secrets never sit in workflow- or job-wide env, where npm install scripts would see them", () => {
  const wide = [...workflows.map((workflow) => ({ where: workflow.file, env: workflow.env })), ...jobs.map((entry) => ({ where: describeJob(entry), env: entry.job.env }))];
  for (const { where, env } of wide) expect({ where, env: JSON.stringify(env ?? {}) }).toEqual({ where, env: expect.not.stringContaining("secrets.") });
});

test("permissions: none by default, read per job, pull-requests: write only where a preview is commented on a pull request", () => {
  const writers: string[] = [];
  for (const workflow of workflows) {
    expect({ workflow: workflow.file, permissions: workflow.permissions }).toEqual({ workflow: workflow.file, permissions: {} });
    expect({ workflow: workflow.file, triggers: triggersOf(workflow) }).toEqual({ workflow: workflow.file, triggers: expect.not.arrayContaining(["pull_request_target"]) });
  }
  for (const entry of jobs) {
    const job = describeJob(entry);
    // A string (write-all, read-all) or a missing block would grant more than the job names.
    expect({ job, permissions: typeof entry.job.permissions }).toEqual({ job, permissions: "object" });
    for (const [scope, level] of Object.entries(entry.job.permissions as Record<string, string>)) {
      if (level === "read" || level === "none") continue;
      expect({ job, scope, level }).toEqual({ job, scope: "pull-requests", level: "write" });
      expect({ job, commentsOnPullRequests: pulumiStepOf(entry)?.with?.["comment-on-pr"] === true && (entry.job.if ?? "").includes("github.event_name == 'pull_request'") }).toEqual({
        job,
        commentsOnPullRequests: true,
      });
      writers.push(job);
    }
  }
  expect(writers).toEqual(["preview.yml job pull-request"]);
});

test("real previews of pull requests run only for branches of this repository (forks get no secrets)", () => {
  const pullRequestJobs = pulumiJobs.filter((entry) => triggersOf(entry.workflow).includes("pull_request"));
  expect(pullRequestJobs.length).toBeGreaterThan(0);
  for (const entry of pullRequestJobs) {
    const guarded = /github\.event_name == 'push'$|github\.event\.pull_request\.head\.repo\.full_name == github\.repository/.test(entry.job.if ?? "");
    expect({ job: describeJob(entry), guarded }).toEqual({ job: describeJob(entry), guarded: true });
  }
});

test("each stack's previews and updates have concurrency groups of their own; updates queue, never cancel", () => {
  for (const entry of pulumiJobs) {
    const job = describeJob(entry);
    expect({ job, group: groupOf(entry) }).toEqual({ job, group: expect.stringContaining(stacksOf(entry).expression.replace(/^\$\{\{ | \}\}$/g, "")) });
  }
  const previewGroups = new Set(pulumiJobs.filter((entry) => commandOf(entry) === "preview").map(groupOf));
  for (const entry of updateJobs) {
    const job = describeJob(entry);
    const concurrency = entry.job.concurrency as { group: string; "cancel-in-progress"?: unknown };
    // One group per stack whatever the branch: two updates of a stack can never overlap.
    expect({ job, group: concurrency.group }).toEqual({ job, group: expect.not.stringMatching(/github\.(ref|head_ref|run_id|sha)/) });
    expect({ job, cancels: concurrency["cancel-in-progress"] }).toEqual({ job, cancels: false });
    // A preview joining an update's group would cancel the update waiting there.
    expect({ job, sharedWithPreview: previewGroups.has(concurrency.group) }).toEqual({ job, sharedWithPreview: false });
  }
});

test("pulumi up runs only from a manual dispatch on main, behind the stack's environment", () => {
  expect(updateJobs.length).toBeGreaterThan(0);
  for (const entry of pulumiJobs) {
    // A literal command: an expression could turn a preview job into an update.
    expect({ job: describeJob(entry), command: commandOf(entry) }).toEqual({ job: describeJob(entry), command: expect.stringMatching(/^(preview|up)$/) });
  }
  for (const entry of updateJobs) {
    const job = describeJob(entry);
    const environment = typeof entry.job.environment === "object" ? entry.job.environment.name : entry.job.environment;
    expect({ job, triggers: triggersOf(entry.workflow) }).toEqual({ job, triggers: ["workflow_dispatch"] });
    expect({ job, environment }).toEqual({ job, environment: stacksOf(entry).expression });
    expect({ job, if: entry.job.if }).toEqual({ job, if: "github.ref == 'refs/heads/main'" });
  }
});

test("the tests on GitHub run on the repository alone, for forks too", () => {
  const [entry] = testJobs;
  const { job } = entry;
  const checkouts = job.steps.filter((step) => step.uses?.startsWith("actions/checkout@")).map((step) => step.with ?? {});
  // One checkout of this repository, at the workspace root: nothing else beside it.
  expect(checkouts).toHaveLength(1);
  expect(checkouts[0]).not.toHaveProperty("repository");
  expect(checkouts[0]).not.toHaveProperty("path");
  expect(job.steps.flatMap((step) => step.run ?? [])).toEqual(expect.arrayContaining(["npm ci --no-audit --no-fund", "npm run typecheck", "npm run test:all"]));
  for (const ci of [entry, ...offlinePreviewJobs]) {
    expect({ job: describeJob(ci), triggers: triggersOf(ci.workflow), if: ci.job.if }).toEqual({ job: describeJob(ci), triggers: expect.arrayContaining(["pull_request"]), if: undefined });
  }
});

test("the offline preview writes its output and verdict to the job summary and fails the job with the plan", () => {
  for (const entry of offlinePreviewJobs) {
    const script = entry.job.steps.map((step) => step.run ?? "").join("\n");
    expect(script).toContain('>> "$GITHUB_STEP_SUMMARY"');
    expect(script).toMatch(/exit "\$status"\s*$/);
  }
});

test("checkouts leave no token behind in .git/config", () => {
  const checkouts = jobs.flatMap((entry) => entry.job.steps.filter((step) => step.uses?.startsWith("actions/checkout@")).map((step) => ({ job: describeJob(entry), persist: step.with?.["persist-credentials"] })));
  expect(checkouts.length).toBeGreaterThan(0);
  for (const checkout of checkouts) expect(checkout).toEqual({ job: checkout.job, persist: false });
});
