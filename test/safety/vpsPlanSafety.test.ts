import { planSafetySuite } from "./planSafetySuite";

// The VPS keeps its data in Docker volumes; its generated secrets live in the state.
planSafetySuite({ stack: "vps", categories: ["Docker volume", "generated secret"] });
