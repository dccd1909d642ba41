/**
 * Which Kubernetes releases each Talos release supports, as data.
 *
 * Source: Talos's support matrix (https://docs.siderolabs.com/talos/v1.13/getting-started/support-matrix
 * for 1.13 and 1.12, https://www.talos.dev/v1.12/introduction/support-matrix for 1.11), which
 * agrees with the constants Talos itself checks (siderolabs/talos,
 * `pkg/machinery/compatibility/talos1NN/talos1NN.go`, Minimum/MaximumKubernetesVersion; 1.8 to
 * 1.10 are taken from there). A new Talos minor needs its row here before a stack may use it.
 */
const KUBERNETES_MINORS_BY_TALOS_MINOR: Readonly<Record<string, { oldest: number; newest: number }>> = {
  "1.13": { oldest: 31, newest: 36 },
  "1.12": { oldest: 30, newest: 35 },
  "1.11": { oldest: 29, newest: 34 },
  "1.10": { oldest: 28, newest: 33 },
  "1.9": { oldest: 27, newest: 32 },
  "1.8": { oldest: 26, newest: 31 },
};

/** Why Kubernetes `kubernetesVersion` cannot run on Talos `talosVersion`, or undefined when it can. */
export function kubernetesSupportIssue(talosVersion: string, kubernetesVersion: string): string | undefined {
  const talosMinor = talosVersion.replace(/^v/, "").split(".").slice(0, 2).join(".");
  const [kubernetesMajor, kubernetesMinor] = kubernetesVersion.replace(/^v/, "").split(".").map(Number);
  const supported = KUBERNETES_MINORS_BY_TALOS_MINOR[talosMinor];
  if (supported === undefined) {
    return `Talos ${talosVersion} is not in the support matrix this program knows (Talos ${Object.keys(KUBERNETES_MINORS_BY_TALOS_MINOR).join(", ")}; config/talosSupport.ts)`;
  }
  if (kubernetesMajor === 1 && kubernetesMinor >= supported.oldest && kubernetesMinor <= supported.newest) return undefined;
  return `Talos ${talosVersion} supports Kubernetes 1.${supported.oldest} to 1.${supported.newest}, not ${kubernetesVersion} (Talos's support matrix)`;
}
