import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { DockerHostSpec } from "../../config/docker";

/** `ssh://user@host:port`, the Docker provider's address for a daemon reached over SSH. */
export function sshUrl(spec: Pick<DockerHostSpec, "sshUser" | "address" | "sshPort">): string {
  return `ssh://${spec.sshUser}@${spec.address}:${spec.sshPort}`;
}

/**
 * A Docker daemon reached over SSH with the user's own ssh client and keys. Every
 * resource on the host is created through `provider`, never a default provider.
 */
export class DockerHost extends pulumi.ComponentResource {
  /** The host's name: its containers' and networks' `homeops.host` label. */
  readonly hostName: string;
  readonly spec: DockerHostSpec;
  readonly provider: docker.Provider;
  private readonly images = new Map<string, docker.RemoteImage>();

  constructor(name: string, args: DockerHostSpec, opts?: pulumi.ComponentResourceOptions) {
    super("homeops:docker:Host", name, {}, opts);
    this.hostName = name;
    this.spec = args;
    this.provider = new docker.Provider(name, { host: sshUrl(args), sshOpts: args.sshOptions }, { parent: this });
    this.registerOutputs({ address: args.address });
  }

  /** The image pulled once on this host, whichever stacks run it (by its digest when the reference has one). */
  pull(reference: string): docker.RemoteImage {
    let pulled = this.images.get(reference);
    if (!pulled) {
      // keepLocally: deleting the resource must not remove an image a container still runs.
      pulled = new docker.RemoteImage(`${this.hostName}/${reference}`, { name: reference, keepLocally: true }, { parent: this, provider: this.provider });
      this.images.set(reference, pulled);
    }
    return pulled;
  }
}
