/** Properties of the Talos cluster plan, on generated inventories. */
import fc from "fast-check";
import { factoryDiskImageUrl, isPlannedVm, planTalosCluster } from "../../components/talos/clusterPlan";
import type { ProxmoxNetworkSpec } from "../../config/proxmox";
import type { TalosClusterSpec } from "../../config/talos";
import { talosExampleConfig } from "./talosExample";

const RUNS = { numRuns: 100 };

const example = talosExampleConfig();
const { talos } = example;
const lan: ProxmoxNetworkSpec = example.proxmox!.networks.lan;

const schematic = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString("hex"));
const release = fc.tuple(fc.nat(2), fc.nat(20), fc.nat(20)).map(([major, minor, patch]) => `v${major}.${minor}.${patch}`);

const macAddress = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((bytes) => [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join(":"));

/** Nodes with distinct names, VMIDs and addresses; some pinned to another release or schematic, some bare metal. */
const cluster: fc.Arbitrary<TalosClusterSpec> = fc
  .record({
    talosVersion: release,
    schematicId: schematic,
    nodes: fc.uniqueArray(
      fc.record({
        vmId: fc.integer({ min: 100, max: 999_999_999 }),
        host: fc.integer({ min: 1, max: 254 }),
        role: fc.constantFrom("controlplane" as const, "worker" as const),
        proxmoxNode: fc.constantFrom("pve1", "pve2", "pve3"),
        talosVersion: fc.option(release, { nil: undefined }),
        schematicId: fc.option(schematic, { nil: undefined }),
        bareMetal: fc.option(fc.record({ macAddress }), { nil: undefined, freq: 3 }),
      }),
      { minLength: 1, maxLength: 7, selector: (node) => node.vmId },
    ),
  })
  .filter(({ nodes }) => new Set(nodes.map((node) => node.host)).size === nodes.length && nodes.some((node) => node.role === "controlplane"))
  .map(({ talosVersion, schematicId, nodes }) => ({
    ...talos,
    talosVersion,
    schematicId,
    nodes: nodes.map(({ host, bareMetal, vmId, proxmoxNode, ...node }, index) => ({
      ...node,
      ...(bareMetal ? { bareMetal } : { vmId, proxmoxNode }),
      name: `node-${index}`,
      ip: `192.168.11.${host}`,
      patches: [],
    })),
  }));

const releaseOf = (spec: TalosClusterSpec, index: number) => {
  const node = spec.nodes[index];
  return { talosVersion: node.talosVersion ?? spec.talosVersion, schematicId: node.schematicId ?? spec.schematicId };
};

test("every VM's system disk is an image of its own release and schematic, on its own Proxmox node; a bare-metal node installs the metal image", () => {
  fc.assert(
    fc.property(cluster, (spec) => {
      const plan = planTalosCluster(spec, lan);
      plan.nodes.forEach((node, index) => {
        const { talosVersion, schematicId } = releaseOf(spec, index);
        if (!isPlannedVm(node)) {
          expect(node.installerImage).toBe(`factory.talos.dev/metal-installer/${schematicId}:${talosVersion}`);
          return;
        }
        const image = plan.images.find((candidate) => candidate.key === node.machine.diskImage);
        expect(image).toMatchObject({ proxmoxNode: spec.nodes[index].proxmoxNode, url: factoryDiskImageUrl(schematicId, talosVersion) });
        expect(node.installerImage).toBe(`factory.talos.dev/nocloud-installer/${schematicId}:${talosVersion}`);
      });
    }),
    RUNS,
  );
});

test("one image per Proxmox node, release and schematic, each used by a node", () => {
  fc.assert(
    fc.property(cluster, (spec) => {
      const plan = planTalosCluster(spec, lan);
      const wanted = new Set(spec.nodes.flatMap((node, index) => (node.bareMetal ? [] : [JSON.stringify([node.proxmoxNode, releaseOf(spec, index)])])));
      expect(plan.images).toHaveLength(wanted.size);
      expect(new Set(plan.images.map((image) => image.key)).size).toBe(plan.images.length);
      expect(new Set(plan.nodes.filter(isPlannedVm).map((node) => node.machine.diskImage))).toEqual(new Set(plan.images.map((image) => image.key)));
    }),
    RUNS,
  );
});

test("a VM's MAC is a locally administered unicast address that spells its VMID, a bare-metal node's the one declared; the machine config selects it", () => {
  fc.assert(
    fc.property(cluster, (spec) => {
      const plan = planTalosCluster(spec, lan);
      plan.nodes.forEach((node, index) => {
        expect(node.config.network?.link).toEqual({ deviceSelector: { hardwareAddr: node.macAddress } });
        const declared = spec.nodes[index].bareMetal;
        if (declared || !isPlannedVm(node)) {
          expect(node.macAddress).toBe(declared?.macAddress);
          return;
        }
        const firstOctet = parseInt(node.macAddress.slice(0, 2), 16);
        expect(node.macAddress).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
        expect([firstOctet & 0b10, firstOctet & 0b01]).toEqual([0b10, 0]);
        expect(parseInt(node.macAddress.split(":").slice(2).join(""), 16)).toBe(node.machine.vmId);
      });
    }),
    RUNS,
  );
});

test("nodes keep the inventory's order, each with its own address on the network, each VM with its own snippet", () => {
  const prefix = lan.subnet.split("/")[1];
  fc.assert(
    fc.property(cluster, (spec) => {
      const plan = planTalosCluster(spec, lan);
      const vmIdOf = (node: (typeof plan.nodes)[number]) => (isPlannedVm(node) ? node.machine.vmId : undefined);
      expect(plan.nodes.map((node) => [node.name, node.role, vmIdOf(node), node.address])).toEqual(spec.nodes.map((node) => [node.name, node.role, node.vmId, `${node.ip}/${prefix}`]));
      for (const node of plan.nodes) expect(node.config.network).toMatchObject({ addresses: [node.address], routes: [{ gateway: lan.gateway }] });
      const vms = plan.nodes.filter(isPlannedVm);
      expect(new Set(vms.map((node) => node.machine.snippetFileName)).size).toBe(vms.length);
    }),
    RUNS,
  );
});

test("the control-plane addresses are exactly the control planes', and etcd is bootstrapped on the first declared", () => {
  fc.assert(
    fc.property(cluster, (spec) => {
      const plan = planTalosCluster(spec, lan);
      const controlPlanes = spec.nodes.filter((node) => node.role === "controlplane");
      expect(plan.controlPlaneIps).toEqual(controlPlanes.map((node) => node.ip));
      expect(plan.bootstrapNode.name).toBe(controlPlanes[0].name);
      expect(plan.endpoint).toBe(`https://${spec.vip}:6443`);
    }),
    RUNS,
  );
});

test("a cluster of workers only is refused", () => {
  fc.assert(
    fc.property(cluster, (spec) => {
      const workers = { ...spec, nodes: spec.nodes.map((node) => ({ ...node, role: "worker" as const })) };
      expect(() => planTalosCluster(workers, lan)).toThrow(/has no control plane/);
    }),
    { numRuns: 20 },
  );
});
