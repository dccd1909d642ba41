/**
 * Etcd bootstrap of a Talos cluster as one declarative step: created once, after the nodes
 * exist (declare it with `dependsOn` the node VMs), and never repeated.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  bootstrapTalos,
  DEFAULT_BOOTSTRAP_TIMEOUT_MS,
  TALOS_API_PORT,
  talosApiEndpoint,
  type TalosBootstrapOutcome,
} from "./bootstrapClient";

export interface TalosBootstrapArgs {
  /** Address of the control plane to bootstrap (IP or DNS name), as this machine reaches it. */
  node: pulumi.Input<string>;
  /** Port of its Talos API. Default 50000. */
  port?: pulumi.Input<number>;
  /** Talos OS CA certificate (PEM). */
  caPem: pulumi.Input<string>;
  /** An `os:admin` client certificate signed by the OS CA (PEM). Stored as a secret. */
  clientCertPem: pulumi.Input<string>;
  /** Its private key (PEM). Stored as a secret. */
  clientKeyPem: pulumi.Input<string>;
  /** How long `pulumi up` waits for the node to accept the bootstrap. Default 10 minutes. */
  timeoutMs?: pulumi.Input<number>;
}

/** What the dynamic provider receives: the args resolved, defaults applied. */
interface BootstrapInputs {
  node: string;
  port: number;
  caPem: string;
  clientCertPem: string;
  clientKeyPem: string;
  timeoutMs: number;
}

interface BootstrapOutputs {
  endpoint: string;
  outcome: TalosBootstrapOutcome;
  bootstrappedAt: string;
}

/**
 * Kept small on purpose: Pulumi serializes this object with its closure serializer into the
 * resource's state. It captures only functions of ./bootstrapClient, which require their
 * packages at run time.
 */
const talosBootstrapProvider: pulumi.dynamic.ResourceProvider<BootstrapInputs, BootstrapOutputs> = {
  async create(inputs) {
    const endpoint = talosApiEndpoint(inputs.node, inputs.port);
    const { caPem, clientCertPem, clientKeyPem, timeoutMs } = inputs;
    const outcome = await bootstrapTalos({ endpoint, caPem, clientCertPem, clientKeyPem, timeoutMs });
    return { id: endpoint, outs: { endpoint, outcome, bootstrappedAt: new Date().toISOString() } };
  },
  // Bootstrap is a one-time act: a new first node or rotated certificates must neither
  // replace this resource nor bootstrap again (a second bootstrap would split etcd).
  async diff() {
    return { changes: false };
  },
  // Unreached while diff reports no changes; should the engine update anyway, keep the record.
  async update(_id, olds) {
    return { outs: olds };
  },
  // Forgetting the record cannot un-bootstrap etcd; the cluster goes when its nodes go.
  async delete() {},
};

export class TalosBootstrap extends pulumi.dynamic.Resource {
  /** The Talos API endpoint that was bootstrapped. */
  public readonly endpoint!: pulumi.Output<string>;
  /** "bootstrapped", or "already-bootstrapped" when etcd had data before. */
  public readonly outcome!: pulumi.Output<TalosBootstrapOutcome>;
  /** When the bootstrap happened (ISO 8601). */
  public readonly bootstrappedAt!: pulumi.Output<string>;

  constructor(name: string, args: TalosBootstrapArgs, opts?: pulumi.CustomResourceOptions) {
    const inputs: pulumi.Inputs = {
      node: args.node,
      port: args.port ?? TALOS_API_PORT,
      caPem: args.caPem,
      clientCertPem: pulumi.secret(args.clientCertPem),
      clientKeyPem: pulumi.secret(args.clientKeyPem),
      timeoutMs: args.timeoutMs ?? DEFAULT_BOOTSTRAP_TIMEOUT_MS,
      endpoint: undefined,
      outcome: undefined,
      bootstrappedAt: undefined,
    };
    super(talosBootstrapProvider, name, inputs, opts, "talos", "TalosBootstrap");
  }
}
