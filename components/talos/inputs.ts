/** The inputs of the Talos machine-config generator, shared by its modules. */

export type MachineType = "controlplane" | "worker";

/** Which CNI Talos installs: its own Flannel (the default), none, or manifests from URLs. */
export type CniChoice = { name: "flannel" } | { name: "none" } | { name: "custom"; urls: string[] };

export interface InstallInput {
  /** The disk Talos installs to, e.g. `/dev/sda`. */
  disk?: string;
  /** The installer image, e.g. from the image factory (see `installerImage`). */
  image?: string;
  /** Extra kernel arguments (deprecated by Talos in favour of the image factory, still honoured). */
  extraKernelArgs?: string[];
}

/** A network link, named by its interface or picked by hardware facts and given an alias. */
export type LinkInput = { interface: string } | { deviceSelector: DeviceSelector; alias?: string };

/** Hardware facts to pick a link by (all given facts must match); MACs may use `*` wildcards. */
export interface DeviceSelector {
  hardwareAddr?: string;
  permanentAddr?: string;
  driver?: string;
}

export interface RouteInput {
  /** Destination prefix; a default route when left out. */
  destination?: string;
  gateway: string;
  metric?: number;
}

/** A node's static network: one link with its addresses, routes and resolvers. */
export interface StaticNetworkInput {
  link: LinkInput;
  /** Addresses with prefix length, e.g. `192.168.11.61/24`. */
  addresses: string[];
  routes?: RouteInput[];
  nameservers?: string[];
  mtu?: number;
}
