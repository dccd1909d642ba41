import { homedir } from "node:os";
import { clusterProvider, externalKubeconfig } from "../../components/kubernetes-platform/deployPlatform";
import type { StackSecrets } from "../../components/secrets/stackSecrets";
import { ConfigError } from "../../config/errors";
import { presetPlatform } from "./settings";

const secrets = { resolve: (value: { configSecret: string }) => `resolved ${value.configSecret}` } as unknown as StackSecrets;

test("a kubeconfig file is passed as a path, with ~ expanded for the provider", () => {
  expect(externalKubeconfig({ path: "~/.kube/config" }, secrets)).toBe(`${homedir()}/.kube/config`);
  expect(externalKubeconfig({ path: "/etc/kube/homelab" }, secrets)).toBe("/etc/kube/homelab");
});

test("a kubeconfig config secret is read through the stack's secrets", () => {
  expect(externalKubeconfig({ configSecret: "kubeconfig" }, secrets)).toBe("resolved kubeconfig");
});

test("talos without a Talos cluster in the stack is a configuration error naming the key", () => {
  const attempt = () => clusterProvider({ ...presetPlatform(), kubeconfig: "talos" }, { secrets });
  expect(attempt).toThrow(ConfigError);
  expect(attempt).toThrow(/homeops:platform.kubeconfig: is talos, but this stack builds no Talos cluster/);
});
