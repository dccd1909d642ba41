import { planSafetySuite } from "./planSafetySuite";

// The VPS keeps its data in Docker volumes; its secrets are the estate's, adopted as config
// secrets, so it generates none.
planSafetySuite({ stack: "vps", categories: ["Docker volume"], generatesSecrets: false });
