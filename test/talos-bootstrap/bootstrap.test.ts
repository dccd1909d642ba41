/**
 * etcd's bootstrap over the Talos API, against a fake node on loopback (mutual TLS with the
 * test PKI): the client, then the TalosBootstrap dynamic resource under Pulumi's mocks and
 * its serialized provider driven the way the engine drives it (`up`: create; second `up`:
 * diff, and no update when diff reports no changes).
 */
import * as grpc from "@grpc/grpc-js";
import * as pulumi from "@pulumi/pulumi";
import { createServer } from "node:net";
import { TalosBootstrap } from "../../components/talos/bootstrap";
import { bootstrapTalos, talosApiTarget, type TalosBootstrapOptions } from "../../components/talos/bootstrapClient";
import { loadSerializedProvider, plainInputs } from "../support/dynamicProvider";
import { FakeTalosApi } from "./fakeTalosApi";
import { generateTestPki, type TestPki } from "./testPki";

/** One fake node for the whole file: the client's cases and the resource's provider both call it. */
let pki: TestPki;
let api: FakeTalosApi;

beforeAll(async () => {
  pki = generateTestPki();
  api = await FakeTalosApi.start(pki);
});
afterAll(() => api.close());
beforeEach(() => api.reset());

describe("the client", () => {

  function options(overrides: Partial<TalosBootstrapOptions> = {}): TalosBootstrapOptions {
    return {
      endpoint: api.endpoint,
      caPem: pki.ca.certPem,
      clientCertPem: pki.admin.certPem,
      clientKeyPem: pki.admin.keyPem,
      timeoutMs: 400,
      retryIntervalMs: 20,
      ...overrides,
    };
  }

  /**
   * For cases that end in an answer: a deadline that only a hang reaches. The 400 ms default
   * is for the cases that must run into it; a loaded machine has taken longer than that for
   * three TLS handshakes.
   */
  const answering = (overrides: Partial<TalosBootstrapOptions> = {}) => options({ timeoutMs: 30_000, ...overrides });

  /**
   * For cases refused on the first attempt: a retry interval as long as the deadline makes the
   * first failure the last, and a deadline no stall reaches keeps that failure's own reason (a
   * loaded CI machine once spent the whole 400 ms before the first call started).
   */
  const refusedAtOnce = (overrides: Partial<TalosBootstrapOptions> = {}) => answering({ retryIntervalMs: 30_000, ...overrides });

  const notReady = (details: string) => ({ kind: "grpc-error", code: grpc.status.FAILED_PRECONDITION, details }) as const;

  describe("bootstrapTalos over mTLS", () => {
    test("bootstraps with the os:admin client certificate", async () => {
      await expect(bootstrapTalos(answering())).resolves.toBe("bootstrapped");
      expect(api.callerOrganizations).toEqual(["os:admin"]);
    });

    test("accepts the key under Talos' `ED25519 PRIVATE KEY` label", async () => {
      const talosLabelledKey = pki.admin.keyPem.replace(/PRIVATE KEY/g, "ED25519 PRIVATE KEY");
      await expect(bootstrapTalos(answering({ clientKeyPem: talosLabelledKey }))).resolves.toBe("bootstrapped");
    });

    test("the fake node refuses a caller without a client certificate", async () => {
      const client = new grpc.Client(api.endpoint, grpc.credentials.createSsl(Buffer.from(pki.ca.certPem)));
      const noop = (value: unknown) => value as Buffer;
      const error = await new Promise((resolve) =>
        client.makeUnaryRequest("/machine.MachineService/Bootstrap", noop, noop, Buffer.alloc(0), resolve),
      );
      client.close();
      expect(error).toMatchObject({ code: grpc.status.UNAVAILABLE, details: expect.stringMatching(/certificate required/) });
      expect(api.bootstrapCalls).toBe(0);
    });

    test("without a client certificate, fails before calling, naming the node", async () => {
      await expect(bootstrapTalos(options({ clientCertPem: "", clientKeyPem: "" }))).rejects.toThrow(
        `Talos API of ${api.endpoint}: the TLS credentials are unusable`,
      );
      expect(api.bootstrapCalls).toBe(0);
    });

    test("a client certificate from another CA is refused, with what to check", async () => {
      const foreign = refusedAtOnce({ clientCertPem: pki.foreignAdmin.certPem, clientKeyPem: pki.foreignAdmin.keyPem });
      await expect(bootstrapTalos(foreign)).rejects.toThrow(
        new RegExp(`^Talos bootstrap of ${api.endpoint} failed: 14 UNAVAILABLE.*os:admin certificate signed by the same CA`, "s"),
      );
      expect(api.bootstrapCalls).toBe(0);
    });

    test("a node whose certificate is not from the given OS CA is refused", async () => {
      await expect(bootstrapTalos(refusedAtOnce({ caPem: pki.foreignCa.certPem }))).rejects.toThrow(
        /self-signed certificate in certificate chain.*signed by the given Talos OS CA/s,
      );
      expect(api.bootstrapCalls).toBe(0);
    });

    test("an unreachable node: the message names it and says what to check", async () => {
      const closedPort = await freeLoopbackPort();
      await expect(bootstrapTalos(refusedAtOnce({ endpoint: `127.0.0.1:${closedPort}` }))).rejects.toThrow(
        new RegExp(`^Talos bootstrap of 127\\.0\\.0\\.1:${closedPort} failed: .*ECONNREFUSED.*is reachable from this machine`, "s"),
      );
    });
  });

  describe("bootstrapTalos answers", () => {
    test("ALREADY_EXISTS (Talos: etcd data directory is not empty) means done", async () => {
      api.answerWith({ kind: "grpc-error", code: grpc.status.ALREADY_EXISTS, details: "etcd data directory is not empty" });
      await expect(bootstrapTalos(answering())).resolves.toBe("already-bootstrapped");
      expect(api.bootstrapCalls).toBe(1);
    });

    test("retries while the node is not ready yet", async () => {
      api.answerWith(notReady("bootstrap is not available yet"), notReady("time is not in sync yet"), { kind: "ok" });
      await expect(bootstrapTalos(answering())).resolves.toBe("bootstrapped");
      expect(api.bootstrapCalls).toBe(3);
    });

    test("FAILED_PRECONDITION is no success: a worker refuses until the timeout", async () => {
      // A node of its own: the last attempt may hit the deadline still in flight, and reach
      // the node after this test; on the shared node it would count as the next test's call.
      const worker = await FakeTalosApi.start(pki);
      try {
        worker.answerWith(notReady("bootstrap can only be performed on a control plane node"));
        await expect(bootstrapTalos(options({ endpoint: worker.endpoint, timeoutMs: 2_000 }))).rejects.toThrow(
          /9 FAILED_PRECONDITION: bootstrap can only be performed on a control plane node\. Check that this node is a control plane/,
        );
        expect(worker.bootstrapCalls).toBeGreaterThan(1);
      } finally {
        worker.close();
      }
    });

    test("an error inside the reply's metadata is a failure", async () => {
      api.answerWith({ kind: "reply-error", error: "etcd failed to start" });
      await expect(bootstrapTalos(answering())).rejects.toThrow("the node answered with an error: etcd failed to start");
      expect(api.bootstrapCalls).toBe(1);
    });
  });

  test.each([
    ["10.0.0.10", "10.0.0.10:50000"],
    ["10.0.0.10:50001", "10.0.0.10:50001"],
    ["cp1.lan", "cp1.lan:50000"],
    ["fd00::10", "[fd00::10]:50000"],
    ["[fd00::10]:50001", "[fd00::10]:50001"],
  ])("talosApiTarget(%s) is %s", (endpoint, target) => {
    expect(talosApiTarget(endpoint)).toBe(target);
  });

  /** A loopback port nothing listens on. */
  async function freeLoopbackPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    return port;
  }
});

describe("the TalosBootstrap resource", () => {
  const DYNAMIC_TYPE = "pulumi-nodejs:dynamic/talos:TalosBootstrap";

  const registrations: pulumi.runtime.MockResourceArgs[] = [];
  /** Inputs of the TalosBootstrap pointed at the fake node, as the mock monitor received them. */
  let registeredInputs: Record<string, unknown>;

  beforeAll(async () => {
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
});
