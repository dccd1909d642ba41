/**
 * Host networking and Docker-socket mounts hand a container the host; both are allowed only
 * for the Docker containers and Kubernetes workloads the pack configuration names.
 */
import type { Policies } from "@pulumi/policy";
import type { AllowList, DockerDeclarations } from "./config";
import { CONTAINER_TYPE, DECLARED, isDockerSocket, readContainer, type DockerContainer } from "./docker-inputs";
import type { ResourceView } from "./resource-view";
import { nameList, resourcePolicy, type Finding } from "./framework";
import { hostPathsOf, isWorkloadType, podTemplateOf, workloadIdOf, type PodTemplate } from "./kubernetes-workloads";

const allowListSettings = (what: string) => ({
  dockerContainers: nameList(`Docker container names allowed ${what}.`),
  kubernetesWorkloads: nameList(`Kubernetes workloads (namespace/name) allowed ${what}.`),
  ...DECLARED,
});

const appliesToContainersAndWorkloads = (type: string) => type === CONTAINER_TYPE || isWorkloadType(type);

interface Subject {
  kind: "Docker container" | "Kubernetes workload";
  name: string;
  listKey: keyof AllowList;
}

/** The container or workload a resource declares, with the container as the policies see it, or the workload's pod template. */
function subjectOf(resource: ResourceView, declared: DockerDeclarations): { subject: Subject; container?: DockerContainer; template?: PodTemplate } | undefined {
  if (resource.type === CONTAINER_TYPE) {
    const container = readContainer(resource, declared);
    return { subject: { kind: "Docker container", name: container.node.name, listKey: "dockerContainers" }, container };
  }
  const result = podTemplateOf(resource.type, resource.props);
  if (!result.ok) return undefined; // kubernetes-memory-limits reports the malformed template
  const name = workloadIdOf(resource.props, resource.name, resource.provider?.props);
  return { subject: { kind: "Kubernetes workload", name, listKey: "kubernetesWorkloads" }, template: result.template };
}

function isAllowed(subject: Subject, allowList: AllowList): boolean {
  return allowList[subject.listKey].includes(subject.name);
}

const hostNetworkAllowed = resourcePolicy({
  name: "host-network-allowed",
  description: "Only allowed containers use the host's network (Docker network_mode host, Kubernetes hostNetwork).",
  severity: "high",
  remediationSteps: "Attach the container to bridge networks instead, or add it to the pack configuration's allow-list with the reason it needs the host network.",
  settings: allowListSettings("the host network"),
  appliesTo: appliesToContainersAndWorkloads,
  check(resource, settings): Finding[] {
    const found = subjectOf(resource, settings.declared);
    if (!found || isAllowed(found.subject, settings)) return [];
    const usesHost = found.template ? found.template.spec.hostNetwork === true : found.container?.node.networkMode.kind === "host";
    if (!usesHost) return [];
    const { kind, name, listKey } = found.subject;
    return [{
      message: `${kind} ${name} uses the host network, which host-network-allowed.${listKey} does not allow.`,
      fix: `Put ${name} on bridge networks, or add "${name}" to host-network-allowed.${listKey} if it needs the host's network stack.`,
      subjects: [name],
    }];
  },
});


const dockerSocketAllowed = resourcePolicy({
  name: "docker-socket-mount-allowed",
  description: "Only allowed containers mount the Docker socket (/var/run/docker.sock), which is root on the host.",
  severity: "critical",
  remediationSteps: "Remove the socket mount, or add the container to the pack configuration's allow-list with the reason it needs the Docker API.",
  settings: allowListSettings("to mount the Docker socket"),
  appliesTo: appliesToContainersAndWorkloads,
  check(resource, settings): Finding[] {
    const found = subjectOf(resource, settings.declared);
    if (!found || isAllowed(found.subject, settings)) return [];
    const { kind, name, listKey } = found.subject;
    const paths = found.template ? hostPathsOf(found.template) : found.container?.hostPaths ?? [];
    return paths.filter(isDockerSocket).map((path) => ({
      message: `${kind} ${name} mounts the Docker socket ${path}, which docker-socket-mount-allowed.${listKey} does not allow.`,
      fix: `Remove the ${path} mount from ${name}, or add "${name}" to docker-socket-mount-allowed.${listKey} if it needs the Docker API.`,
      subjects: [name],
    }));
  },
});

export const hostAccessPolicies: Policies = [hostNetworkAllowed, dockerSocketAllowed];
