/**
 * The configuration and release a running Talos node has, kept in line with the declared
 * ones without touching its VM.
 *
 * A new VM gets its machine config from its nocloud user-data snippet on first boot; a
 * machine outside Proxmox gets it from this resource's create, over the Talos API in
 * maintenance mode (`maintenanceAddress` set, ./maintenanceClient). After that Talos keeps
 * the config it installed, so a later change has to reach the node through its API: this
 * resource sends it
 * (`ApplyConfiguration`, AUTO mode) and, when the installer image changed, upgrades the
 * node in place (`Upgrade`), waiting each time until the node answers again. It never
 * replaces anything.
 */
import * as pulumi from "@pulumi/pulumi";
import { TALOS_API_PORT, talosApiEndpoint, talosApiTarget } from "./bootstrapClient";
import { applyInMaintenanceMode, DEFAULT_MAINTENANCE_TIMEOUT_MS } from "./maintenanceClient";
import { DEFAULT_NODE_TIMEOUT_MS, reconcileTalosNode, sha256Hex } from "./nodeApiClient";

export interface TalosNodeConfigurationArgs {
  /** The node's address (IP or DNS name), as this machine reaches it. */
  node: pulumi.Input<string>;
  /** Port of its Talos API. Default 50000. */
  port?: pulumi.Input<number>;
  /** The complete machine configuration the node must run (all documents). Stored as a secret. */
  machineConfig: pulumi.Input<string>;
  /** The installer image the node must run, e.g. `factory.talos.dev/nocloud-installer/<schematic>:v1.13.9`. */
  installerImage: pulumi.Input<string>;
  /** The release in that image, which the node reports once upgraded, e.g. `v1.13.9`. */
  talosVersion: pulumi.Input<string>;
  /** Talos OS CA certificate (PEM). */
  caPem: pulumi.Input<string>;
  /** An `os:admin` client certificate signed by the OS CA (PEM). Stored as a secret. */
  clientCertPem: pulumi.Input<string>;
  /** Its private key (PEM). Stored as a secret. */
  clientKeyPem: pulumi.Input<string>;
  /** How long one reconciliation may take. Default 15 minutes. */
  timeoutMs?: pulumi.Input<number>;
  /**
   * Set for a machine without user-data (bare metal): where it answers in maintenance mode
   * (an address, on `port`, or `address:port`). Create then applies the configuration there
   * and waits for the node to come up at `node`.
   */
  maintenanceAddress?: pulumi.Input<string>;
  /** How long that first configuration may take (install and reboot). Default 20 minutes. */
  maintenanceTimeoutMs?: pulumi.Input<number>;
}

interface NodeConfigurationInputs {
  node: string;
  port: number;
  machineConfig: string;
  installerImage: string;
  talosVersion: string;
  caPem: string;
  clientCertPem: string;
  clientKeyPem: string;
  timeoutMs: number;
  maintenanceAddress?: string;
  maintenanceTimeoutMs: number;
}

interface NodeConfigurationOutputs {
  endpoint: string;
  configSha256: string;
  installerImage: string;
  talosVersion: string;
  /** How the current configuration reached the node. */
  deliveredBy: string;
}

/**
 * Serialized into the resource's state by Pulumi's closure serializer: it captures only
 * functions of ./bootstrapClient, ./nodeApiClient and ./maintenanceClient, which require
 * their packages at run time.
 */
const nodeConfigurationProvider: pulumi.dynamic.ResourceProvider<NodeConfigurationInputs, NodeConfigurationOutputs> = {
  // A VM boots this configuration from its user-data: nothing to send. A machine in
  // maintenance mode gets it now, once.
  async create(inputs) {
    const endpoint = talosApiEndpoint(inputs.node, inputs.port);
    let deliveredBy = "nocloud user-data";
    if (inputs.maintenanceAddress !== undefined) {
      const outcome = await applyInMaintenanceMode({
        maintenanceEndpoint: talosApiTarget(inputs.maintenanceAddress, inputs.port),
        endpoint,
        caPem: inputs.caPem,
        clientCertPem: inputs.clientCertPem,
        clientKeyPem: inputs.clientKeyPem,
        timeoutMs: inputs.maintenanceTimeoutMs,
        machineConfig: inputs.machineConfig,
      });
      deliveredBy = outcome === "maintenance" ? "ApplyConfiguration in maintenance mode" : "ApplyConfiguration (the machine was already configured by this cluster)";
    }
    return {
      id: endpoint,
      outs: {
        endpoint,
        configSha256: sha256Hex(inputs.machineConfig),
        installerImage: inputs.installerImage,
        talosVersion: inputs.talosVersion,
        deliveredBy,
      },
    };
  },
  // Only the configuration and the image matter; renewed client certificates change nothing.
  async diff(_id, olds, news) {
    return { changes: olds.configSha256 !== sha256Hex(news.machineConfig) || olds.installerImage !== news.installerImage };
  },
  async update(_id, olds, news) {
    const imageChanged = olds.installerImage !== news.installerImage;
    const outcome = await reconcileTalosNode({
      // Where the node is now: a new address is part of the configuration being sent.
      endpoint: olds.endpoint,
      caPem: news.caPem,
      clientCertPem: news.clientCertPem,
      clientKeyPem: news.clientKeyPem,
      timeoutMs: news.timeoutMs,
      machineConfig: news.machineConfig,
      upgrade: imageChanged ? { image: news.installerImage, talosVersion: news.talosVersion } : undefined,
    });
    return {
      outs: {
        endpoint: talosApiEndpoint(news.node, news.port),
        configSha256: sha256Hex(news.machineConfig),
        installerImage: news.installerImage,
        talosVersion: news.talosVersion,
        deliveredBy: `ApplyConfiguration (${outcome.appliedWith})${outcome.upgradedTo ? `, Upgrade to ${outcome.upgradedTo}` : ""}`,
      },
    };
  },
  // Forgetting the record leaves the node as it is; the node goes when its VM goes.
  async delete() {},
};

export class TalosNodeConfiguration extends pulumi.dynamic.Resource {
  /** The node's Talos API endpoint. */
  public readonly endpoint!: pulumi.Output<string>;
  /** SHA-256 of the configuration the node runs. */
  public readonly configSha256!: pulumi.Output<string>;
  public readonly installerImage!: pulumi.Output<string>;
  public readonly talosVersion!: pulumi.Output<string>;
  public readonly deliveredBy!: pulumi.Output<string>;

  constructor(name: string, args: TalosNodeConfigurationArgs, opts?: pulumi.CustomResourceOptions) {
    const inputs: pulumi.Inputs = {
      node: args.node,
      port: args.port ?? TALOS_API_PORT,
      machineConfig: pulumi.secret(args.machineConfig),
      installerImage: args.installerImage,
      talosVersion: args.talosVersion,
      caPem: args.caPem,
      clientCertPem: pulumi.secret(args.clientCertPem),
      clientKeyPem: pulumi.secret(args.clientKeyPem),
      timeoutMs: args.timeoutMs ?? DEFAULT_NODE_TIMEOUT_MS,
      maintenanceAddress: args.maintenanceAddress,
      maintenanceTimeoutMs: args.maintenanceTimeoutMs ?? DEFAULT_MAINTENANCE_TIMEOUT_MS,
      endpoint: undefined,
      configSha256: undefined,
      deliveredBy: undefined,
    };
    super(nodeConfigurationProvider, name, inputs, opts, "talos", "TalosNodeConfiguration");
  }
}
