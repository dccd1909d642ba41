import { DOCUMENT_API_VERSION, type TalosDocument } from "./documents";
import type { CniChoice, InstallInput, MachineType } from "./inputs";
import type { TalosSecretsBundle } from "./secretsBundle";

/** Everything the v1alpha1 document of one machine is made from, defaults already applied. */
export interface V1Alpha1Input {
  type: MachineType;
  clusterName: string;
  endpoint: string;
  /** With the leading `v`, e.g. `v1.28.0`. */
  kubernetesVersion: string;
  secrets: TalosSecretsBundle;
  additionalSans: string[];
  dnsDomain: string;
  allowSchedulingOnControlPlanes: boolean;
  install: InstallInput;
  localApiServerPort?: number;
  sysctls: Record<string, string>;
  cni?: CniChoice;
  podSubnets: string[];
  serviceSubnets: string[];
}

const KUBELET_IMAGE = "ghcr.io/siderolabs/kubelet";
const KUBERNETES_IMAGE_REGISTRY = "registry.k8s.io";
const KUBE_PRISM_PORT = 7445;

/**
 * The v1alpha1 document as `talosctl gen config` writes it for the v1.13 contract.
 * Workers get the OS and Kubernetes CA certificates with empty keys, and none of the
 * control-plane-only secrets.
 */
export function v1alpha1Document(input: V1Alpha1Input): TalosDocument {
  return {
    version: DOCUMENT_API_VERSION,
    debug: false,
    persist: true,
    machine: machineSection(input),
    cluster: clusterSection(input),
  };
}

function machineSection(input: V1Alpha1Input): TalosDocument {
  const controlPlane = input.type === "controlplane";
  return {
    type: input.type,
    token: input.secrets.trustdinfo.token,
    ca: { crt: input.secrets.certs.os.crt, key: controlPlane ? input.secrets.certs.os.key : "" },
    certSANs: [...input.additionalSans],
    kubelet: {
      image: `${KUBELET_IMAGE}:${input.kubernetesVersion}`,
      defaultRuntimeSeccompProfileEnabled: true,
      disableManifestsDirectory: true,
    },
    install: installSection(input.install),
    ...(Object.keys(input.sysctls).length > 0 ? { sysctls: { ...input.sysctls } } : {}),
    features: {
      diskQuotaSupport: true,
      kubePrism: { enabled: true, port: KUBE_PRISM_PORT },
      hostDNS: { enabled: true, forwardKubeDNSToHost: true },
    },
    ...(controlPlane ? { nodeLabels: { "node.kubernetes.io/exclude-from-external-load-balancers": "" } } : {}),
  };
}

function installSection(install: InstallInput): TalosDocument {
  return {
    ...(install.disk === undefined ? {} : { disk: install.disk }),
    ...(install.extraKernelArgs?.length ? { extraKernelArgs: [...install.extraKernelArgs] } : {}),
    ...(install.image === undefined ? {} : { image: install.image }),
    wipe: false,
    grubUseUKICmdline: true,
  };
}

function clusterSection(input: V1Alpha1Input): TalosDocument {
  const controlPlane = input.type === "controlplane";
  const { secrets } = input;
  return {
    id: secrets.cluster.id,
    secret: secrets.cluster.secret,
    controlPlane: {
      endpoint: input.endpoint,
      ...(controlPlane && input.localApiServerPort !== undefined ? { localAPIServerPort: input.localApiServerPort } : {}),
    },
    clusterName: input.clusterName,
    network: {
      ...(input.cni === undefined ? {} : { cni: { ...input.cni } }),
      dnsDomain: input.dnsDomain,
      podSubnets: [...input.podSubnets],
      serviceSubnets: [...input.serviceSubnets],
    },
    token: secrets.secrets.bootstraptoken,
    ...(controlPlane ? { secretboxEncryptionSecret: secrets.secrets.secretboxencryptionsecret } : {}),
    ca: { crt: secrets.certs.k8s.crt, key: controlPlane ? secrets.certs.k8s.key : "" },
    ...(controlPlane ? controlPlaneComponents(input) : {}),
    discovery: {
      enabled: true,
      registries: { kubernetes: { disabled: true }, service: {} },
    },
    ...(controlPlane ? { etcd: { ca: { ...secrets.certs.etcd } } } : {}),
    ...(controlPlane && input.allowSchedulingOnControlPlanes ? { allowSchedulingOnControlPlanes: true } : {}),
  };
}

/** The cluster fields only control planes carry: the other CAs and the static pods' settings. */
function controlPlaneComponents(input: V1Alpha1Input): TalosDocument {
  const image = (component: string) => `${KUBERNETES_IMAGE_REGISTRY}/${component}:${input.kubernetesVersion}`;
  return {
    aggregatorCA: { ...input.secrets.certs.k8saggregator },
    serviceAccount: { key: input.secrets.certs.k8sserviceaccount.key },
    apiServer: {
      image: image("kube-apiserver"),
      ...(input.additionalSans.length > 0 ? { certSANs: [...input.additionalSans] } : {}),
      admissionControl: [podSecurityAdmission()],
      auditPolicy: auditPolicy(),
    },
    controllerManager: { image: image("kube-controller-manager") },
    proxy: { image: image("kube-proxy") },
    scheduler: { image: image("kube-scheduler") },
  };
}

/** Talos's default Pod Security admission: enforce baseline, audit and warn restricted. */
function podSecurityAdmission(): TalosDocument {
  return {
    name: "PodSecurity",
    configuration: {
      apiVersion: "pod-security.admission.config.k8s.io/v1alpha1",
      defaults: {
        audit: "restricted",
        "audit-version": "latest",
        enforce: "baseline",
        "enforce-version": "latest",
        warn: "restricted",
        "warn-version": "latest",
      },
      exemptions: { namespaces: ["kube-system"], runtimeClasses: [], usernames: [] },
      kind: "PodSecurityConfiguration",
    },
  };
}

function auditPolicy(): TalosDocument {
  return { apiVersion: "audit.k8s.io/v1", kind: "Policy", rules: [{ level: "Metadata" }] };
}
