/**
 * The offline preview and the offline policy evaluation lean on SDK members that are not
 * declared API: the mock monitor's `registerResource` and `resources` (tools/plan/recorder.ts,
 * tools/plan/talosConfigs.ts), the runtime's per-run state store (tools/plan/offlinePreview.ts)
 * and @pulumi/policy's `@internal` analyzer handlers (policy/evaluate.ts) and unknown-value
 * proxy (policy/preview.ts). Each assumption is pinned here, so that an SDK upgrade that breaks
 * one fails with the assumption's name rather than somewhere deep in a plan.
 */
import type { Policies } from "@pulumi/policy";
import * as policyProxy from "@pulumi/policy/proxy";
import * as policyServer from "@pulumi/policy/server";
import * as pulumi from "@pulumi/pulumi";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

function assumption(holds: boolean, what: string, where: string): void {
  if (!holds) throw new Error(`SDK assumption broken (${where}): ${what}`);
}

describe("@pulumi/pulumi's mock monitor", () => {
  const mocks: pulumi.runtime.Mocks = {
    newResource: ({ name, inputs }) => ({ id: `${name}-id`, state: inputs }),
    call: () => ({}),
  };
  const seen: string[] = [];
  let monitor: MockMonitor;

  beforeAll(async () => {
    pulumi.runtime.setMocks(mocks, "project", "stack", true);
    monitor = pulumi.runtime.getMonitor() as unknown as MockMonitor;
    const register = monitor.registerResource;
    assumption(typeof register === "function" && register.length === 2, "MockMonitor.registerResource is a method (request, callback)", "tools/plan/recorder.ts");
    monitor.registerResource = (request: any, callback: any) => {
      seen.push(`${request.getType()}::${request.getName()}`);
      return register.call(monitor, request, callback);
    };
    await pulumi.runtime.runInPulumiStack(async () => {
      class Thing extends pulumi.CustomResource {
        constructor(name: string, opts: pulumi.CustomResourceOptions) {
          super("test:index:Thing", name, { size: 1 }, opts);
        }
      }
      class Holder extends pulumi.ComponentResource {
        constructor(name: string) {
          super("test:index:Holder", name);
          new Thing(`${name}-thing`, { parent: this });
          this.registerOutputs({ configs: { node: "machine config" } });
        }
      }
      new Holder("holder");
      return {};
    });
    await pulumi.runtime.disconnect();
  });

  test("setMocks installs the SDK's MockMonitor as the runtime's monitor", () => {
    assumption(monitor instanceof MockMonitor, "pulumi.runtime.getMonitor() returns a MockMonitor after setMocks", "tools/plan/recorder.ts");
  });

  test("every registration, components included, goes through the monitor's own registerResource property", () => {
    assumption(
      seen.includes("test:index:Holder::holder") && seen.includes("test:index:Thing::holder-thing"),
      `replacing MockMonitor.registerResource sees each registration (saw ${JSON.stringify(seen)})`,
      "tools/plan/recorder.ts",
    );
  });

  test("a component's registered outputs are kept in MockMonitor.resources under its URN", () => {
    assumption(monitor.resources instanceof Map, "MockMonitor.resources is a Map", "tools/plan/talosConfigs.ts");
    const holder = [...monitor.resources.values()].find((resource) => resource.urn.endsWith("test:index:Holder::holder"));
    const state = holder?.state as { toJavaScript?: () => unknown } | undefined;
    const outputs = typeof state?.toJavaScript === "function" ? state.toJavaScript() : state;
    assumption(
      JSON.stringify(outputs) === JSON.stringify({ configs: { node: "machine config" } }),
      `registerOutputs stores the outputs as the component's state in MockMonitor.resources (found ${JSON.stringify(outputs)})`,
      "tools/plan/talosConfigs.ts",
    );
  });
});

describe("@pulumi/pulumi's per-run state store", () => {
  test("runtime/state's withLocalStorage gives a run settings, config and a monitor of its own", async () => {
    const state = require("@pulumi/pulumi/runtime/state") as { withLocalStorage?: <T>(run: () => Promise<T>) => Promise<T> };
    assumption(typeof state.withLocalStorage === "function", "@pulumi/pulumi/runtime/state exports withLocalStorage(run)", "tools/plan/offlinePreview.ts");
    const mocks: pulumi.runtime.Mocks = { newResource: ({ name, inputs }) => ({ id: name, state: inputs }), call: () => ({}) };
    const inside = await state.withLocalStorage!(async () => {
      pulumi.runtime.setMocks(mocks, "inner-project", "inner-stack", true);
      pulumi.runtime.setAllConfig({ "inner:key": "value" });
      return { stack: pulumi.getStack(), monitor: pulumi.runtime.getMonitor(), key: new pulumi.Config("inner").get("key") };
    });
    assumption(inside.stack === "inner-stack" && inside.key === "value" && inside.monitor instanceof MockMonitor, "setMocks and setAllConfig take effect inside withLocalStorage", "tools/plan/offlinePreview.ts");
    assumption(
      pulumi.runtime.getMonitor() !== inside.monitor && pulumi.getStack() !== "inner-stack" && new pulumi.Config("inner").get("key") === undefined,
      "what a run sets inside withLocalStorage stays inside it",
      "tools/plan/offlinePreview.ts",
    );
  });
});

