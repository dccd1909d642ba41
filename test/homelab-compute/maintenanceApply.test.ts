/**
 * A bare-metal machine's first configuration, over the Talos API in maintenance mode: the
 * client against fake machines on loopback (a maintenance-mode API that asks for no client
 * certificate, the configured API with the test PKI's mutual TLS, another cluster's node),
 * then the TalosNodeConfiguration resource's serialized provider creating one.
 */
import * as grpc from "@grpc/grpc-js";
import * as pulumi from "@pulumi/pulumi";
import { applyInMaintenanceMode, type MaintenanceApplyRequest } from "../../components/talos/maintenanceClient";
import { sha256Hex } from "../../components/talos/nodeApiClient";
import { TalosNodeConfiguration } from "../../components/talos/nodeConfiguration";
import { loadSerializedProvider, plainInputs, registeredInputs } from "../support/dynamicProvider";
import { startTalosApiServer } from "../support/talosApiServer";
import { generateTestPki, type TestPki } from "../talos-bootstrap/testPki";
import { FakeMaintenanceNode } from "./fakeMaintenanceNode";
import { FakeTalosNode } from "./fakeTalosNode";

const RELEASE = "v1.13.9";
const CONFIG = "version: v1alpha1\nmachine:\n    type: worker\n---\napiVersion: v1alpha1\nkind: HostnameConfig\nhostname: metal-w-1\n";
const DYNAMIC_TYPE = "pulumi-nodejs:dynamic/talos:TalosNodeConfiguration";

let pki: TestPki;
/** The machine once configured: its API with the cluster's PKI. */
let configured: FakeTalosNode;
/** The same machine before, in maintenance mode (on another port, as on its DHCP lease). */
let maintenance: FakeMaintenanceNode;
/** A machine that runs another cluster's configuration. */
let foreign: { server: grpc.Server; port: number };
const registrations: pulumi.runtime.MockResourceArgs[] = [];

