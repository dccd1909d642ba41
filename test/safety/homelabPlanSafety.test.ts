import { planSafetySuite } from "./planSafetySuite";

// The estate inventory, "Stack homelab" and "DNS": Docker volumes on the LAN hosts, the LXCs and
// the Talos VMs with their Ceph disks, the DNS zone, the Talos PKI, the Ceph cluster.
planSafetySuite({
  stack: "homelab",
  categories: ["Docker volume", "Proxmox guest holding data", "DNS zone", "Talos PKI", "Ceph cluster", "generated secret"],
  generatesSecrets: true,
});
