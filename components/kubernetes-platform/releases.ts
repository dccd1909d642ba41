/**
 * The platform's releases and configuration objects as steps, each with its namespace,
 * values and the steps it needs ready first: the seed's order (controllers, then configs,
 * then the monitoring waves, then apps), reduced to the dependencies that are real.
 */
import { loadBalancerPreset, type LoadBalancerProvider, type PlatformRelease } from "../../config/platform";
import { topologicalOrder } from "../../model/order";
import { alloyValues } from "./charts/alloy";
import { argoCdValues } from "./charts/argoCd";
import { certManagerValues } from "./charts/certManager";
import { CILIUM_UNKEYED_CONTAINERS, ciliumValues } from "./charts/cilium";
import type { ContainerResources } from "./charts/common";
import { ingressNginxValues } from "./charts/ingressNginx";
import { kubePrometheusStackValues } from "./charts/kubePrometheusStack";
import { lokiValues } from "./charts/loki";
import { metallbValues } from "./charts/metallb";
import { newtValues } from "./charts/newt";
import { rookCephClusterValues, rookCephValues } from "./charts/rookCeph";
import { tempoValues } from "./charts/tempo";
import { thanosValues } from "./charts/thanos";
import { traefikValues } from "./charts/traefik";
import { CLUSTER_NAMESPACES, installs, NAMESPACES, type PlatformSettings } from "./settings";

/** Configuration objects that are not charts (the Gateway API's CRDs, before the Cilium that serves them). */
export type ConfigStep = "gateway-api-crds" | "acme-issuer" | "wildcard-certificate" | "address-pool" | "push-endpoints";
export type Step = PlatformRelease | ConfigStep;

export interface ReleasePlan {
  kind: "release";
  step: PlatformRelease;
  namespace: string;
  values: object;
  /** Steps, and the custom release that is the cluster's CNI (its key; see cniStep). */
  needs: string[];
  /** Memory for rendered containers the chart has no values key for (HelmRelease fills it in). */
  unkeyedContainers?: ContainerResources;
  /** The release creates data stores (Ceph's cluster and pools): protected, and kept if removed. */
  holdsData?: boolean;
}

export interface ConfigPlan {
  kind: "config";
  step: ConfigStep;
  needs: Step[];
}

export type PlatformStep = ReleasePlan | ConfigPlan;

/** The seed's waves, for reading and for the tests that hold the order to them; the cluster's network before them all. */
export const WAVES: Record<string, Step[]> = {
  network: ["gateway-api-crds", "cilium"],
  controllers: ["cert-manager", "metallb", "ingress-nginx", "traefik", "rook-ceph"],
  configs: ["acme-issuer", "wildcard-certificate", "address-pool", "rook-ceph-cluster"],
  "monitoring 1": ["kube-prometheus-stack"],
  "monitoring 2": ["loki", "thanos", "tempo"],
  "monitoring 3": ["alloy"],
  apps: ["newt", "argo-cd", "push-endpoints"],
};

/** What each configuration object needs: the CRDs and webhooks of its controller (the address pool's: its provider's). */
export function configStepNeeds(ingressController: PlatformRelease, loadBalancer: LoadBalancerProvider = "metallb"): Record<ConfigStep, Step[]> {
  return {
    "gateway-api-crds": [],
    "acme-issuer": ["cert-manager"],
    "address-pool": [loadBalancerPreset(loadBalancer).preset],
    "wildcard-certificate": ["acme-issuer"],
    // Traefik's basic-auth Middleware is one of its CRDs; the backends are monitoring's.
    "push-endpoints": [ingressController, "kube-prometheus-stack", "loki"],
  };
}

/** Whether the configuration object is made: its settings given and the presets it needs installed (the config checks see to the rest). */
function configStepApplies(step: ConfigStep, settings: PlatformSettings): boolean {
  const has = (...presets: PlatformRelease[]) => presets.every((preset) => installs(settings, preset));
  switch (step) {
    case "gateway-api-crds":
      return settings.cni?.gatewayApi !== undefined;
    case "address-pool":
      return settings.loadBalancerPool !== undefined && has(loadBalancerPreset(settings.loadBalancerPool.provider).preset);
    case "acme-issuer":
      return settings.acme !== undefined && has("cert-manager");
    case "wildcard-certificate":
      return settings.acme !== undefined && settings.ingress !== undefined && has("cert-manager");
    case "push-endpoints":
      return settings.ingress !== undefined && has("kube-prometheus-stack", "loki");
  }
}

