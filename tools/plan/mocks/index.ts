import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { derivedBytes, randomMockState } from "./random";
import { tlsMockState } from "./tls";

/**
 * Stand-ins for the providers during the offline preview. Each resource echoes its
 * inputs, plus believable computed outputs derived from its type and name, so two runs
 * produce the same plan.
 */
export const offlineMocks: pulumi.runtime.Mocks = {
  newResource({ type, name, inputs }) {
    const seed = `${type}::${name}`;
    const computed = randomMockState(type, seed, inputs) ?? tlsMockState(type, name, inputs) ?? providerOutputs(type, seed, inputs);
    return { id: `${name}-${derivedBytes(seed, 4).toString("hex")}`, state: { ...inputs, ...computed } };
  },
  call({ token }) {
    throw new Error(`the offline preview has no stand-in for the function ${token}; it cannot be previewed offline`);
  },
};

function providerOutputs(type: string, seed: string, inputs: Record<string, any>): Record<string, unknown> {
  switch (type) {
    case "docker:index/remoteImage:RemoteImage": {
      const digest = createHash("sha256").update(seed).digest("hex");
      return { imageId: `sha256:${digest}`, repoDigest: `${String(inputs.name).split(/[:@]/)[0]}@sha256:${digest}` };
    }
    default:
      return {};
  }
}
