import { z } from "zod";
import { homelabConfigShape, vpsConfigShape } from "../../config/stacks";

/** The paths (`dockerStacks[].containers[]`) of every object schema that would let an unknown key through. */
function lenientObjects(schema: z.core.$ZodType, path: string): string[] {
  const def = schema._zod.def as any;
  switch (def.type) {
    case "object": {
      const own = def.catchall?._zod.def.type === "never" ? [] : [path || "(top level)"];
      return [...own, ...Object.entries(def.shape as Record<string, z.core.$ZodType>).flatMap(([key, child]) => lenientObjects(child, path ? `${path}.${key}` : key))];
    }
    case "array":
      return lenientObjects(def.element, `${path}[]`);
    case "record":
      return lenientObjects(def.valueType, `${path}.*`);
    case "union":
      return (def.options as z.core.$ZodType[]).flatMap((option) => lenientObjects(option, path));
    case "pipe":
      return [...lenientObjects(def.in, path), ...lenientObjects(def.out, path)];
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
      return lenientObjects(def.innerType, path);
    default:
      return [];
  }
}

test.each([
  ["vps", vpsConfigShape],
  ["homelab", homelabConfigShape],
] as const)("every object of the %s stack's schema refuses unknown keys", (_stack, shape) => {
  const objects = Object.entries(shape).flatMap(([key, schema]) => lenientObjects(schema as z.core.$ZodType, key));
  expect(objects).toEqual([]);
});

test("the walk finds a lenient object where there is one", () => {
  expect(lenientObjects(z.object({ a: z.array(z.object({ b: z.string() })).optional() }).strict(), "")).toEqual(["a[]"]);
});
