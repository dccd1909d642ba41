/**
 * The TalosBootstrap dynamic resource under Pulumi's mocks, then its serialized provider
 * driven the way the engine drives it (`up`: create; second `up`: diff, and no update when
 * diff reports no changes) against the fake Talos API.
 */
import * as pulumi from "@pulumi/pulumi";
import { TalosBootstrap } from "../../components/talos/bootstrap";
import { loadSerializedProvider, plainInputs } from "../support/dynamicProvider";
import { FakeTalosApi } from "./fakeTalosApi";
import { generateTestPki, type TestPki } from "./testPki";

const DYNAMIC_TYPE = "pulumi-nodejs:dynamic/talos:TalosBootstrap";

let pki: TestPki;
let api: FakeTalosApi;
const registrations: pulumi.runtime.MockResourceArgs[] = [];
/** Inputs of the TalosBootstrap pointed at the fake node, as the mock monitor received them. */
let registeredInputs: Record<string, unknown>;

beforeAll(async () => {
  pki = generateTestPki();
  api = await FakeTalosApi.start(pki);
  await pulumi.runtime.setMocks({
    newResource: (args) => {
      registrations.push(args);
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: () => ({}),
  });
  registeredInputs = await inputsOf(
    new TalosBootstrap("cluster-bootstrap", {
      node: "127.0.0.1",
      port: api.port,
      caPem: pki.ca.certPem,
      clientCertPem: pki.admin.certPem,
      clientKeyPem: pki.admin.keyPem,
      timeoutMs: 2000,
    }),
  );
});
afterAll(() => api.close());
beforeEach(() => api.reset());

describe("TalosBootstrap registration", () => {
  test("carries the node, port and CA in the clear, the client certificate and key as secrets", () => {
    expect(registeredInputs).toMatchObject({ node: "127.0.0.1", port: api.port, caPem: pki.ca.certPem, timeoutMs: 2000 });
    expect(pulumi.runtime.isRpcSecret(registeredInputs.clientKeyPem)).toBe(true);
    expect(pulumi.runtime.unwrapRpcSecret(registeredInputs.clientKeyPem)).toBe(pki.admin.keyPem);
    expect(pulumi.runtime.isRpcSecret(registeredInputs.clientCertPem)).toBe(true);
  });

  test("defaults to the Talos API port", async () => {
    const inputs = await inputsOf(new TalosBootstrap("defaults", { node: "10.0.0.10", caPem: "ca", clientCertPem: "c", clientKeyPem: "k" }));
    expect(inputs.port).toBe(50000);
  });

  test("its provider serializes without secrets or captured modules", () => {
    const providerText = registeredInputs.__provider as string;
    expect(providerText).toContain("exports.handler");
    expect(providerText).toContain('require("@grpc/grpc-js")');
    expect(providerText).not.toContain("BEGIN PRIVATE KEY");
    expect(providerText.length).toBeLessThan(20_000);
  });
});

describe("the serialized provider, driven like the engine", () => {
  const inputs = () => plainInputs(registeredInputs);

  test("up bootstraps once; a second up diffs to no change and does not call the node", async () => {
    const provider = loadSerializedProvider(registeredInputs.__provider as string);
    const created = await provider.create(inputs());
    expect(api.bootstrapCalls).toBe(1);
    expect(created.outs).toMatchObject({ endpoint: api.endpoint, outcome: "bootstrapped", bootstrappedAt: expect.any(String) });

    const secondUp = await provider.diff!(created.id, created.outs, inputs());
    expect(secondUp.changes).toBe(false);
    expect(api.bootstrapCalls).toBe(1);
  });

  test("a new first node or rotated certificates neither replace nor re-bootstrap", async () => {
    const provider = loadSerializedProvider(registeredInputs.__provider as string);
    const created = await provider.create(inputs());
    const changed = { ...inputs(), node: "10.0.0.11", clientCertPem: pki.foreignAdmin.certPem, clientKeyPem: pki.foreignAdmin.keyPem };
    const diff = await provider.diff!(created.id, created.outs, changed);
    expect(diff).toEqual({ changes: false });
    await expect(provider.update!(created.id, created.outs, changed)).resolves.toEqual({ outs: created.outs });
    await provider.delete!(created.id, created.outs);
    expect(api.bootstrapCalls).toBe(1);
  });

  test("an already bootstrapped node is recorded as such", async () => {
    const provider = loadSerializedProvider(registeredInputs.__provider as string);
    api.answerWith({ kind: "grpc-error", code: 6 /* ALREADY_EXISTS */, details: "etcd data directory is not empty" });
    const created = await provider.create(inputs());
    expect(created.outs).toMatchObject({ outcome: "already-bootstrapped" });
  });
});

async function inputsOf(resource: TalosBootstrap): Promise<Record<string, unknown>> {
  const urn = await new Promise<string>((resolve) => resource.urn.apply(resolve));
  const registration = registrations.find((args) => args.type === DYNAMIC_TYPE && urn.endsWith(`::${args.name}`));
  if (!registration) throw new Error(`${urn} was not registered as a ${DYNAMIC_TYPE}`);
  return registration.inputs;
}
