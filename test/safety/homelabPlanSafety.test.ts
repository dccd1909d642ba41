import { planSafetySuite } from "./planSafetySuite";

// The estate inventory, "Stack homelab" and "DNS": Docker volumes on the LAN hosts, the LXCs and
// the VM that host Docker, the DNS zone, the Ceph cluster. (The cluster is Omni's: its PKI is
// Omni's; a cluster of the program's own is held to this in talosOnProxmoxPlanSafety.test.ts.)
// Its passwords and keys are adopted (the estate's SOPS and .sops.env values): no random
// generator holds state here; the ACME IAM keys are the secrets it creates.
planSafetySuite({
  stack: "homelab",
  categories: ["Docker volume", "Proxmox guest holding data", "DNS zone", "Ceph cluster"],
  generatesSecrets: true,
});
