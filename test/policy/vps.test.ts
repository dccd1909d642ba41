import { evaluatePlan, hasMandatoryViolation, violationDetail } from "../../policy/evaluate";
import type { Plan } from "../../policy/contract/plan";
import { VPS_CONFIG, VPS_CONTAINERS, vpsPlan, withContainer, withExtraContainer } from "./fixtures/vps";
import { labels } from "./harness";

async function violations(plan: Plan) {
  const report = await evaluatePlan(plan, VPS_CONFIG);
  return report.violations.map((v) => ({ policy: v.policyName, level: v.enforcementLevel, resource: v.name, text: violationDetail(v) }));
}

const addNetwork = (network: string) => (inputs: Record<string, unknown>) => ({
  ...inputs,
  networksAdvanced: [...(inputs.networksAdvanced as object[]), { name: network }],
});

test("the VPS as the inventory declares it passes the whole pack", async () => {
  const plan = vpsPlan();
  expect(plan.resources.filter((r) => r.type === "docker:index/container:Container").map((r) => r.name)).toEqual([...VPS_CONTAINERS]);
  const report = await evaluatePlan(plan, VPS_CONFIG);
  expect(report.violations).toEqual([]);
  expect(hasMandatoryViolation(report)).toBe(false);
});

describe("broken copies of the VPS fail with a message naming both containers and the shared network", () => {
  test("LLDAP on the public network", async () => {
    expect(await violations(withContainer("lldap", addNetwork("traefik-public")))).toEqual([{
      policy: "docker-isolation-boundaries", level: "mandatory", resource: "lldap",
      text: "lldap (zone identity) is reachable over network traefik-public from internet-facing aegis-traefik, aegis-crowdsec, gerbil (+1 more), which its reachableFrom (homeops.reachable-from) does not allow. Fix: Take lldap off network traefik-public (or the others off it); if this path is part of the design, list aegis-traefik, aegis-crowdsec, gerbil in lldap's reachableFrom (homeops.reachable-from).",
    }, {
      // The public network now holds an identity container, and it is (rightly) not internal.
      policy: "docker-protected-network-internal", level: "mandatory", resource: "traefik-public",
      text: "Network traefik-public on racknerd-aegis holds identity/management containers lldap but is not internal and has no egressReason (homeops.egress-reason). Fix: Set internal: true on traefik-public, or give it an egressReason (homeops.egress-reason): why lldap need egress.",
    }]);
  });

  test("LLDAP on pangolin-internal", async () => {
    expect(await violations(withContainer("lldap", addNetwork("pangolin-internal")))).toEqual([{
      policy: "docker-isolation-boundaries", level: "mandatory", resource: "lldap",
      text: "lldap (zone identity) is reachable over network pangolin-internal from internet-facing gerbil, pangolin-traefik, which its reachableFrom (homeops.reachable-from) does not allow. Fix: Take lldap off network pangolin-internal (or the others off it); if this path is part of the design, list gerbil, pangolin-traefik in lldap's reachableFrom (homeops.reachable-from).",
    }]);
  });

  test("periphery on traefik-public", async () => {
    const found = await violations(withContainer("periphery", addNetwork("traefik-public")));
    expect(found.map((v) => [v.policy, v.resource])).toEqual([["docker-isolation-boundaries", "periphery"], ["docker-protected-network-internal", "traefik-public"]]);
    expect(found[0].text).toMatch(/^periphery \(zone management\) is reachable over network traefik-public from internet-facing aegis-traefik, aegis-crowdsec, gerbil \(\+1 more\)/);
  });

  test("a container put in gerbil's namespace without gerbil's allowance", async () => {
    const plan = withExtraContainer("debug-shell", { networkMode: "container:gerbil", labels: labels({ "homeops.host": "racknerd-aegis", "homeops.zone": "app" }) });
    expect(await violations(plan)).toEqual([{
      policy: "docker-shared-netns-declared", level: "mandatory", resource: "debug-shell",
      text: "Container debug-shell joins gerbil's network namespace (network_mode: container:gerbil), sharing traefik-public, pangolin-internal and gerbil's localhost, but gerbil's netnsSharedWith (homeops.netns-shared-with) does not list debug-shell. Fix: Give debug-shell its own networks, or add debug-shell to gerbil's netnsSharedWith (homeops.netns-shared-with) if the sharing is intended.",
    }]);
  });

  test("periphery publishing 8120", async () => {
    const found = await violations(withContainer("periphery", (inputs) => ({ ...inputs, ports: [{ internal: 8120, external: 8120 }] })));
    expect(found.map((v) => [v.policy, v.resource])).toEqual([
      ["docker-isolation-boundaries", "periphery"],
      ["docker-management-no-published-ports", "periphery"],
      ["docker-published-ports-allowed", "periphery"],
    ]);
    expect(found[0].text).toMatch(/^periphery \(zone management\) is reachable over port 0\.0\.0\.0:8120\/tcp published by periphery on racknerd-aegis from the internet and internet-facing aegis-traefik, aegis-crowdsec, gerbil \(\+1 more\)/);
  });

  test("pangolin-client-obs moved to the edge zone reaches every protected container from the host network", async () => {
    const edgeLabels = labels({ "homeops.host": "racknerd-aegis", "homeops.stack": "aegis-pangolin-client", "homeops.zone": "edge" });
    const found = await violations(withContainer("pangolin-client-obs", (inputs) => ({ ...inputs, labels: edgeLabels })));
    expect(found.map((v) => [v.policy, v.resource])).toEqual([
      ["docker-isolation-boundaries", "lldap"],
      ["docker-isolation-boundaries", "pangolin"],
      ["docker-isolation-boundaries", "periphery"],
      ["docker-isolation-boundaries", "pocketid"],
      ["docker-isolation-boundaries", "pocketid"],
    ]);
    expect(found[0].text).toBe(
      "lldap (zone identity) is reachable over the host's address on network identity-internal from internet-facing pangolin-client-obs (network_mode: host), which its reachableFrom (homeops.reachable-from) does not allow. Fix: Give pangolin-client-obs bridge networks instead of network_mode: host; if this path is part of the design, list pangolin-client-obs in lldap's reachableFrom (homeops.reachable-from).",
    );
  });

  test("identity-internal no longer internal", async () => {
    const plan = vpsPlan(vpsPlan().resources.map((r) => (r.name === "identity-internal" ? { ...r, inputs: { ...r.inputs, internal: false } } : r)));
    const found = await violations(plan);
    expect(found.map((v) => [v.policy, v.resource])).toEqual([["docker-protected-network-internal", "identity-internal"]]);
    expect(found[0].text).toMatch(/^Network identity-internal on racknerd-aegis holds identity\/management containers pocketid, lldap but is not internal/);
  });
});
