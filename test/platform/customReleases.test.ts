import { mergeValues, withValueAt } from "../../components/kubernetes-platform/customReleases";
import { platformPolicyAllowances } from "../../config/platform";
import { valuesPathSegments } from "../../config/platformReleases";

describe("secret values placed into a release's values", () => {
  test("a dotted path reads numbers as list positions; a list keeps keys that hold dots", () => {
    expect(valuesPathSegments("env.0.value")).toEqual(["env", 0, "value"]);
    expect(valuesPathSegments(["configs", "cm", "oidc.config"])).toEqual(["configs", "cm", "oidc.config"]);
  });

  test("the value lands at its path, beside what is there, and the original is left as it was", () => {
    const values = { env: [{ name: "CF_API_TOKEN" }, { name: "OTHER", value: "x" }], provider: { name: "cloudflare" } };
    const merged = withValueAt(values, ["env", 0, "value"], "token");
    expect(merged).toEqual({ env: [{ name: "CF_API_TOKEN", value: "token" }, { name: "OTHER", value: "x" }], provider: { name: "cloudflare" } });
    expect(values.env[0]).toEqual({ name: "CF_API_TOKEN" });
  });

  test("missing maps and lists on the way are created", () => {
    expect(withValueAt({}, ["configs", "cm", "oidc.config"], "v")).toEqual({ configs: { cm: { "oidc.config": "v" } } });
    expect(withValueAt(undefined, ["extraEnv", 1, "value"], "v")).toEqual({ extraEnv: [undefined, { value: "v" }] });
  });
});

test("the policy pack's allowances are the presets' and every custom release's together", () => {
  const allowances = platformPolicyAllowances({
    policyAllowances: { hostNetwork: ["kube-system/cilium"], unfencedWorkloads: [] },
    releases: {
      metallb: { policyAllowances: { hostNetwork: ["metallb-system/metallb-speaker"], unfencedWorkloads: [{ workload: "metallb-system/metallb-speaker", reason: "r" }] } },
      podinfo: {},
    } as never,
  });
  expect(allowances).toEqual({ hostNetwork: ["kube-system/cilium", "metallb-system/metallb-speaker"], unfencedWorkloads: [{ workload: "metallb-system/metallb-speaker", reason: "r" }] });
});

test("a values file is under the inline values: maps merged key by key, the inline side winning, lists replaced", () => {
  const file = { grafana: { ingress: { enabled: true, hosts: ["a"] }, admin: { existingSecret: "x" } }, crds: { enabled: false } };
  expect(mergeValues(file, { grafana: { ingress: { hosts: ["b"] } }, replicas: 2 })).toEqual({
    grafana: { ingress: { enabled: true, hosts: ["b"] }, admin: { existingSecret: "x" } },
    crds: { enabled: false },
    replicas: 2,
  });
  expect(file.grafana.ingress.hosts).toEqual(["a"]);
});
