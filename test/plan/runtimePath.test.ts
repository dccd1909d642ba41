/**
 * The program as `pulumi preview` runs it, without the CLI: the Node.js language host's command
 * (pulumi/pulumi v3.248.0 `pulumi-language-nodejs` `constructArguments`, `constructConfig`):
 * `@pulumi/pulumi/cmd/run` with `--monitor`, `--engine`, `--project`, `--stack`, `--dry-run` and
 * the entry point `.`, the stack's configuration in `PULUMI_CONFIG`/`PULUMI_CONFIG_SECRET_KEYS`,
 * and Pulumi.yaml's runtime options, against a stand-in engine and resource monitor speaking
 * `@pulumi/pulumi`'s protos. Its registrations must be the offline plan's (this test run's
 * shared offline preview, test/support/previews.ts). One run per stack.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { CONFIG_NAMESPACE } from "../../config/load";
import { offlineMocks } from "../../tools/plan/mocks";
import { cliConfigEnvironment, readOfflineConfig } from "../../tools/plan/stackConfig";
import type { Plan } from "../../policy/contract/plan";
import { stackPreview } from "../support/previews";
import { startStandInDeployment, type EngineLog, type Registration } from "../support/standInEngine";
import { ROOT } from "../support/stackConfig";

const STACKS = ["vps", "homelab"] as const;
type Stack = (typeof STACKS)[number];
const dir = mkdtempSync(join(tmpdir(), "runtime-path-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Pulumi.yaml's runtime options, as the language host turns them into the program's environment. */
function runtimeEnvironment(projectDir: string): NodeJS.ProcessEnv {
  const project = parse(readFileSync(join(projectDir, "Pulumi.yaml"), "utf8")) as { runtime: { options?: { typescript?: boolean } } };
  return project.runtime.options?.typescript ? { PULUMI_NODEJS_TYPESCRIPT: "true" } : {};
}

interface ProgramRun {
  code: number | null;
  stderr: string;
  registrations: Registration[];
  logs: EngineLog[];
}

/** Runs a project's program through the runtime's entry point, as the language host does for a preview. */
async function runProgram(projectDir: string, stack: string, environment: NodeJS.ProcessEnv): Promise<ProgramRun> {
  const deployment = await startStandInDeployment({ project: "homeops", stack, mocks: offlineMocks });
  const entry = require.resolve("@pulumi/pulumi/cmd/run", { paths: [projectDir] });
  const args = [
    entry, "--monitor", deployment.address, "--engine", deployment.address, "--organization", "organization", "--project", "homeops",
    "--root-directory", projectDir, "--stack", stack, "--pwd", projectDir, "--dry-run", "--parallel", "16", ".",
  ];
  const env = { ...process.env, ...environment, ...runtimeEnvironment(projectDir) };
  try {
    return await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, args, { cwd: projectDir, env, stdio: ["ignore", "ignore", "pipe"], timeout: 240_000 });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stderr, registrations: deployment.registrations, logs: deployment.logs }));
    });
  } finally {
    await deployment.stop();
  }
}

const runs = {} as Record<Stack, ProgramRun>;
const plans = {} as Record<Stack, Plan>;

beforeAll(async () => {
  await Promise.all(STACKS.flatMap((stack) => [
    (async () => {
      const config = readOfflineConfig(join(ROOT, `Pulumi.${stack}.yaml`), CONFIG_NAMESPACE);
      runs[stack] = await runProgram(ROOT, stack, cliConfigEnvironment(config));
    })(),
    (async () => void (plans[stack] = (await stackPreview(stack)).plan))(),
  ]));
}, 300_000);

/** A dynamic provider's `__provider` is its serialized code: the compiler's output (ts-node here, tsx offline), not the program's input. */
const DYNAMIC_PROVIDER_CODE = "__provider";
const comparable = ({ urn, type, name, parent, inputs }: Registration) => {
  const { [DYNAMIC_PROVIDER_CODE]: code, ...rest } = inputs;
  return { urn, type, name, parent, inputs: code === undefined ? inputs : { ...rest, [DYNAMIC_PROVIDER_CODE]: typeof code } };
};

describe.each(STACKS)("%s through @pulumi/pulumi/cmd/run", (stack) => {
  test("runs index.ts with the runtime's ts-node and this project's TypeScript, and succeeds", () => {
    const run = runs[stack];
    expect({ code: run.code, errors: run.logs.filter((log) => log.severity >= 3).map((log) => log.message) }).toEqual({ code: 0, errors: [] });
    const messages = run.logs.map((log) => log.message);
    expect(messages).toContain(`Found typescript version 6.0.3 at ${join(ROOT, "node_modules", "typescript", "lib", "typescript.js")}`);
    expect(messages).toContain("Using vendored ts-node@7.0.1");
  });

  test("registers exactly what the offline plan records: URNs, types, names, parents and inputs", () => {
    const offline = plans[stack].resources.map(comparable);
    const runtime = runs[stack].registrations.map(comparable);
    expect(runtime.length).toBeGreaterThan(40);
    const byUrn = (list: ReturnType<typeof comparable>[]) => [...list].sort((a, b) => a.urn.localeCompare(b.urn));
    expect(byUrn(runtime)).toEqual(byUrn(offline));
  });

  test("every URN a recorded resource refers to is one the engine gave", () => {
    const urns = new Set(runs[stack].registrations.map((registration) => registration.urn));
    const referred = plans[stack].resources.flatMap((resource) => [resource.parent, resource.provider, ...resource.dependencies].filter(Boolean));
    expect(referred.filter((urn) => !urns.has(urn))).toEqual([]);
  });
});

test("the runtime's ts-node type-checks: a type error stops the program before anything is registered", async () => {
  const project = join(dir, "type-error");
  mkdirSync(project);
  symlinkSync(join(ROOT, "node_modules"), join(project, "node_modules"));
  writeFileSync(join(project, "Pulumi.yaml"), readFileSync(join(ROOT, "Pulumi.yaml")));
  writeFileSync(join(project, "tsconfig.json"), readFileSync(join(ROOT, "tsconfig.json")));
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "type-error", main: "index.ts" }));
  writeFileSync(join(project, "index.ts"), 'import * as pulumi from "@pulumi/pulumi";\nconst port: number = "443";\nexport const out = pulumi.output(port);\n');
  const run = await runProgram(project, "vps", {});
  expect(run.code).not.toBe(0);
  expect(run.logs.map((log) => log.message).join("\n")).toMatch(/TS2322: Type 'string' is not assignable to type 'number'/);
  expect(run.registrations.filter((registration) => registration.type !== "pulumi:pulumi:Stack")).toEqual([]);
}, 120_000);
