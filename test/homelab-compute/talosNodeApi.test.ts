/**
 * How a configuration reaches a Talos node over its API, against fake nodes on loopback
 * (mutual TLS with the test PKI): a running node's changed configuration or release
 * (components/talos/nodeApiClient.ts), and a bare-metal machine's first configuration in
 * maintenance mode (a maintenance-mode API that asks for no client certificate, the
 * configured API, another cluster's node); then the TalosNodeConfiguration resource's
 * serialized provider driven the way the engine drives it.
 */
import * as grpc from "@grpc/grpc-js";
import * as pulumi from "@pulumi/pulumi";
import { applyInMaintenanceMode, type MaintenanceApplyRequest } from "../../components/talos/maintenanceClient";
import { reconcileTalosNode, sha256Hex } from "../../components/talos/nodeApiClient";
import { TalosNodeConfiguration } from "../../components/talos/nodeConfiguration";
import type { TalosApiAccess } from "../../components/talos/talosApiAccess";
import { loadSerializedProvider, plainInputs, registeredInputs } from "../support/dynamicProvider";
import { startTalosApiServer } from "../support/talosApiServer";
import { generateTestPki, type TestPki } from "../talos-bootstrap/testPki";
import { FakeMaintenanceNode } from "./fakeMaintenanceNode";
import { FakeTalosNode } from "./fakeTalosNode";

const DYNAMIC_TYPE = "pulumi-nodejs:dynamic/talos:TalosNodeConfiguration";

let pki: TestPki;
/** What the mock monitor was asked to register, for registeredInputs. */
const registrations: pulumi.runtime.MockResourceArgs[] = [];

