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
  readonly provider: docker.Provider;
  private readonly images = new Map<string, docker.RemoteImage>();

  constructor(
    readonly hostName: string,
    readonly spec: DockerHostSpec,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("homeops:docker:Host", hostName, {}, opts);
    this.provider = new docker.Provider(hostName, { host: sshUrl(spec), sshOpts: spec.sshOptions }, { parent: this });
    this.registerOutputs({ address: spec.address });
  }

  /**
   * Logical name of a resource on this host. URNs are qualified by parent type, not by
   * parent name, so names must be unique across hosts: `alloy` runs on all of them.
   */
  resourceName(name: string): string {
    return `${this.hostName}/${name}`;
  }

  /** The image pulled once on this host, whichever stacks run it (by its digest when the reference has one). */
  pull(reference: string): docker.RemoteImage {
    let pulled = this.images.get(reference);
    if (!pulled) {
      // keepLocally: deleting the resource must not remove an image a container still runs.
      pulled = new docker.RemoteImage(this.resourceName(reference), { name: reference, keepLocally: true }, { parent: this, provider: this.provider });
      this.images.set(reference, pulled);
    }
    return pulled;
  }
}
