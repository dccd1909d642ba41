import { chartReference } from "../../components/kubernetes-platform/helmRelease";
import { platformReleases, platformSteps, WAVES, type Step } from "../../components/kubernetes-platform/releases";
import { specTable } from "../support/specTables";
import { committedPlatform, committedSettings } from "./settings";

const steps = platformSteps(committedSettings());
const order = steps.map((step) => step.step);

describe("release order", () => {
  test("every step comes after the steps it needs", () => {
    steps.forEach((step, index) => {
      for (const need of step.needs) expect({ step: step.step, need, before: order.indexOf(need) < index && order.includes(need) }).toEqual({ step: step.step, need, before: true });
    });
  });

  test("the seed's waves: controllers, configs, then monitoring 1, 2, 3", () => {
    const wave = (step: Step) => Object.entries(WAVES).findIndex(([, members]) => members.includes(step));
    const monitoring = order.filter((step) => wave(step) >= 2 && wave(step) <= 4);
    expect(monitoring).toEqual(["kube-prometheus-stack", "loki", "thanos", "tempo", "alloy"]);
    // One real dependency crosses the waves: the ingress controller's LoadBalancer waits for an address from the pool.
    expect(order.slice(0, 6)).toEqual(["cert-manager", "metallb", "address-pool", "ingress-nginx", "rook-ceph", "acme-issuer"]);
    expect(order.indexOf("rook-ceph-cluster")).toBeLessThan(order.indexOf("kube-prometheus-stack"));
  });

  test("only true dependencies: independent releases need nothing", () => {
    const needs = Object.fromEntries(steps.map((step) => [step.step, step.needs]));
    expect(needs["cert-manager"]).toEqual([]);
    expect(needs.metallb).toEqual([]);
    expect(needs["rook-ceph"]).toEqual([]);
    expect(needs.newt).toEqual([]);
    expect(needs.alloy).toEqual(["loki", "tempo"]);
  });

  test("choosing Traefik installs it instead of ingress-nginx, in the same place", () => {
    const traefik = platformSteps(committedSettings("traefik")).map((step) => step.step);
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
    const charts = committedPlatform().charts;
    const rows = specTable("Platform Helm releases (chart, version line, repository):");
    expect(rows).toHaveLength(12);
    const releases = platformReleases(committedSettings());
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
