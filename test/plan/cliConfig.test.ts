import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../support/tempDirs";
import { cliConfigEnvironment, cliConfigValue, readOfflineConfig } from "../../tools/plan/stackConfig";

describe("configuration as the CLI hands it to the program", () => {
  test("structured values are JSON with every map's keys sorted, lists in order, as Go's encoding/json writes them", () => {
    expect(cliConfigValue({ zeta: { b: 1, a: [3, 1, { y: true, x: null }] }, alpha: "<&>" })).toBe('{"alpha":"\\u003c\\u0026\\u003e","zeta":{"a":[3,1,{"x":null,"y":true}],"b":1}}');
    expect([cliConfigValue("as it is"), cliConfigValue(4096), cliConfigValue(false)]).toEqual(["as it is", "4096", "false"]);
  });

  test("PULUMI_CONFIG names each key <namespace>:config:<name>; PULUMI_CONFIG_SECRET_KEYS lists the secrets by their plain names", () => {
    const dir = tempDir("cli-config-");
    const file = join(dir, "Pulumi.test.yaml");
    writeFileSync(file, "config:\n  homeops:hosts:\n    web: {port: 2}\n    db: {port: 1}\n  homeops:domain: example.com\n  homeops:token:\n    secure: AAABAC\n");
    const environment = cliConfigEnvironment(readOfflineConfig(file, "homeops"));
    expect(environment).toEqual({
      PULUMI_CONFIG: JSON.stringify({
        "homeops:config:domain": "example.com",
        "homeops:config:hosts": '{"db":{"port":1},"web":{"port":2}}',
        "homeops:config:token": "offline-placeholder-for-homeops:token",
      }),
      PULUMI_CONFIG_SECRET_KEYS: '["homeops:token"]',
    });
  });
});