/**
 * Every step of the installed presets, each after the steps it needs and otherwise in the
 * seed's order. Where a real dependency crosses the waves it wins: the ingress controller's
 * LoadBalancer Service waits for an address, so the address pool comes before it.
 */
export function platformSteps(settings: PlatformSettings): PlatformStep[] {
  const ingress = settings.ingress?.controller ?? "ingress-nginx";
  const configs = Object.entries(configStepNeeds(ingress, settings.loadBalancerPool?.provider))
    .filter(([step]) => configStepApplies(step as ConfigStep, settings))
    .map(([step, needs]): ConfigPlan => ({ kind: "config", step: step as ConfigStep, needs }));
  const seedOrder = Object.values(WAVES).flat();
  const steps = [...platformReleases(settings), ...configs].sort((a, b) => seedOrder.indexOf(a.step) - seedOrder.indexOf(b.step));
  return topologicalOrder(steps, (step) => step.step, (step) => step.needs);
}

/**
 * The release the platform installs as the cluster's CNI, which every other release waits
 * for: Cilium, or the custom release `homeops:talos.cni` names (by its key). Until it runs
 * the nodes are NotReady, no pod of any other release can be scheduled or get an address,
 * and Pulumi would wait for their readiness in vain.
 */
export function cniStep(settings: Pick<PlatformSettings, "cni" | "cniRelease">): string | undefined {
  return settings.cni ? "cilium" : settings.cniRelease;
}

/** Every preset release installed: Cilium first when it is the CNI, and each other after the CNI the platform installs. */
export function platformReleases(settings: PlatformSettings): ReleasePlan[] {
  const { cni } = settings;
  const cilium: ReleasePlan[] = cni
    ? [
        {
          kind: "release",
          step: "cilium",
          namespace: CLUSTER_NAMESPACES.kubeSystem,
          values: ciliumValues(cni, settings.loadBalancerPool),
          // Cilium's operator looks for the Gateway API's CRDs when it starts, and serves no Gateway without them.
          needs: cni.gatewayApi ? ["gateway-api-crds"] : [],
          unkeyedContainers: CILIUM_UNKEYED_CONTAINERS,
        },
      ]
    : [];
  const network = cniStep(settings);
  return [...cilium, ...workloadReleases(settings).map((plan) => (network ? { ...plan, needs: [network, ...plan.needs] } : plan))];
}

/** The installed presets that run on the cluster's network; values are made only for those. */
function workloadReleases(settings: PlatformSettings): ReleasePlan[] {
  const ingress = settings.ingress?.controller ?? "ingress-nginx";
  const release = (step: PlatformRelease, namespace: string, values: () => object, needs: Step[], holdsData = false) => ({ step, plan: () => ({ kind: "release" as const, step, namespace, values: values(), needs, ...(holdsData ? { holdsData } : {}) }) });
  const ingressNamespace = settings.ingress?.namespace ?? ingress;
  return [
    release("cert-manager", NAMESPACES.certManager, certManagerValues, []),
    release("metallb", NAMESPACES.metallb, metallbValues, []),
    // Pulumi waits for the LoadBalancer Service to get its address, which needs the pool.
    release("traefik", ingressNamespace, () => traefikValues(settings), ["address-pool"]),
    release("ingress-nginx", ingressNamespace, () => ingressNginxValues(settings), ["address-pool"]),
    release("rook-ceph", NAMESPACES.rookCeph, rookCephValues, []),
    release("rook-ceph-cluster", NAMESPACES.rookCeph, rookCephClusterValues, ["rook-ceph"], true),
    // Volumes on ceph-block; the operator's webhook certificate from cert-manager; Grafana's ingress.
    release("kube-prometheus-stack", NAMESPACES.monitoring, () => kubePrometheusStackValues(settings), ["rook-ceph-cluster", "cert-manager", ingress]),
    // ServiceMonitor CRDs come with kube-prometheus-stack; Thanos discovers its sidecar.
    release("loki", NAMESPACES.monitoring, () => lokiValues(settings), ["kube-prometheus-stack"]),
    release("thanos", NAMESPACES.monitoring, thanosValues, ["kube-prometheus-stack"]),
    release("tempo", NAMESPACES.monitoring, () => tempoValues(settings), ["kube-prometheus-stack"]),
    release("alloy", NAMESPACES.monitoring, alloyValues, ["loki", "tempo"]),
    release("newt", NAMESPACES.newt, newtValues, []),
    release("argo-cd", NAMESPACES.argocd, () => argoCdValues(settings), [ingress, "wildcard-certificate"]),
  ]
    .filter(({ step }) => installs(settings, step))
    .map(({ plan }) => plan());
}
