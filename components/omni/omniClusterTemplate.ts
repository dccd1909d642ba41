/**
 * A cluster Sidero Omni manages, kept equal to the template the program writes
 * (`omnictl cluster template sync`). Omni makes the machine configs, the PKI and the
 * upgrades; this resource only hands it the template:
 * - preview: a changed template shows as the `template` input's diff; an unchanged one is
 *   checked against Omni with `omnictl cluster template diff`, so a change made in Omni's UI
 *   shows as an update that puts the template back;
 * - up: `validate`, then `sync`;
 * - delete: nothing. Removing the resource leaves the cluster running in Omni (deleting a
 *   cluster is `omnictl cluster template delete`, by hand, never a side effect).
 */
import * as pulumi from "@pulumi/pulumi";
import { omnictlTemplate } from "./omnictl";

export interface OmniClusterTemplateArgs {
  /** The cluster's id in Omni (the template's Cluster name). */
  clusterName: string;
  /** The template's YAML (components/omni/clusterTemplate.ts). */
  template: pulumi.Input<string>;
  endpoint: pulumi.Input<string>;
  /** An Omni service account key; stored as a secret. */
  serviceAccountKey: pulumi.Input<string>;
  /** The omnictl executable; `omnictl` on PATH by default. */
  omnictl?: pulumi.Input<string>;
  /** Which host each machine UUID is, for the state and the docs; the template alone says what Omni gets. */
  machines: { name: string; uuid: string; address: string; role: string }[];
}

export interface OmniClusterTemplateInputs {
  clusterName: string;
  template: string;
  endpoint: string;
  serviceAccountKey: string;
  omnictl: string;
  machines: { name: string; uuid: string; address: string; role: string }[];
}

/** Serialized into the resource's state: it captures only ./omnictl's function, which requires its packages at run time. */
export const omniClusterTemplateProvider: pulumi.dynamic.ResourceProvider<OmniClusterTemplateInputs, OmniClusterTemplateInputs> = {
  async create(inputs) {
    await omnictlTemplate("validate", inputs.template, inputs);
    await omnictlTemplate("sync", inputs.template, inputs);
    return { id: inputs.clusterName, outs: inputs };
  },
  async diff(_id, olds, news) {
    // Another cluster is another resource; the old one stays in Omni (delete does nothing).
    if (olds.clusterName !== news.clusterName) return { changes: true, replaces: ["clusterName"], deleteBeforeReplace: false };
    if (olds.template !== news.template || olds.endpoint !== news.endpoint) return { changes: true };
    // The same template: whether Omni still holds what it says (a change in the UI, a patch added by hand).
    const drift = await omnictlTemplate("diff", news.template, news);
    return { changes: drift.trim() !== "" };
  },
  async update(_id, _olds, news) {
    await omnictlTemplate("validate", news.template, news);
    await omnictlTemplate("sync", news.template, news);
    return { outs: news };
  },
  // The cluster stays in Omni, with its machines and workloads.
  async delete() {},
};

export class OmniClusterTemplate extends pulumi.dynamic.Resource {
  public readonly template!: pulumi.Output<string>;

  constructor(name: string, args: OmniClusterTemplateArgs, opts?: pulumi.CustomResourceOptions) {
    const inputs: pulumi.Inputs = {
      clusterName: args.clusterName,
      template: args.template,
      endpoint: args.endpoint,
      serviceAccountKey: pulumi.secret(args.serviceAccountKey),
      omnictl: args.omnictl ?? "omnictl",
      machines: args.machines,
    };
    super(omniClusterTemplateProvider, name, inputs, { ...opts, additionalSecretOutputs: ["serviceAccountKey"] }, "omni", "ClusterTemplate");
  }
}