beforeAll(async () => {
  pki = generateTestPki();
  await pulumi.runtime.setMocks({
    newResource: (args) => {
      registrations.push(args);
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: () => ({}),
  });
});

describe("a running node's configuration and release", () => {
  const RUNNING = "v1.13.9";
  const NEXT = "v1.13.10";
  const image = (tag: string) => `factory.talos.dev/nocloud-installer/ce4c980550dd2ab1b17bbf2b08801c7eb59418eafe8f279833297925d67c7515:${tag}`;
  const CONFIG = "version: v1alpha1\nmachine:\n    type: controlplane\n---\napiVersion: v1alpha1\nkind: HostnameConfig\nhostname: talos-cp-1\n";
  const CHANGED_CONFIG = CONFIG.replace("talos-cp-1", "talos-cp-one");

  let node: FakeTalosNode;
  let access: TalosApiAccess;

  beforeAll(async () => {
    node = await FakeTalosNode.start(pki, RUNNING);
    access = { endpoint: node.endpoint, caPem: pki.ca.certPem, clientCertPem: pki.admin.certPem, clientKeyPem: pki.admin.keyPem, retryIntervalMs: 10, timeoutMs: 5000 };
  });
  afterAll(() => node.close());
  beforeEach(() => node.reset(RUNNING));

  describe("reconciling a node", () => {
    test("sends the whole configuration in AUTO mode as os:admin, and nothing else when no reboot is needed", async () => {
      await expect(reconcileTalosNode({ ...access, machineConfig: CONFIG })).resolves.toEqual({ appliedWith: "NO_REBOOT" });
      expect(node.applied).toEqual([{ data: CONFIG, mode: "AUTO", callerOrganization: "os:admin" }]);
      expect(node.upgrades).toEqual([]);
      expect(node.versionCalls).toBe(0);
    });

    test("a change that needs a reboot returns only once the node answers again", async () => {
      node.applyAnswer = { mode: "REBOOT" };
      node.downProbes = 3;
      await expect(reconcileTalosNode({ ...access, machineConfig: CONFIG })).resolves.toEqual({ appliedWith: "REBOOT" });
      expect(node.versionCalls).toBe(4);
    });

    test("a new installer image: configuration first, then the upgrade, done when the node reports the release", async () => {
      node.downProbes = 2;
      const outcome = await reconcileTalosNode({ ...access, machineConfig: CONFIG, upgrade: { image: image(NEXT), talosVersion: NEXT } });
      expect(outcome).toEqual({ appliedWith: "NO_REBOOT", upgradedTo: NEXT });
      expect(node.applied).toHaveLength(1);
      expect(node.upgrades).toEqual([{ image: image(NEXT), preserve: true }]);
      expect(node.versionCalls).toBe(3);
    });

    test("a node that never reports the release fails with what it waited for and what it saw", async () => {
      // The case runs into its deadline, so the deadline is its length: 2 s, long enough for the
      // node's first answer under load (300 ms saw none on a busy machine: "last seen: no answer").
      const waiting = reconcileTalosNode({ ...access, timeoutMs: 2_000, machineConfig: CONFIG, upgrade: { image: image(NEXT), talosVersion: "v1.14.0" } });
      await expect(waiting).rejects.toThrow(
        `Talos node ${node.endpoint}: timed out waiting for the node to report Talos v1.14.0 after the upgrade (last seen: Talos ${NEXT})`,
      );
    });

    test("a refused configuration names the node, the reason and what to look at", async () => {
      node.applyAnswer = { error: grpc.status.INVALID_ARGUMENT, details: 'unknown keys found during decoding: machine: {"tpye": "controlplane"}' };
      const applying = reconcileTalosNode({ ...access, machineConfig: CONFIG });
      await expect(applying).rejects.toThrow(new RegExp(`Talos node ${node.endpoint}: applying the machine configuration failed: .*unknown keys found.*refused the configuration`));
      expect(node.upgrades).toEqual([]);
    });
  });

  describe("the TalosNodeConfiguration resource", () => {
    let registered: Record<string, unknown>;
    const inputs = (overrides: Record<string, unknown> = {}) => ({ ...plainInputs(registered), ...overrides });

    beforeAll(async () => {
      const resource = new TalosNodeConfiguration("talos-cp-1", {
        node: "127.0.0.1",
        port: node.port,
        machineConfig: CONFIG,
        installerImage: image(RUNNING),
        talosVersion: RUNNING,
        caPem: pki.ca.certPem,
        clientCertPem: pki.admin.certPem,
        clientKeyPem: pki.admin.keyPem,
      });
      registered = await registeredInputs(resource, registrations, DYNAMIC_TYPE);
    });

    test("the configuration and the client credentials are secrets; image and release are visible", () => {
      for (const key of ["machineConfig", "clientCertPem", "clientKeyPem"]) expect(pulumi.runtime.isRpcSecret(registered[key])).toBe(true);
      expect(registered).toMatchObject({ installerImage: image(RUNNING), talosVersion: RUNNING, node: "127.0.0.1", port: node.port, timeoutMs: 15 * 60 * 1000 });
      const providerText = registered.__provider as string;
      expect(providerText).not.toContain(pki.admin.keyPem.trim().split("\n")[1]);
      expect(providerText).not.toContain(CONFIG);
    });

    test("create sends nothing: the VM boots the same configuration from its user-data", async () => {
      const created = await provider().create(inputs());
      expect(created).toEqual({
        id: node.endpoint,
        outs: { endpoint: node.endpoint, configSha256: sha256Hex(CONFIG), installerImage: image(RUNNING), talosVersion: RUNNING, deliveredBy: "nocloud user-data" },
      });
      expect(node.applied).toEqual([]);
    });

    test("only the configuration and the image count as changes, and nothing is ever replaced", async () => {
      const { outs } = await provider().create(inputs());
      const diff = (overrides: Record<string, unknown>) => provider().diff!(node.endpoint, outs, inputs(overrides));
      await expect(diff({})).resolves.toEqual({ changes: false });
      await expect(diff({ clientCertPem: pki.foreignAdmin.certPem, clientKeyPem: pki.foreignAdmin.keyPem, timeoutMs: 1 })).resolves.toEqual({ changes: false });
      await expect(diff({ machineConfig: CHANGED_CONFIG })).resolves.toEqual({ changes: true });
      await expect(diff({ installerImage: image(NEXT), talosVersion: NEXT })).resolves.toEqual({ changes: true });
    });

    test("update applies a changed configuration to the running node", async () => {
      const { outs } = await provider().create(inputs());
      const updated = await provider().update!(node.endpoint, outs, inputs({ machineConfig: CHANGED_CONFIG }));
      expect(node.applied.map((applied) => applied.data)).toEqual([CHANGED_CONFIG]);
      expect(node.upgrades).toEqual([]);
      expect(updated.outs).toMatchObject({ configSha256: sha256Hex(CHANGED_CONFIG), deliveredBy: "ApplyConfiguration (NO_REBOOT)" });
    });

    test("update upgrades the node in place when its installer image changes", async () => {
      const { outs } = await provider().create(inputs());
      const updated = await provider().update!(node.endpoint, outs, inputs({ installerImage: image(NEXT), talosVersion: NEXT }));
      expect(node.upgrades).toEqual([{ image: image(NEXT), preserve: true }]);
      expect(updated.outs).toMatchObject({ installerImage: image(NEXT), talosVersion: NEXT, deliveredBy: `ApplyConfiguration (NO_REBOOT), Upgrade to ${NEXT}` });
    });

    test("delete leaves the node alone", async () => {
      const { outs } = await provider().create(inputs());
      await provider().delete!(node.endpoint, outs);
      expect([node.applied, node.upgrades, node.versionCalls]).toEqual([[], [], 0]);
    });

    const provider = () => loadSerializedProvider(registered.__provider as string);
  });
});

describe("a bare-metal machine's first configuration, in maintenance mode", () => {
  const RELEASE = "v1.13.9";
  const CONFIG = "version: v1alpha1\nmachine:\n    type: worker\n---\napiVersion: v1alpha1\nkind: HostnameConfig\nhostname: metal-w-1\n";
  /** The machine once configured: its API with the cluster's PKI. */
  let configured: FakeTalosNode;
  /** The same machine before, in maintenance mode (on another port, as on its DHCP lease). */
  let maintenance: FakeMaintenanceNode;
  /** A machine that runs another cluster's configuration. */
  let foreign: { server: grpc.Server; port: number };

  beforeAll(async () => {
    configured = await FakeTalosNode.start(pki, RELEASE);
    maintenance = await FakeMaintenanceNode.start(pki, configured);
    foreign = await startTalosApiServer(pki, { Version: (_call, callback) => callback(null, { messages: [{ version: { tag: RELEASE } }] }) }, { clientCa: pki.foreignCa.certPem });
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
});
