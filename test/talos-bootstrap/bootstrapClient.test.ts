import { createServer } from "node:net";
import * as grpc from "@grpc/grpc-js";
import { bootstrapTalos, talosApiTarget, type TalosBootstrapOptions } from "../../components/talos/bootstrapClient";
import { FakeTalosApi } from "./fakeTalosApi";
import { generateTestPki, type TestPki } from "./testPki";

let pki: TestPki;
let api: FakeTalosApi;

beforeAll(async () => {
  pki = generateTestPki();
  api = await FakeTalosApi.start(pki);
});
afterAll(() => api.close());
beforeEach(() => api.reset());

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
