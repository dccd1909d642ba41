/**
 * A Talos Kubernetes cluster on Proxmox VMs and bare-metal machines, made by this program
 * alone (no talosctl, no Talos provider): PKI, one machine config per node, delivered as the
 * VM's nocloud user-data or, to a bare-metal machine booted into maintenance mode, over the
 * Talos API once; the VMs, the etcd bootstrap, and the admin talosconfig and kubeconfig.
 *
 * How a change reaches the nodes, and why no VM is ever replaced by one:
 * - A node's machine config is its user-data snippet. A changed config rewrites the snippet
 *   under the same name, and the VM ignores the replaced file resource's id (see ProxmoxVm):
 *   the snippet stays what a reinstalled node would boot with. The running node gets the
 *   change through its API (TalosNodeConfiguration), in AUTO mode, so Talos reboots only
 *   when the change needs it.
 * - A node's Talos release and schematic are its installer image. The factory disk image
 *   only seeds a new VM's system disk (the VM ignores later images), so a new release never
 *   replaces a VM: the node upgrades itself in place from the new installer image.
 * - Upgrades are per node and visible: `homeops:talos.nodes[i].talosVersion` (or
 *   `schematicId`) moves one node, and the preview shows that node's TalosNodeConfiguration
 *   changing its installerImage, nothing else. Changing the cluster-wide release moves
 *   every node, still one at a time: each node's configuration waits for the previous
 *   node's, and a node is done only when it serves its API again on the new release. A
 *   failing node stops the rollout before the next one.
 * - The CNI (`homeops:talos.cni`) is part of the machine config, so a change reaches running
 *   nodes like any other, but it does not switch their network: Talos only ever creates its
 *   bootstrap manifests, never deletes them, so Flannel (and kube-proxy) keep running beside
 *   a newly installed Cilium. Switching a built cluster's CNI is a manual, disruptive step
 *   (README); a new cluster with `cilium` boots with no CNI, its nodes NotReady until the
 *   platform's first release, Cilium, runs.
 */
import * as proxmox from "@muhlba91/pulumi-proxmoxve";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { TalosClusterSpec } from "../../config/talos";
import type { ProxmoxCluster } from "../proxmox/proxmoxCluster";
import { ProxmoxVm } from "../proxmox/vm";
import { TalosBootstrap } from "./bootstrap";
import type { LanSpec, ProxmoxNetworkSpec } from "../../config/proxmox";
import { checkMachineConfigs, clusterConfigInput, isPlannedVm, planTalosCluster, talosVmSpec, type PlannedTalosNode, type PlannedVm } from "./clusterPlan";
import { generateMachineConfig, toYaml } from "./machineConfig";
import { TalosConfigError } from "./errors";
import { TalosNodeConfiguration } from "./nodeConfiguration";
import { TalosPki } from "./pki";

export interface TalosClusterArgs {
  spec: TalosClusterSpec;
  /** The nodes' LAN (config/talos.ts clusterLan). */
  lan: LanSpec;
  /** The Proxmox cluster the nodes' VMs run on; absent when every node is bare metal. */
  proxmox?: ProxmoxCluster;
}

export class TalosCluster extends pulumi.ComponentResource {
  /** Each node's machine config (all documents, YAML) by node name. Secret. */
  readonly machineConfigs: Record<string, pulumi.Output<string>>;
  readonly vms: Record<string, ProxmoxVm>;
  /** Every node's name, VM or bare metal, in the inventory's order. */
  readonly nodeNames: string[];
  /** The etcd bootstrap: whatever needs the running cluster waits for it. */
  readonly bootstrap: TalosBootstrap;
  /** talosctl's configuration for the os:admin identity. Secret. */
  readonly talosconfig: pulumi.Output<string>;
  /** The cluster-admin kubeconfig for the VIP. Secret. */
  readonly kubeconfig: pulumi.Output<string>;
  /** For the platform layer: usable once etcd is bootstrapped. */
  readonly kubernetesProvider: k8s.Provider;

