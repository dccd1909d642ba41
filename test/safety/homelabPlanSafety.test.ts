import { planSafetySuite } from "./planSafetySuite";

// The estate inventory, "Stack homelab" and "DNS": Docker volumes on the LAN hosts, the LXCs and
// the VM that host Docker, the DNS zone, the Ceph cluster. (The cluster is Omni's: its PKI is
// Omni's; a cluster of the program's own is held to this in talosOnProxmoxPlanSafety.test.ts.)
planSafetySuite({
  stack: "homelab",
  categories: ["Docker volume", "Proxmox guest holding data", "DNS zone", "Ceph cluster", "generated secret"],
  generatesSecrets: true,
});
