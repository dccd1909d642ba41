import { spawnTool } from "../support/runCli";

test("a referenced stack without the dockerHosts output gets the program's message, not the SDK's", async () => {
  const run = await spawnTool("test/dns/programs/missingStackOutput.ts", []);
  expect([run.status, run.stderr.trim()]).toEqual([
    1,
    'the stack organization/homeops/vps exports no IPv4 address for Docker host "racknerd-aegis" (output dockerHosts.racknerd-aegis.address); deploy it, or set homeops:dns.vpsAddresses to {fromConfig: {racknerd-aegis: <address>}}',
  ]);
});
