import { TALOS_EXAMPLE_FILE } from "../homelab-compute/talosExample";
import { planSafetySuite } from "./planSafetySuite";

// A Talos cluster this program builds on Proxmox VMs (the example stack file): the VMs with
// their Ceph disks, the Talos PKI, the Ceph cluster on it.
planSafetySuite({
  stack: "homelab",
  configFile: TALOS_EXAMPLE_FILE,
  categories: ["Proxmox guest holding data", "DNS zone", "Talos PKI", "Ceph cluster", "generated secret"],
  generatesSecrets: true,
});
