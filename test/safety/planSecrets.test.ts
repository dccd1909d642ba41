/** The secret checks themselves catch a leak (test/support/planSecrets.ts). */
import * as pulumi from "@pulumi/pulumi";
import { secretFindings, secretValuesOf, type PreviewCapture } from "../support/planSecrets";
import type { Registration } from "../support/previews";
import type { PlannedResource } from "../../policy/contract/plan";
import { planned } from "../support/planned";

const { specialSigKey, specialSecretSig } = pulumi.runtime;
const wrap = (value: unknown) => ({ [specialSigKey]: specialSecretSig, value });
const PASSWORD = "correct-horse-battery-staple";

function recorded({ urn, type, name }: Registration, inputs: Record<string, unknown>): PlannedResource {
  return planned(type, name, inputs, { urn });
}

function capture(sent: Record<string, unknown>, sentAs: Record<string, unknown>): PreviewCapture {
  const password: Registration = { urn: "pw", type: "random:index/randomPassword:RandomPassword", name: "pw", secretOutputs: ["result"], inputs: {}, state: { result: PASSWORD } };
  const app: Registration = { urn: "app", type: "docker:index/container:Container", name: "app", secretOutputs: [], inputs: sent, state: {} };
  const registrations = [password, app];
  return { plan: { project: "p", stack: "s", resources: [recorded(password, {}), recorded(app, sentAs)] }, registrations, secrets: secretValuesOf(registrations, { "homeops:token": "offline-placeholder-for-homeops:token" }) };
}

test("secret values are the declared secret outputs and the config secrets", () => {
  expect(capture({}, {}).secrets.map((secret) => secret.value)).toEqual([PASSWORD, "offline-placeholder-for-homeops:token"]);
});

test("a secret sent and recorded as one is fine", () => {
  expect(secretFindings(capture({ envs: wrap([`PASSWORD=${PASSWORD}`]) }, { envs: "[secret]" }))).toEqual([]);
});

test("a secret sent in plaintext is found, in the sent inputs and in the plan", () => {
  const findings = secretFindings(capture({ envs: [`PASSWORD=${PASSWORD}`] }, { envs: [`PASSWORD=${PASSWORD}`] }));
  expect(findings).toEqual(expect.arrayContaining([expect.stringMatching(/^the plan shows .*pw\.result in plaintext at app input envs\[0\]/), expect.stringMatching(/^app input envs\[0\] carries .* but was not sent as a secret/)]));
});

test("a secret embedded base64-encoded is found", () => {
  const encoded = Buffer.from(PASSWORD).toString("base64");
  expect(secretFindings(capture({ config: `key: ${encoded}` }, { config: `key: ${encoded}` }))).toEqual(expect.arrayContaining([expect.stringMatching(/\(base64\)/)]));
});

test("a secret input the plan does not show as [secret] is found", () => {
  expect(secretFindings(capture({ token: wrap("x") }, { token: "x" }))).toEqual([expect.stringMatching(/app input token was sent as a secret but the plan shows "x"/)]);
});
