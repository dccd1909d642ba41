import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { derivedBytes, randomMockState } from "./random";
import { stackReferenceOutputs } from "./stackReference";
import { tlsMockState } from "./tls";

/**
 * Stand-ins for the providers during the offline preview. Each resource echoes its
 * inputs, plus believable computed outputs derived from its type and name, so two runs
 * produce the same plan.
 */
export const offlineMocks: pulumi.runtime.Mocks = {
  async newResource({ type, name, inputs }) {
    const seed = `${type}::${name}`;
    // Secret inputs (a CA's key handed to the certificates it signs) arrive wrapped; the
    // stand-ins compute from their values. The SDKs mark the matching outputs secret again.
    const plain = Object.fromEntries(Object.entries(inputs).map(([key, value]) => [key, pulumi.runtime.unwrapRpcSecret(value)]));
    const computed = randomMockState(type, seed, plain) ?? (await tlsMockState(type, name, plain)) ?? providerOutputs(type, seed, plain);
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
    case "aws:route53/zone:Zone": {
      const zoneId = `Z${derivedBytes(seed, 10).toString("hex").toUpperCase().slice(0, 19)}`;
      return { zoneId, arn: `arn:aws:route53:::hostedzone/${zoneId}`, nameServers: [1, 2, 3, 4].map((n) => `ns-${n}.awsdns-offline.example`) };
    }
    case "aws:iam/user:User":
      return { arn: `arn:aws:iam::000000000000:user${inputs.path ?? "/"}${inputs.name}` };
    case "aws:iam/accessKey:AccessKey":
      return { secret: derivedBytes(seed, 30).toString("base64") };
    case "cloudflare:index/zone:Zone":
      return { nameServers: ["offline-1.ns.cloudflare.com", "offline-2.ns.cloudflare.com"] };
    case "pulumi:pulumi:StackReference":
      return { outputs: stackReferenceOutputs(String(inputs.name)), secretOutputNames: [] };
    // Proxmox: what the API and the guest agent report once the guests run.
    case "proxmoxve:index/vmLegacy:VmLegacy": {
      const devices: { macAddress?: string }[] = inputs.networkDevices ?? [];
      const agent = inputs.agent?.enabled === true;
      return {
        macAddresses: devices.map((device, index) => device.macAddress ?? proxmoxMacAddress(`${seed}#${index}`)),
        ipv4Addresses: agent ? [["127.0.0.1"], ...staticAddresses(inputs).map((address) => [address])] : [],
        networkInterfaceNames: agent ? ["lo", ...devices.map((_, index) => `ens${18 + index}`)] : [],
      };
    }
    case "proxmoxve:index/containerLegacy:ContainerLegacy": {
      const addresses = staticAddresses(inputs);
      return { ipv4: Object.fromEntries((inputs.networkInterfaces ?? []).map((nic: { name: string }, index: number) => [nic.name, addresses[index]])) };
    }
    case "proxmoxve:index/fileLegacy:FileLegacy":
      return { fileName: inputs.sourceRaw?.fileName };
    default:
      return {};
  }
}

/** A guest's static IPv4 addresses from its cloud-init/initialization settings, without prefix length. */
function staticAddresses(inputs: Record<string, any>): string[] {
  return (inputs.initialization?.ipConfigs ?? []).map((ip: { ipv4?: { address?: string } }) => String(ip.ipv4?.address ?? "dhcp").split("/")[0]);
}

/** Proxmox generates MACs under its own OUI, BC:24:11. */
function proxmoxMacAddress(seed: string): string {
  return ["bc", "24", "11", ...[...derivedBytes(seed, 3)].map((byte) => byte.toString(16).padStart(2, "0"))].join(":");
}
