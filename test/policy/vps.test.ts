/** The whole pack on the vps stack's own plan and configuration, and on broken copies of it. */
import { evaluatePlan, hasMandatoryViolation, violationDetail } from "../../policy/evaluate";
import { stackConfigData } from "../support/stackConfig";
import { inNetworkOrder, inPlanOrder, PUBLIC_EDGE, vpsStack, withContainer, withContainerOn, withDeclaration, withExtraContainer, withNetwork, type Vps } from "./fixtures/vps";
import { CONTAINER, labels } from "./harness";

let vps: Vps;
beforeAll(async () => {
  vps = await vpsStack();
});

async function violations({ plan, config }: Vps) {
  const report = await evaluatePlan(plan, config);
  return report.violations.map((v) => ({ policy: v.policyName, level: v.enforcementLevel, resource: v.name, text: violationDetail(v) }));
}

/** A finding names the first three of them, then how many more. */
const firstThree = (order: typeof inPlanOrder) => order(vps, PUBLIC_EDGE).slice(0, 3).join(", ");
const publicEdge = (order: typeof inPlanOrder) => `${firstThree(order)} (+${PUBLIC_EDGE.length - 3} more)`;
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

test("the VPS as Pulumi.vps.yaml declares it passes the whole pack", async () => {
  const declared = (stackConfigData("vps").dockerStacks as { name: string; containers: { name: string }[] }[]).flatMap((stack) => stack.containers.map((container) => `${stack.name}/${container.name}`));
  expect(vps.plan.resources.filter((r) => r.type === CONTAINER).map((r) => r.name).sort()).toEqual(declared.sort());
  const report = await evaluatePlan(vps.plan, vps.config);
  expect(report.violations).toEqual([]);
  expect(hasMandatoryViolation(report)).toBe(false);
});

