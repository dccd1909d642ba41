/**
 * A program run (its own process: the SDK rejects several promises for one error, as a real
 * run does) that resolves a VPS address through a StackReference to a deployed vps stack which
 * exports no `dockerHosts`. Prints the first error's message and exits 1, like the runtime.
 */
import * as pulumi from "@pulumi/pulumi";
import { vpsAddressResolver } from "../../../components/dns/vpsAddresses";

process.on("unhandledRejection", (error) => {
  console.error((error as Error).message);
  process.exit(1);
});
pulumi.runtime.setMocks(
  {
    newResource: ({ type, name, inputs }) => ({ id: name, state: type === "pulumi:pulumi:StackReference" ? { ...inputs, outputs: { other: 1 }, secretOutputNames: [] } : inputs }),
    call: () => ({}),
  },
  "homeops",
  "homelab",
  true,
);
vpsAddressResolver({ fromStack: "organization/homeops/vps" }, {})("racknerd-aegis").apply((address) => console.log(address));
