/**
 * The safety checks every stack's offline plan must pass: no secret in plaintext and every
 * input carrying one sent as a secret; every stateful resource protected or retained. Each
 * stack has a file calling this on its shared offline preview (test/support/previews.ts).
 */
import { previewCapturingSecrets, secretFindings, secretInputCount, type PreviewCapture } from "../support/planSecrets";
import { isKept, statefulResources, type StatefulCategory } from "./stateful";

export interface PlanSafetyExpectations {
  stack: string;
  /** Another stack settings file than `Pulumi.<stack>.yaml`. */
  configFile?: string;
  /** The kinds of stateful resource the estate has (the estate inventory). */
  categories: StatefulCategory[];
  /** Whether the stack generates secrets (a stack that only adopts existing ones has none). */
  generatesSecrets: boolean;
}

export function planSafetySuite({ stack, configFile, categories, generatesSecrets }: PlanSafetyExpectations): void {
  let capture: PreviewCapture;
  beforeAll(async () => {
    capture = await previewCapturingSecrets(stack, configFile);
  });

  describe(`secrets in the ${stack} plan`, () => {
    test("there are secrets to look for: generated ones, config secrets, and inputs carrying them", () => {
      const fromConfig = capture.secrets.filter((secret) => secret.source.startsWith("config secret"));
      expect(capture.secrets.length - fromConfig.length > 0).toBe(generatesSecrets);
      expect(fromConfig.length).toBeGreaterThan(0);
      expect(secretInputCount(capture)).toBeGreaterThan(0);
    });

    test("none appears in plaintext, and every input that carries one is secret", () => {
      expect(secretFindings(capture)).toEqual([]);
    });
  });

  describe(`stateful resources of the ${stack} plan are protected or retained`, () => {
    for (const category of categories) {
      test(category, () => {
        const found = statefulResources(capture.plan).filter((stateful) => stateful.category === category);
        expect(found.length).toBeGreaterThan(0);
        expect(found.filter((stateful) => !isKept(stateful.resource)).map((stateful) => `${stateful.resource.type} ${stateful.resource.name}: ${stateful.why}`)).toEqual([]);
      });
    }

    test("every stateful resource found is of a kind the estate is expected to have", () => {
      const kinds = new Set(statefulResources(capture.plan).map((stateful) => stateful.category));
      expect([...kinds].filter((kind) => !categories.includes(kind))).toEqual([]);
    });
  });
}