describe("@pulumi/policy's @internal analyzer handlers", () => {
  type Handler = (call: { request: unknown }, callback: (error: unknown, response?: analyzerproto.AnalyzeResponse) => void) => Promise<void>;
  const server = policyServer as unknown as Record<string, unknown>;
  const factories = ["makeAnalyzeRpcFun", "makeAnalyzeStackRpcFun"];
  const policies: Policies = [
    {
      name: "always-fails",
      description: "fails every resource",
      enforcementLevel: "advisory",
      validateResource: (_args, reportViolation) => reportViolation("found one"),
    },
    {
      name: "switched-off",
      description: "would fail every resource",
      enforcementLevel: "disabled",
      validateResource: (_args, reportViolation) => reportViolation("must not be reported"),
    },
  ];

  test.each(factories)("%s is exported and takes (packName, packVersion, enforcementLevel, policies)", (factory) => {
    assumption(typeof server[factory] === "function", `@pulumi/policy/server exports ${factory}`, "policy/evaluate.ts");
    assumption((server[factory] as () => unknown).length === 4, `${factory} takes four parameters`, "policy/evaluate.ts");
  });

  test("the resource handler reports each violation at its policy's own enforcement level, and skips disabled ones", async () => {
    assumption(typeof server.makeAnalyzeRpcFun === "function", "@pulumi/policy/server exports makeAnalyzeRpcFun", "policy/evaluate.ts");
    const analyze = (server.makeAnalyzeRpcFun as (...args: unknown[]) => Handler)("pack", "1.0.0", "mandatory", policies);
    const request = new analyzerproto.AnalyzeRequest();
    request.setType("test:index:Thing");
    request.setUrn("urn:pulumi:stack::project::test:index:Thing::thing");
    request.setName("thing");
    request.setProperties(Struct.fromJavaScript({}));
    request.setOptions(new analyzerproto.AnalyzerResourceOptions());
    const response = await new Promise<analyzerproto.AnalyzeResponse | undefined>((resolve, reject) => {
      void analyze({ request }, (error, result) => (error ? reject(error) : resolve(result)));
    });
    const diagnostics = response?.getDiagnosticsList().map((diagnostic) => [diagnostic.getPolicyname(), diagnostic.getEnforcementlevel(), diagnostic.getMessage()]);
    assumption(
      JSON.stringify(diagnostics) === JSON.stringify([["always-fails", analyzerproto.EnforcementLevel.ADVISORY, "fails every resource\nfound one"]]),
      `makeAnalyzeRpcFun's handler (call, callback) answers an AnalyzeResponse with one diagnostic per violation at the policy's level (got ${JSON.stringify(diagnostics)})`,
      "policy/evaluate.ts",
    );
  });
});

describe("@pulumi/policy's @internal unknown-value proxy", () => {
  const proxy = policyProxy as unknown as Record<string, unknown>;
  const sentinels = ["unknownBooleanValue", "unknownNumberValue", "unknownStringValue", "unknownArrayValue", "unknownAssetValue", "unknownArchiveValue", "unknownObjectValue"];

  test.each(sentinels)("%s is exported as a string: the value the engine sends for an unknown", (name) => {
    assumption(typeof proxy[name] === "string" && (proxy[name] as string).length > 0, `@pulumi/policy/proxy exports ${name} as a string`, "policy/preview.ts");
  });

  test("the SDK's proxy throws on an unknown, and getSpecialProxyTarget gives back the object under it", () => {
    assumption(typeof proxy.unknownCheckingProxy === "function", "@pulumi/policy/proxy exports unknownCheckingProxy", "policy/preview.ts");
    assumption(typeof proxy.getSpecialProxyTarget === "string", "@pulumi/policy/proxy exports getSpecialProxyTarget as a property name", "policy/preview.ts");
    const props = { known: "a", computed: proxy.unknownStringValue };
    const wrapped = (proxy.unknownCheckingProxy as (value: object) => Record<string, unknown>)(props);
    assumption(wrapped.known === "a", "the proxy passes known values through", "policy/preview.ts");
    let threw = false;
    try {
      void wrapped.computed;
    } catch {
      threw = true;
    }
    assumption(threw, "the proxy throws when an unknown is read (why policy/preview.ts reads the object under it itself)", "policy/preview.ts");
    assumption(wrapped[proxy.getSpecialProxyTarget as string] === props, "reading getSpecialProxyTarget through the proxy gives the proxied object", "policy/preview.ts");
  });
});