  constructor(name: string, args: TalosClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homeops:talos:Cluster", name, {}, opts);
    const { spec, lan } = args;
    const plan = planTalosCluster(spec, lan);
    try {
      checkMachineConfigs(spec, plan);
    } catch (error) {
      // A patch in the stack file that does not fit: the user's to fix, not a program failure.
      if (error instanceof TalosConfigError) throw new pulumi.RunError(error.message);
      throw error;
    }
    const host = plan.nodes.some(isPlannedVm) ? vmHost(spec, args.proxmox) : undefined;

    const pki = new TalosPki(name, { clusterName: spec.clusterName }, { parent: this });
    const admin = pki.talosAdmin;

    // Only VM nodes boot from a downloaded image.
    const images = Object.fromEntries(
      (host ? plan.images : []).map((image) => [
        image.key,
        new proxmox.download.File(
          `${name}/${image.key}`,
          {
            nodeName: image.proxmoxNode,
            datastoreId: image.datastore,
            contentType: "iso",
            url: image.url,
            fileName: image.fileName,
            decompressionAlgorithm: "gz",
            // A release's image never changes upstream; do not re-download it on a size check.
            overwrite: false,
          },
          { parent: this, provider: host?.cluster.provider },
        ),
      ]),
    );

    this.machineConfigs = {};
    this.vms = {};
    this.nodeNames = plan.nodes.map((node) => node.name);
    /** What the bootstrap waits for: every node's VM, and every bare-metal machine configured. */
    const nodesUp: pulumi.Resource[] = [];
    let previousNode: TalosNodeConfiguration | undefined;
    for (const node of plan.nodes) {
      const machineConfig = pulumi.secret(
        pki.secretsBundle.apply((secrets) => toYaml(generateMachineConfig(clusterConfigInput(spec, secrets), node.config))),
      );
      this.machineConfigs[node.name] = machineConfig;

      const vm = isPlannedVm(node) && host ? this.nodeVm(name, spec, node, host, machineConfig, images[node.machine.diskImage]) : undefined;
      if (vm) {
        this.vms[node.name] = vm;
        nodesUp.push(vm);
      }

      previousNode = new TalosNodeConfiguration(
        `${name}/${node.name}`,
        {
          node: node.ip,
          machineConfig,
          installerImage: node.installerImage,
          talosVersion: node.talosVersion,
          caPem: admin.caCertPem,
          clientCertPem: admin.certPem,
          clientKeyPem: admin.keyPem,
          ...(node.machine.kind === "bareMetal" ? { maintenanceAddress: node.machine.maintenanceAddress } : {}),
        },
        // One node at a time, in the inventory's order (see the module comment).
        { parent: this, dependsOn: [...(vm ? [vm] : []), ...(previousNode ? [previousNode] : [])] },
      );
      if (!vm) nodesUp.push(previousNode);
    }

    this.bootstrap = new TalosBootstrap(
      `${name}-bootstrap`,
      { node: plan.bootstrapNode.ip, caPem: admin.caCertPem, clientCertPem: admin.certPem, clientKeyPem: admin.keyPem },
      // Once every node exists: the others join the etcd the first one founds.
      { parent: this, dependsOn: nodesUp },
    );

    this.talosconfig = pki.talosconfig(plan.controlPlaneIps, plan.controlPlaneIps);
    this.kubeconfig = pki.kubeconfig(plan.endpoint);
    this.kubernetesProvider = new k8s.Provider(name, { kubeconfig: this.kubeconfig }, { parent: this, dependsOn: [this.bootstrap] });

    this.registerOutputs({
      endpoint: plan.endpoint,
      talosconfig: this.talosconfig,
      kubeconfig: this.kubeconfig,
      machineConfigs: this.machineConfigs,
    });
  }

  /** A node's VM and the user-data snippet it boots its configuration from. */
  private nodeVm(
    name: string,
    spec: TalosClusterSpec,
    node: PlannedTalosNode & { machine: PlannedVm },
    { cluster, networkName, network }: VmHost,
    machineConfig: pulumi.Output<string>,
    systemImage: proxmox.download.File,
  ): ProxmoxVm {
    const onProxmox = { parent: this, provider: cluster.provider };
    const userData = new proxmox.FileLegacy(
      `${name}/${node.name}-user-data`,
      {
        nodeName: node.machine.proxmoxNode,
        datastoreId: node.machine.shape.snippetsDatastore,
        contentType: "snippets",
        sourceRaw: { data: machineConfig, fileName: node.machine.snippetFileName },
      },
      // A changed config replaces this file resource under the same file name: the new one
      // overwrites the file, and the old one must not delete it afterwards. (Not
      // delete-before-replace: the engine would then re-diff the VM with its whole
      // `initialization` unknown and might replace the VM.) Removing a node leaves its
      // snippet on the datastore.
      { ...onProxmox, retainOnDelete: true },
    );
    const { proxmoxNode, shape } = node.machine;
    return new ProxmoxVm(`${name}/${node.name}`, talosVmSpec(spec, node, network, { systemImage: systemImage.id, userData: userData.id }), {
      ...onProxmox,
      // Like the inventory's VMs: the node's declared bridge of the cluster's network, and the mappings it passes through.
      dependsOn: cluster.attachments(proxmoxNode, [networkName], shape.pciDevices.map((device) => device.mapping)),
    });
  }
}

/** Where the VM nodes run: the Proxmox cluster and the network (its bridge) their NIC joins. */
interface VmHost {
  cluster: ProxmoxCluster;
  networkName: string;
  network: ProxmoxNetworkSpec;
}

function vmHost(spec: TalosClusterSpec, cluster: ProxmoxCluster | undefined): VmHost {
  if (!cluster || typeof spec.network !== "string") {
    throw new Error(`Talos cluster ${spec.clusterName} has VM nodes but no homeops:proxmox network; the config checks should have refused it`);
  }
  return { cluster, networkName: spec.network, network: cluster.network(spec.network) };
}
