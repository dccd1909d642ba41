import { chartReference } from "../../components/kubernetes-platform/helmRelease";
import { platformReleases, platformSteps, WAVES } from "../../components/kubernetes-platform/releases";
import { platformSettings } from "../../components/kubernetes-platform/settings";
import { specTable } from "../support/specTables";
import { presetPlatform, presetSettings } from "./settings";

const FLANNEL = { name: "flannel" } as const;

const steps = platformSteps(presetSettings());
const order: string[] = steps.map((step) => step.step);

describe("release order", () => {
  test("every step comes after the steps it needs", () => {
    steps.forEach((step, index) => {
      for (const need of step.needs) expect({ step: step.step, need, before: order.indexOf(need) < index && order.includes(need) }).toEqual({ step: step.step, need, before: true });
    });
  });

  test("the cluster's network, then the seed's waves: controllers, configs, then monitoring 1, 2, 3", () => {
    const wave = (step: string) => Object.entries(WAVES).findIndex(([, members]) => (members as string[]).includes(step));
    const monitoring = order.filter((step) => wave(step) >= 3 && wave(step) <= 5);
    expect(monitoring).toEqual(["kube-prometheus-stack", "loki", "thanos", "tempo", "alloy"]);
    // The cluster's network first; one real dependency crosses the waves: the ingress controller's LoadBalancer waits for an address from the pool.
    expect(order.slice(0, 7)).toEqual(["cilium", "cert-manager", "metallb", "address-pool", "ingress-nginx", "rook-ceph", "acme-issuer"]);
    expect(order.indexOf("rook-ceph-cluster")).toBeLessThan(order.indexOf("kube-prometheus-stack"));
  });

  test("only true dependencies: independent releases need nothing but the cluster's network", () => {
    const needs = Object.fromEntries(steps.map((step) => [step.step, step.needs]));
    expect(needs.cilium).toEqual([]);
    expect(needs["cert-manager"]).toEqual(["cilium"]);
    expect(needs.metallb).toEqual(["cilium"]);
    expect(needs["rook-ceph"]).toEqual(["cilium"]);
    expect(needs.newt).toEqual(["cilium"]);
    expect(needs.alloy).toEqual(["cilium", "loki", "tempo"]);
    // Configuration objects need their controllers, which need Cilium.
    expect(needs["acme-issuer"]).toEqual(["cert-manager"]);
  });

  test("Cilium is the first release, in kube-system, and every other release needs it", () => {
    const releases = platformReleases(presetSettings());
    const [first, ...others] = releases;
    expect(first).toMatchObject({ step: "cilium", namespace: "kube-system", needs: [] });
    expect(others.length).toBeGreaterThan(0);
    for (const release of others) expect({ release: release.step, needsCilium: release.needs.includes("cilium") }).toEqual({ release: release.step, needsCilium: true });
    expect(order[0]).toBe("cilium");
    // Its chart renders a container with no resources key (the agent's `config` init container): it gets a memory limit all the same.
    expect(first.unkeyedContainers?.limits.memory).toBeTruthy();
  });

  test("with Talos's Flannel, or a cluster from another kubeconfig, the platform installs no CNI", () => {
    const flannel = platformSteps(presetSettings(undefined, FLANNEL));
    expect(flannel.map((step) => step.step)).not.toContain("cilium");
    expect(flannel.find((step) => step.step === "cert-manager")!.needs).toEqual([]);
    const external = platformSettings({ ...presetPlatform(), kubeconfig: { path: "~/.kube/config" } }, "example.com", { name: "cilium", kubeProxyReplacement: true });
    expect(external.cni).toBeUndefined();
    expect(platformReleases(external).map((release) => release.step)).not.toContain("cilium");
  });

  test("a custom release as the CNI: no Cilium, and every preset release waits for that release (configuration objects for their controllers)", () => {
    const calico = presetSettings(undefined, { name: "custom", release: "calico" });
    expect(calico).toMatchObject({ cniRelease: "calico" });
    expect(calico.cni).toBeUndefined();
    const custom = platformSteps(calico);
    expect(custom.map((step) => step.step)).not.toContain("cilium");
    const releases = custom.filter((step) => step.kind === "release");
    expect(releases.length).toBeGreaterThan(5);
    for (const release of releases) expect({ release: release.step, first: release.needs[0] }).toEqual({ release: release.step, first: "calico" });
    expect(custom.find((step) => step.step === "alloy")!.needs).toEqual(["calico", "loki", "tempo"]);
    expect(custom.find((step) => step.step === "acme-issuer")!.needs).toEqual(["cert-manager"]);
    // Only on the cluster this stack builds: another kubeconfig's cluster has its network already.
    const external = platformSettings({ ...presetPlatform(), kubeconfig: { path: "~/.kube/config" } }, "example.com", { name: "custom", release: "calico" });
    expect(external.cniRelease).toBeUndefined();
    expect(platformSteps(external).find((step) => step.step === "cert-manager")!.needs).toEqual([]);
  });

  test("choosing Traefik installs it instead of ingress-nginx, in the same place", () => {
    const traefik = platformSteps(presetSettings("traefik")).map((step) => step.step);
    expect(traefik).toContain("traefik");
    expect(traefik).not.toContain("ingress-nginx");
    expect(traefik.indexOf("address-pool")).toBeLessThan(traefik.indexOf("traefik"));
  });
});

describe("chart sources", () => {
  test("an HTTP repository is a repository option; an OCI registry makes the chart reference", () => {
    expect(chartReference({ chart: "loki", repository: "https://grafana.github.io/helm-charts", version: "6.54.0" })).toEqual({
      chart: "loki",
      repositoryOpts: { repo: "https://grafana.github.io/helm-charts" },
    });
    expect(chartReference({ chart: "thanos", repository: "oci://registry-1.docker.io/bitnamicharts", version: "17.3.1" })).toEqual({
      chart: "oci://registry-1.docker.io/bitnamicharts/thanos",
    });
  });

  test("the committed charts are the spec's, each pinned inside the spec's version line", () => {
    const charts = presetPlatform().charts;
    const rows = specTable("Platform Helm releases (chart, version line, repository):");
    // The spec's twelve; Cilium, the CNI, is this program's addition (homeops:talos.cni).
    expect(rows).toHaveLength(12);
    expect(charts.cilium).toMatchObject({ chart: "cilium", repository: "https://helm.cilium.io" });
    const releases = platformReleases(presetSettings());
    for (const [release, namespace, chartCell, repositoryCell] of rows) {
      const source = charts[release as keyof typeof charts];
      if (!source) throw new Error(`no chart for ${release}`);
      // "cert-manager 1.21.x", "bitnami thanos 17.x", "85.x", "tempo 1.x", "newt 1.1.0"
      const line = chartCell.split(" ").pop()!.replace(/\.x$/, "").replace(/^v/, "");
      expect({ release, version: source.version.replace(/^v/, "").startsWith(`${line}.`) || source.version === line }).toEqual({ release, version: true });
      const repository = repositoryCell.startsWith("http") || repositoryCell.startsWith("oci") ? repositoryCell : repositoryCell === "same" ? charts["rook-ceph"]!.repository : "https://grafana.github.io/helm-charts";
      expect({ release, repository: source.repository }).toEqual({ release, repository: repository.replace(/\/$/, "") });
      expect({ release, namespace: releases.find((plan) => plan.step === release)?.namespace }).toEqual({ release, namespace });
    }
  });
});