beforeAll(async () => {
  pki = generateTestPki();
  configured = await FakeTalosNode.start(pki, RELEASE);
  maintenance = await FakeMaintenanceNode.start(pki, configured);
  foreign = await startTalosApiServer(pki, { Version: (_call, callback) => callback(null, { messages: [{ version: { tag: RELEASE } }] }) }, { clientCa: pki.foreignCa.certPem });
  await pulumi.runtime.setMocks({
    newResource: (args) => {
      registrations.push(args);
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: () => ({}),
  });
});
afterAll(() => {
  configured.close();
  maintenance.close();
  foreign.server.forceShutdown();
});
beforeEach(() => {
  configured.reset(RELEASE);
  configured.installed = false;
  maintenance.reset();
});

function request(overrides: Partial<MaintenanceApplyRequest> = {}): MaintenanceApplyRequest {
  return {
    maintenanceEndpoint: maintenance.endpoint,
    endpoint: configured.endpoint,
    caPem: pki.ca.certPem,
    clientCertPem: pki.admin.certPem,
    clientKeyPem: pki.admin.keyPem,
    machineConfig: CONFIG,
    retryIntervalMs: 10,
    timeoutMs: 5000,
    ...overrides,
  };
}

describe("applying a configuration in maintenance mode", () => {
  test("sends it insecurely (no client certificate, the machine's self-signed one accepted) in AUTO mode, then waits for the machine to come up with the cluster's PKI", async () => {
    configured.downProbes = 3;
    await expect(applyInMaintenanceMode(request())).resolves.toBe("maintenance");
    expect(maintenance.applied).toEqual([{ data: CONFIG, mode: "AUTO", clientCertificate: undefined }]);
    // Three probes while it reboots into the configuration, then the one that answers.
    expect(configured.versionCalls).toBe(4);
  });

  test("a refused configuration fails at once with the node, the reason and what to look at", async () => {
    maintenance.applyAnswer = { error: grpc.status.INVALID_ARGUMENT, details: 'configuration validation failed: 1 error occurred:\n\t* install disk or disk selector should be defined' };
    const applying = applyInMaintenanceMode(request());
    await expect(applying).rejects.toThrow(new RegExp(`Talos machine ${maintenance.endpoint}: applying its configuration failed: .*install disk or disk selector.*refused the configuration`, "s"));
    expect(configured.versionCalls).toBe(0);
  });

  test("a machine already configured by another cluster is not in maintenance mode, and nothing is sent to it", async () => {
    const target = `127.0.0.1:${foreign.port}`;
    const applying = applyInMaintenanceMode(request({ maintenanceEndpoint: target, endpoint: target }));
    await expect(applying).rejects.toThrow(`Talos machine ${target} is not in maintenance mode: it asks for a client certificate`);
  });

  test("a machine this cluster already configured (an earlier run that was not recorded) gets the configuration through its authenticated API", async () => {
    configured.installed = true;
    await expect(applyInMaintenanceMode(request({ maintenanceEndpoint: configured.endpoint }))).resolves.toBe("already-configured");
    expect(configured.applied).toEqual([{ data: CONFIG, mode: "AUTO", callerOrganization: "os:admin" }]);
    expect(maintenance.applied).toEqual([]);
  });

  test("nothing answering in maintenance mode fails after the timeout, saying what to check", async () => {
    const closed = await startTalosApiServer(pki, {}, { clientCa: null });
    closed.server.forceShutdown();
    const applying = applyInMaintenanceMode(request({ maintenanceEndpoint: `127.0.0.1:${closed.port}`, timeoutMs: 300 }));
    await expect(applying).rejects.toThrow(/Talos machine 127\.0\.0\.1:\d+: nothing answered in maintenance mode in time \(last: .+\)\. Boot it from Talos media/);
    expect(maintenance.applied).toEqual([]);
  });

  test("a machine that takes the configuration but never comes up configured fails after the timeout", async () => {
    maintenance.applyAnswer = "accept without installing";
    const applying = applyInMaintenanceMode(request({ timeoutMs: 300 }));
    await expect(applying).rejects.toThrow(`Talos machine ${maintenance.endpoint}: accepted its configuration but did not come up at ${configured.endpoint} with the cluster's certificates in time`);
    expect(maintenance.applied).toHaveLength(1);
  });
});

describe("the TalosNodeConfiguration of a bare-metal machine", () => {
  let registered: Record<string, unknown>;
  const provider = () => loadSerializedProvider(registered.__provider as string);

  beforeAll(async () => {
    const resource = new TalosNodeConfiguration("metal-w-1", {
      node: "127.0.0.1",
      port: configured.port,
      // In maintenance mode the fake answers on a port of its own (a real machine: its lease, on :50000).
      maintenanceAddress: maintenance.endpoint,
      machineConfig: CONFIG,
      installerImage: `factory.talos.dev/metal-installer/ce4c980550dd2ab1b17bbf2b08801c7eb59418eafe8f279833297925d67c7515:${RELEASE}`,
      talosVersion: RELEASE,
      caPem: pki.ca.certPem,
      clientCertPem: pki.admin.certPem,
      clientKeyPem: pki.admin.keyPem,
    });
    registered = await registeredInputs(resource, registrations, DYNAMIC_TYPE);
  });

  test("waits up to 20 minutes for the install by default, and keeps the configuration secret", () => {
    expect(registered).toMatchObject({ maintenanceAddress: maintenance.endpoint, maintenanceTimeoutMs: 20 * 60 * 1000 });
    expect(pulumi.runtime.isRpcSecret(registered.machineConfig)).toBe(true);
  });

  test("create applies the configuration in maintenance mode, once, and records how", async () => {
    const created = await provider().create({ ...plainInputs(registered), maintenanceTimeoutMs: 5000 });
    expect(created).toEqual({
      id: configured.endpoint,
      outs: { endpoint: configured.endpoint, configSha256: sha256Hex(CONFIG), installerImage: expect.stringContaining("metal-installer"), talosVersion: RELEASE, deliveredBy: "ApplyConfiguration in maintenance mode" },
    });
    expect(maintenance.applied.map((applied) => applied.data)).toEqual([CONFIG]);
    expect(configured.applied).toEqual([]);
  });

  test("a later change goes through the node-configuration path, to the configured API, never maintenance mode", async () => {
    configured.installed = true;
    const olds = { endpoint: configured.endpoint, configSha256: sha256Hex(CONFIG), installerImage: registered.installerImage, talosVersion: RELEASE, deliveredBy: "ApplyConfiguration in maintenance mode" };
    const changed = CONFIG.replace("metal-w-1", "metal-w-one");
    const news = { ...plainInputs(registered), machineConfig: changed };
    await expect(provider().diff!(configured.endpoint, olds, news)).resolves.toEqual({ changes: true });
    const updated = await provider().update!(configured.endpoint, olds, news);
    expect(configured.applied.map((applied) => applied.data)).toEqual([changed]);
    expect(maintenance.applied).toEqual([]);
    expect(updated.outs).toMatchObject({ configSha256: sha256Hex(changed), deliveredBy: "ApplyConfiguration (NO_REBOOT)" });
  });
});
