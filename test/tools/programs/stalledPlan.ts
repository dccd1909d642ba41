/**
 * `npm run plan` over a program whose apply threw: the resources waiting on that output are
 * never registered, the preview never ends, and nothing is left for the event loop
 * (test/tools/processes.test.ts).
 */
import { planCommand } from "../../../tools/plan/cli";

void planCommand(["vps"], console, () => {
  void Promise.reject(new Error("error serializing property \"machineConfig\": the config generator failed"));
  return new Promise(() => {});
}).then((code) => process.exit(code));
