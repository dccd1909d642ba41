import { isDefaultDeny, selectorMatches, workloadIsolation } from "../../policy/kubernetes-network-policies";
import { planned, viewOf } from "./harness";

const both = ["Ingress", "Egress"];

describe("isDefaultDeny", () => {
  test.each([
    ["the canonical default deny", { podSelector: {}, policyTypes: both }, true],
    ["empty selector fields", { podSelector: { matchLabels: {}, matchExpressions: [] }, policyTypes: both }, true],
    ["with a narrow DNS egress rule", { podSelector: {}, policyTypes: both, egress: [{ ports: [{ port: 53, protocol: "UDP" }] }] }, true],
    ["with ingress from one namespace", { podSelector: {}, policyTypes: both, ingress: [{ from: [{ namespaceSelector: { matchLabels: { name: "ingress-nginx" } } }] }] }, true],
    ["ingress only", { podSelector: {}, policyTypes: ["Ingress"] }, false],
    ["no policyTypes (Kubernetes reads Ingress only)", { podSelector: {} }, false],
    ["selects some pods only", { podSelector: { matchLabels: { app: "x" } }, policyTypes: both }, false],
    ["selects by expression", { podSelector: { matchExpressions: [{ key: "app", operator: "Exists" }] }, policyTypes: both }, false],
    ["an empty ingress rule allows everything", { podSelector: {}, policyTypes: both, ingress: [{}] }, false],
    ["an egress rule to 0.0.0.0/0", { podSelector: {}, policyTypes: both, egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }] }, false],
    ["an egress rule to ::/0", { podSelector: {}, policyTypes: both, egress: [{ to: [{ ipBlock: { cidr: "::/0" } }] }] }, false],
    ["0.0.0.0/0 minus the LAN is not everything", { podSelector: {}, policyTypes: both, egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["192.168.0.0/16"] } }] }] }, true],
    ["ingress from every namespace", { podSelector: {}, policyTypes: both, ingress: [{ from: [{ namespaceSelector: {} }] }] }, false],
    ["no podSelector", { policyTypes: both }, false],
    ["not a spec", [], false],
  ])("%s: %s", (_, spec, expected) => {
    expect(isDefaultDeny(spec)).toBe(expected);
  });
});

describe("selectorMatches", () => {
  const labels = { app: "web", tier: "front" };
  test.each([
    [{}, true],
    [{ matchLabels: { app: "web" } }, true],
    [{ matchLabels: { app: "web", tier: "back" } }, false],
    [{ matchExpressions: [{ key: "app", operator: "In", values: ["web", "api"] }] }, true],
    [{ matchExpressions: [{ key: "app", operator: "NotIn", values: ["web"] }] }, false],
    [{ matchExpressions: [{ key: "zone", operator: "NotIn", values: ["a"] }] }, true],
    [{ matchExpressions: [{ key: "tier", operator: "Exists" }] }, true],
    [{ matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, false],
    [{ matchExpressions: [{ key: "tier", operator: "Unknown" }] }, false],
    [null, false],
  ])("%j: %s", (selector, expected) => {
    expect(selectorMatches(selector, labels)).toBe(expected);
  });
});

describe("workloadIsolation", () => {
  const deployment = (name: string, namespace: string, app: string) =>
    planned("kubernetes:apps/v1:Deployment", name, { metadata: { name, namespace }, spec: { template: { metadata: { labels: { app } }, spec: { containers: [] } } } });
  const netpol = (name: string, namespace: string, spec: Record<string, unknown>) =>
    planned("kubernetes:networking.k8s.io/v1:NetworkPolicy", name, { metadata: { name, namespace }, spec });

  test("reports the namespace's default deny and the policies that select the pods, per namespace", () => {
    const resources = [
      deployment("web", "apps", "web"),
      deployment("db", "data", "db"),
      netpol("deny", "apps", { podSelector: {}, policyTypes: both }),
      netpol("db-ingress", "data", { podSelector: { matchLabels: { app: "db" } }, ingress: [] }),
      netpol("other-ns", "apps", { podSelector: { matchLabels: { app: "db" } } }),
    ].map(viewOf);
    expect(workloadIsolation(resources).map(({ workload, namespaceDenies, selectedBy }) => [workload, namespaceDenies, selectedBy])).toEqual([
      ["apps/web", true, ["deny (Ingress, Egress)"]],
      ["data/db", false, ["db-ingress (Ingress)"]],
    ]);
  });
});
