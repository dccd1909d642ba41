import type { PackConfig } from "../../policy/config";
import { CONTAINER, findingsOf, labels, planned, violationsOf } from "./harness";

const CAPACITY: PackConfig = { "docker-host-memory-capacity": { capacityMb: { h1: 4096 } } };

function container(name: string, inputs: Record<string, unknown>) {
  return planned(CONTAINER, name, { name, memory: 128, labels: labels({ "homeops.host": "h1", "homeops.zone": "observability" }), ...inputs });
}

function daemonSet(name: string, podSpec: Record<string, unknown>) {
  return planned("kubernetes:apps/v1:DaemonSet", `monitoring/${name}`, {
    apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name, namespace: "monitoring" },
    spec: { template: { metadata: { labels: { app: name } }, spec: podSpec } },
  });
}

async function findings(policy: string, resources: ReturnType<typeof planned>[], config: PackConfig = {}) {
  return findingsOf(await violationsOf(resources, { ...CAPACITY, ...config }), policy);
}

describe("host-network-allowed", () => {
  const resources = [container("alloy", { networkMode: "host" }), daemonSet("node-exporter", { hostNetwork: true, containers: [] }), daemonSet("plain", { hostNetwork: false, containers: [] })];

  test("host networking outside the allow-lists is a violation, for Docker and Kubernetes alike", async () => {
    expect(await findings("host-network-allowed", resources)).toEqual([
      `Docker container alloy uses the host network, which host-network-allowed.dockerContainers does not allow. Fix: Put alloy on bridge networks, or add "alloy" to host-network-allowed.dockerContainers if it needs the host's network stack.`,
      `Kubernetes workload monitoring/node-exporter uses the host network, which host-network-allowed.kubernetesWorkloads does not allow. Fix: Put monitoring/node-exporter on bridge networks, or add "monitoring/node-exporter" to host-network-allowed.kubernetesWorkloads if it needs the host's network stack.`,
    ]);
  });

  test("allow-listed containers and workloads pass", async () => {
    const config: PackConfig = { "host-network-allowed": { dockerContainers: ["alloy"], kubernetesWorkloads: ["monitoring/node-exporter"] } };
    expect(await findings("host-network-allowed", resources, config)).toEqual([]);
  });
});

describe("docker-socket-mount-allowed", () => {
  const socket = (hostPath: string) => ({ hostPath, containerPath: "/var/run/docker.sock", readOnly: true });
  const resources = [
    container("traefik", { volumes: [socket("/var/run/docker.sock"), { hostPath: "/srv/traefik", containerPath: "/etc/traefik" }] }),
    container("agent", { volumes: [socket("/run//docker.sock/")] }),
    container("bound", { mounts: [{ type: "bind", source: "/var/run/docker.sock", target: "/sock" }] }),
    container("volume", { mounts: [{ type: "volume", source: "docker.sock", target: "/data" }] }),
    container("thing", { volumes: [socket("/var/run/thing.sock")] }),
    daemonSet("scope", { containers: [], volumes: [{ name: "s", hostPath: { path: "/var/run/docker.sock" } }] }),
  ];

  test("socket mounts through volumes, bind mounts and hostPath volumes are violations unless allowed", async () => {
    expect(await findings("docker-socket-mount-allowed", resources)).toEqual([
      `Docker container agent mounts the Docker socket /run//docker.sock/, which docker-socket-mount-allowed.dockerContainers does not allow. Fix: Remove the /run//docker.sock/ mount from agent, or add "agent" to docker-socket-mount-allowed.dockerContainers if it needs the Docker API.`,
      `Docker container bound mounts the Docker socket /var/run/docker.sock, which docker-socket-mount-allowed.dockerContainers does not allow. Fix: Remove the /var/run/docker.sock mount from bound, or add "bound" to docker-socket-mount-allowed.dockerContainers if it needs the Docker API.`,
      `Docker container traefik mounts the Docker socket /var/run/docker.sock, which docker-socket-mount-allowed.dockerContainers does not allow. Fix: Remove the /var/run/docker.sock mount from traefik, or add "traefik" to docker-socket-mount-allowed.dockerContainers if it needs the Docker API.`,
      `Kubernetes workload monitoring/scope mounts the Docker socket /var/run/docker.sock, which docker-socket-mount-allowed.kubernetesWorkloads does not allow. Fix: Remove the /var/run/docker.sock mount from monitoring/scope, or add "monitoring/scope" to docker-socket-mount-allowed.kubernetesWorkloads if it needs the Docker API.`,
    ]);
  });

  test("allow-listed names pass", async () => {
    const config: PackConfig = { "docker-socket-mount-allowed": { dockerContainers: ["traefik", "agent", "bound"], kubernetesWorkloads: ["monitoring/scope"] } };
    expect(await findings("docker-socket-mount-allowed", resources, config)).toEqual([]);
  });
});