describe("broken copies of the VPS fail with a message naming both containers and the shared network", () => {
  test("LLDAP on the public network", async () => {
    expect(await violations(withContainerOn(vps, "lldap", "traefik-public"))).toEqual([{
      policy: "docker-isolation-boundaries", level: "mandatory", resource: "aegis-identity/lldap",
      text: `lldap (zone identity) is reachable over network traefik-public from internet-facing ${publicEdge(inNetworkOrder)}, which its reachableFrom (homeops.reachable-from) does not allow. Fix: Take lldap off network traefik-public (or the others off it); if this path is part of the design, list ${firstThree(inNetworkOrder)} in lldap's reachableFrom (homeops.reachable-from).`,
    }, {
      // The public network now holds an identity container, and it is (rightly) not internal.
      policy: "docker-protected-network-internal", level: "mandatory", resource: "racknerd-aegis/traefik-public",
      text: "Network traefik-public on racknerd-aegis holds identity/management containers lldap but is not internal and has no egressReason (homeops.egress-reason). Fix: Set internal: true on traefik-public, or give it an egressReason (homeops.egress-reason): why lldap need egress.",
    }]);
  });

  test("LLDAP on pangolin-internal", async () => {
    expect(await violations(withContainerOn(vps, "lldap", "pangolin-internal"))).toEqual([{
      policy: "docker-isolation-boundaries", level: "mandatory", resource: "aegis-identity/lldap",
      text: "lldap (zone identity) is reachable over network pangolin-internal from internet-facing gerbil, pangolin-traefik, which its reachableFrom (homeops.reachable-from) does not allow. Fix: Take lldap off network pangolin-internal (or the others off it); if this path is part of the design, list gerbil, pangolin-traefik in lldap's reachableFrom (homeops.reachable-from).",
    }]);
  });

  test("periphery on traefik-public", async () => {
    const found = await violations(withContainerOn(vps, "periphery", "traefik-public"));
    expect(found.map((v) => [v.policy, v.resource])).toEqual([["docker-isolation-boundaries", "aegis-periphery/periphery"], ["docker-protected-network-internal", "racknerd-aegis/traefik-public"]]);
    expect(found[0].text).toMatch(new RegExp(`^${escaped(`periphery (zone management) is reachable over network traefik-public from internet-facing ${publicEdge(inNetworkOrder)},`)}`));
  });

  test("a container put in gerbil's namespace without gerbil's allowance", async () => {
    const plan = withExtraContainer(vps, "debug", "debug-shell", { networkMode: "container:gerbil", labels: labels({ "homeops.host": "racknerd-aegis", "homeops.zone": "app" }) });
    expect(await violations(plan)).toEqual([{
      policy: "docker-shared-netns-declared", level: "mandatory", resource: "debug/debug-shell",
      // gerbil's networks in the order Pulumi.vps.yaml lists them.
      text: "Container debug-shell joins gerbil's network namespace (network_mode: container:gerbil), sharing pangolin-internal, traefik-public and gerbil's localhost, but gerbil's netnsSharedWith (homeops.netns-shared-with) does not list debug-shell. Fix: Give debug-shell its own networks, or add debug-shell to gerbil's netnsSharedWith (homeops.netns-shared-with) if the sharing is intended.",
    }]);
  });

  test("periphery publishing 8120", async () => {
    const found = await violations(withContainer(vps, "periphery", (inputs) => ({ ...inputs, ports: [{ internal: 8120, external: 8120 }] })));
    expect(found.map((v) => [v.policy, v.resource])).toEqual([
      ["docker-isolation-boundaries", "aegis-periphery/periphery"],
      ["docker-management-no-published-ports", "aegis-periphery/periphery"],
      ["docker-published-ports-allowed", "aegis-periphery/periphery"],
    ]);
    expect(found[0].text).toMatch(new RegExp(`^${escaped(`periphery (zone management) is reachable over port 0.0.0.0:8120/tcp published by periphery on racknerd-aegis from the internet and internet-facing ${publicEdge(inPlanOrder)},`)}`));
  });

  test("pangolin-client-obs declared in the edge zone reaches the protected containers beside the host, not LLDAP behind the isolated identity network", async () => {
    const found = await violations(withDeclaration(vps, "pangolin-client-obs", (declared) => ({ ...declared, zone: "edge" })));
    // From the host network it reaches every container on a network the host keeps an address
    // on: pocketid and pangolin on pangolin-internal, periphery on newt-periphery; LLDAP is only
    // on aegis-identity_identity-internal, which Pulumi.vps.yaml isolates from the host.
    expect(found.map((v) => [v.policy, v.resource])).toEqual([
      ["docker-isolation-boundaries", "aegis-identity/pocketid"],
      ["docker-isolation-boundaries", "aegis-pangolin/pangolin"],
      ["docker-isolation-boundaries", "aegis-periphery/periphery"],
    ]);
    expect(found[0].text).toBe(
      "pocketid (zone identity) is reachable over the host's address on network pangolin-internal from internet-facing pangolin-client-obs (network_mode: host), which its reachableFrom (homeops.reachable-from) does not allow. Fix: Give pangolin-client-obs bridge networks instead of network_mode: host; if this path is part of the design, list pangolin-client-obs in pocketid's reachableFrom (homeops.reachable-from).",
    );
  });

  test("aegis-identity_identity-internal no longer internal", async () => {
    const found = await violations(withNetwork(vps, "aegis-identity_identity-internal", (inputs) => ({ ...inputs, internal: false })));
    expect(found.map((v) => [v.policy, v.resource])).toEqual([["docker-protected-network-internal", "racknerd-aegis/aegis-identity_identity-internal"]]);
    const members = inNetworkOrder(vps, ["lldap", "pocketid"]).join(", ");
    expect(found[0].text).toMatch(new RegExp(`^${escaped(`Network aegis-identity_identity-internal on racknerd-aegis holds identity/management containers ${members} but is not internal`)}`));
  });
});
