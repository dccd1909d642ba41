import type { Plan, PlannedResource } from "../../policy/contract/plan";
import { planIndex } from "../support/planIndex";
import { stackPreview } from "../support/previews";
import { specTable } from "../support/specTables";

let plan: Plan;
let index: ReturnType<typeof planIndex>;
beforeAll(async () => {
  ({ plan } = await stackPreview("vps"));
  index = planIndex(plan.resources);
});

const ofType = (type: string) => index.ofType(type);
const byUrn = (urn: string) => index.byUrn(urn);
const containers = () => ofType("docker:index/container:Container");
const container = (name: string) => {
  const found = containers().find((resource) => resource.inputs.name === name);
  if (!found) throw new Error(`no container ${name} in the plan`);
  return found;
};
// The spec calls the VPS Alloy container by its service name; compose names it (the estate).
const ALLOY = "racknerd-aegis-alloy-alloy-1";
const planName = (specName: string) => (specName === "alloy" || specName === "racknerd-aegis-alloy" ? ALLOY : specName);
// The spec's identity-internal is created by the aegis-identity compose project, which names it.
const networkName = (specName: string) => (specName === "identity-internal" ? "aegis-identity_identity-internal" : specName);

describe("the VPS matches the spec", () => {
  test("every container of the network matrix, on exactly its networks", () => {
    const [header, ...rows] = [["container", "traefik-public", "pangolin-internal", "identity-internal", "newt-periphery", "host"], ...specTable("### Container to network matrix (seed L3, authoritative)")];
    expect(rows).toHaveLength(11);
    expect(containers()).toHaveLength(11);
    for (const [name, ...cells] of rows) {
      const inputs = container(planName(name)).inputs as { networkMode?: string; networksAdvanced?: { name: string }[] };
      const marked = header.slice(1).filter((_, index) => cells[index] === "X").map(networkName);
      if (cells.some((cell) => cell.includes("via gerbil"))) {
        expect(inputs.networkMode).toBe("container:gerbil");
        expect(inputs.networksAdvanced).toBeUndefined();
      } else if (marked.includes("host")) {
        expect(inputs.networkMode).toBe("host");
        expect(inputs.networksAdvanced).toBeUndefined();
      } else {
        expect({ name, networks: (inputs.networksAdvanced ?? []).map((network) => network.name).sort() }).toEqual({ name, networks: marked.sort() });
      }
    }
  });

  test("images pinned to the spec's tags, ports published as the spec says", () => {
    const rows = specTable("### Stacks and containers");
    expect(rows).toHaveLength(11);
    for (const [stack, specName, image, ports] of rows) {
      const resource = container(planName(specName));
      expect(byUrn(resource.parent).name).toBe(stack);
      const pulled = byUrn(resource.propertyDependencies.image[0]);
      expect(pulled.inputs.name).toBe(image.replace(/`/g, ""));
      const expected = [...ports.matchAll(/`([^`]+)`/g)].map((match) => match[1]);
      const published = ((resource.inputs.ports ?? []) as { ip: string; external: number; protocol: string }[]).map(
        (port) => `${port.ip === "0.0.0.0" ? "" : `${port.ip}:`}${port.external}${port.protocol === "udp" ? "/udp" : ""}`,
      );
      expect({ container: specName, published: published.sort() }).toEqual({ container: specName, published: expected.sort() });
    }
  });

  test("every container restarts unless stopped, logs json-file 10m x 3, and has a memory limit", () => {
    for (const resource of containers()) {
      expect(resource.inputs).toMatchObject({ restart: "unless-stopped", logDriver: "json-file", logOpts: { "max-size": "10m", "max-file": "3" } });
      expect(resource.inputs.memory).toBeGreaterThan(0);
    }
    expect(container(ALLOY).inputs).toMatchObject({ memory: 768, memoryReservation: 384 });
  });

  test("the networks: identity-internal has no egress, the others say why they need it", () => {
    const networks = Object.fromEntries(ofType("docker:index/network:Network").map((network) => [network.inputs.name, network.inputs]));
    const identity = networkName("identity-internal");
    expect(Object.keys(networks).sort()).toEqual([identity, "newt-periphery", "pangolin-internal", "traefik-public"]);
    expect(networks[identity].internal).toBe(true);
    // Not even the host's network namespace gets an address on it (Docker 28 gateway mode).
    expect(networks[identity].options).toEqual({ "com.docker.network.bridge.gateway_mode_ipv4": "isolated" });
    expect(networks["traefik-public"].internal).toBe(false);
  });

  test("the Docker daemon is reached over SSH on port 2244, and every resource on it uses that provider", () => {
    const [provider] = ofType("pulumi:providers:docker");
    expect(provider.inputs.host).toBe("ssh://root@23.94.73.98:2244");
    for (const resource of plan.resources.filter((r) => r.type.startsWith("docker:"))) expect(resource.provider).toBe(provider.urn);
  });

  test("notable settings of the spec: capabilities, devices, docker socket, netns sharing", () => {
    expect(container("gerbil").inputs.capabilities).toEqual({ adds: ["NET_ADMIN", "SYS_MODULE"], drops: [] });
    expect(container(ALLOY).inputs.capabilities).toEqual({ adds: ["DAC_OVERRIDE", "DAC_READ_SEARCH", "SYS_PTRACE"], drops: ["ALL"] });
    expect(container("pangolin-client-obs").inputs.devices).toEqual([{ hostPath: "/dev/net/tun", containerPath: "/dev/net/tun", permissions: "rwm" }]);
    const socket = (name: string) => (container(name).inputs.volumes as { hostPath?: string; readOnly: boolean }[]).find((v) => v.hostPath === "/var/run/docker.sock");
    expect(socket("aegis-traefik")?.readOnly).toBe(true);
    expect(socket(ALLOY)?.readOnly).toBe(true);
    expect(socket("periphery")).toBeDefined();
    expect(socket("pocketid")).toBeUndefined();
  });
});

describe("safety", () => {
  test("data volumes keep the estate's names and are protected and retained", () => {
    const volumes = ofType("docker:index/volume:Volume");
    expect(volumes.map((volume) => volume.inputs.name).sort()).toEqual([
      "aegis-gateway_crowdsec-config",
      "aegis-gateway_crowdsec-data",
      "aegis-gateway_traefik-logs",
      "aegis-pangolin_pangolin-certificates",
      "aegis-pangolin_pangolin-dynamic",
      "aegis-periphery_keys",
      "pangolin-identity_lldap-data",
      "pangolin-identity_pocketid-data",
      "racknerd-aegis-alloy_alloy-data",
    ]);
    for (const volume of volumes) expect(volume).toMatchObject({ protect: true, retainOnDelete: true });
  });

  test("containers of the stacks that carry the tunnels, and every container adopted from the estate, are replaced only deliberately", () => {
    // Every stack of Pulumi.vps.yaml runs in the estate (no deviation on `stack`): all are adopted.
    const protectedNames = containers().filter((resource) => resource.protect).map((resource) => resource.inputs.name);
    expect(protectedNames.sort()).toEqual(containers().map((resource) => resource.inputs.name).sort());
    for (const resource of containers()) expect(resource.deleteBeforeReplace).toBe(true);
  });

  // The scan for plaintext secrets, generated and from config, is test/safety (for every
  // stack, with test/support/planSecrets.ts); here, which VPS inputs carry them.
  test("the inputs that carry secrets are secret as a whole, and plain ones stay readable", () => {
    for (const name of ["aegis-crowdsec", "aegis-traefik", "lldap", "pocketid", "pangolin-newt", "pangolin-client-obs", ALLOY]) {
      expect(container(name).inputs.envs).toBe("[secret]");
    }
    // Alloy's configuration holds no secret (it reads the credentials from its env).
    expect(container(ALLOY).inputs.uploads).toEqual([expect.objectContaining({ file: "/etc/alloy/config.alloy" })]);
  });
});

describe("dependencies are the real ones", () => {
  const dependsOn = (resource: PlannedResource, name: string) => resource.dependencies.includes(container(name).urn);

  test("containers start after those they need, and those are awaited healthy", () => {
    expect(dependsOn(container("aegis-traefik"), "aegis-crowdsec")).toBe(true);
    expect(container("aegis-crowdsec").inputs.wait).toBe(true);
    expect(dependsOn(container("pocketid"), "lldap")).toBe(true);
    expect(container("lldap").inputs.wait).toBe(true);
    expect(container("pangolin-traefik").propertyDependencies.networkMode).toEqual([container("gerbil").urn]);
  });

  test("stacks with no need of each other are not ordered", () => {
    for (const independent of ["periphery", "pangolin-newt", "pangolin-client-obs", ALLOY, "lldap"]) {
      expect(container(independent).dependencies.filter((urn) => urn.includes("container:Container"))).toEqual([]);
    }
  });
});

test("URNs are the engine's: the type qualified by every ancestor's type but the Stack's", () => {
  expect(container("lldap").urn).toBe("urn:pulumi:vps::homeops::homeops:docker:Host$homeops:docker:Stack$docker:index/container:Container::aegis-identity/lldap");
  expect(byUrn(container("lldap").parent).urn).toBe("urn:pulumi:vps::homeops::homeops:docker:Host$homeops:docker:Stack::aegis-identity");
  expect(ofType("pulumi:providers:docker")[0].urn).toBe("urn:pulumi:vps::homeops::homeops:docker:Host$pulumi:providers:docker::racknerd-aegis");
});
