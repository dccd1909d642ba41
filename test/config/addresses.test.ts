import { brokenConfig, containerIn } from "../support/stackConfig";
import { withPresetPlatform } from "../platform/settings";

type Config = Record<string, any>;
const ADDRESS = /must be an IPv4 address like 192\.168\.11\.10$/;
const SUBNET = /must be an IPv4 subnet like 192\.168\.11\.0\/24 \(no host bits\)/;

describe("addresses, subnets and ports are checked as such wherever they appear", () => {
  test.each<[string, "vps" | "homelab", (config: Config) => void, string, RegExp]>([
    ["a Docker host address with an octet over 255", "vps", (c) => (c.dockerHosts["racknerd-aegis"].address = "23.94.73.999"), "homeops:dockerHosts.racknerd-aegis.address", /must be an IPv4 address like 192\.168\.11\.10 or a DNS name/],
    ["a Docker host address of three octets", "vps", (c) => (c.dockerHosts["racknerd-aegis"].address = "23.94.73"), "homeops:dockerHosts.racknerd-aegis.address", /or a DNS name/],
    ["an SSH port over 65535", "vps", (c) => (c.dockerHosts["racknerd-aegis"].sshPort = 70000), "homeops:dockerHosts.racknerd-aegis.sshPort", /must be a port 1-65535/],
    ["a public port over 65535", "vps", (c) => (c.dockerHosts["racknerd-aegis"].publicPorts = ["99999/tcp"]), "homeops:dockerHosts.racknerd-aegis.publicPorts[0]", /port 1-65535/],
    ["a public port 0", "vps", (c) => (c.dockerHosts["racknerd-aegis"].publicPorts = ["0/udp"]), "homeops:dockerHosts.racknerd-aegis.publicPorts[0]", /port 1-65535/],
    ["a published port on no address", "vps", (c) => (containerIn(c, "aegis-traefik").ports = ["300.0.0.1:80:80"]), "homeops:dockerStacks[0].containers[1].ports[0]", /"300\.0\.0\.1:80:80" is not a port; .* with an IPv4/],
    ["a container's DNS server", "vps", (c) => (containerIn(c, "lldap").dns = ["1.1.1.1", "2606:4700:4700::1111", "one.one.one.one"]), "homeops:dockerStacks[2].containers[0].dns[2]", /must be an IPv4 or IPv6 address/],
    ["a Proxmox node address", "homelab", (c) => (c.proxmox.nodes.pve03.address = "192.168.11.256"), "homeops:proxmox.nodes.pve03.address", ADDRESS],
    ["a Proxmox subnet over /32", "homelab", (c) => (c.proxmox.networks.lan.subnet = "192.168.11.0/33"), "homeops:proxmox.networks.lan.subnet", SUBNET],
    ["a nameserver", "homelab", (c) => (c.proxmox.networks.lan.nameservers = ["1.1.1"]), "homeops:proxmox.networks.lan.nameservers[0]", ADDRESS],
    ["an LXC address", "homelab", (c) => (c.proxmoxContainers.komodo.network[0].ip = "192.168.11.2000"), "homeops:proxmoxContainers.komodo.network[0].ip", ADDRESS],
    // A VM's device may take its address by DHCP instead.
    ["a VM address", "homelab", (c) => (c.proxmoxVms.seaweedfs.network[0].ip = "192.168.11.1333"), "homeops:proxmoxVms.seaweedfs.network[0].ip", /must be an IPv4 address like 192\.168\.11\.10, or dhcp$/],
    ["a Talos machine address", "homelab", (c) => (c.talos.machines[0].address = "192.168.011"), "homeops:talos.machines[0].address", ADDRESS],
    ["the nodes' network with host bits", "homelab", (c) => (withPresetPlatform(c), c.platform.nodeCidr = "192.168.11.7/24"), "homeops:platform.nodeCidr", SUBNET],
    ["a pool range with a bad address", "homelab", (c) => (withPresetPlatform(c), c.platform.loadBalancer.addresses[1] = "192.168.11.90-192.168.11.300"), "homeops:platform.loadBalancer.addresses[1]", /range first-last of IPv4 addresses/],
    ["the ingress address", "homelab", (c) => (withPresetPlatform(c), c.platform.loadBalancer.ingressAddress = "192.168.11"), "homeops:platform.loadBalancer.ingressAddress", ADDRESS],
    ["the object store port", "homelab", (c) => (withPresetPlatform(c), c.platform.objectStore.endpoint = "192.168.11.50:88888"), "homeops:platform.objectStore.endpoint", /must be host:port, .* port 1-65535/],
    ["the object store host", "homelab", (c) => (withPresetPlatform(c), c.platform.objectStore.endpoint = "192.168.11.500:8333"), "homeops:platform.objectStore.endpoint", /must be host:port/],
    ["a VPS address given in the config", "homelab", (c) => (c.dns.vpsAddresses = { fromConfig: { "racknerd-aegis": "23.94.73.999" } }), "homeops:dns.vpsAddresses.fromConfig.racknerd-aegis", ADDRESS],
  ])("%s", (_kind, stack, mutate, key, rule) => {
    expect(brokenConfig(stack, mutate)).toContainEqual({ key, message: expect.stringMatching(rule) });
  });

  test.each([
    ["a DNS name as a Docker host address", (c: Config) => (c.dockerHosts["racknerd-aegis"].address = "vps.example.com")],
    ["a one-label host name", (c: Config) => (c.dockerHosts["racknerd-aegis"].address = "racknerd")],
    ["a name with digits", (c: Config) => (c.dockerHosts["racknerd-aegis"].address = "1e100.net")],
  ])("%s is still allowed", (_kind, mutate) => {
    expect(brokenConfig("vps", mutate)).toEqual([]);
  });

  test("a DNS name as the object store host is allowed", () => {
    expect(brokenConfig("homelab", (c) => (withPresetPlatform(c), c.platform.objectStore.endpoint = "seaweedfs.lan:8333"))).toEqual([]);
  });
});
