import { parseQuantity } from "../../policy/quantity";

describe("parseQuantity", () => {
  test.each([
    ["128Mi", 128 * 2 ** 20],
    ["1Gi", 2 ** 30],
    ["1.5Gi", 1.5 * 2 ** 30],
    ["2Ki", 2048],
    ["1Ti", 2 ** 40],
    ["1Pi", 2 ** 50],
    ["1Ei", 2 ** 60],
    ["1k", 1e3],
    ["1M", 1e6],
    ["1G", 1e9],
    ["1T", 1e12],
    ["1P", 1e15],
    ["1E", 1e18], // exa, not an exponent
    ["1e3", 1e3],
    ["1E3", 1e3],
    ["5e-1", 0.5],
    ["1e+2", 100],
    ["500m", 0.5],
    ["250u", 250e-6],
    ["3n", 3e-9],
    ["+1Mi", 2 ** 20],
    [".5Gi", 0.5 * 2 ** 30],
    ["1.Gi", 2 ** 30],
    ["268435456", 268435456],
    ["0", 0],
    ["-1Mi", -(2 ** 20)],
  ])("%s is %d", (input, value) => {
    const result = parseQuantity(input);
    expect(result.ok).toBe(true);
    expect(result.ok && result.value).toBeCloseTo(value, 20);
  });

  test("numbers from YAML are taken as they are", () => {
    expect(parseQuantity(1073741824)).toEqual({ ok: true, value: 1073741824 });
    expect(parseQuantity(Number.NaN).ok).toBe(false);
  });

  test.each(["1asdf", "1K", "1e", "1 Mi", "Mi1", "1.5.5", "1Mb", "", "1Gi "])("%j is not a quantity", (input) => {
    const result = parseQuantity(input);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(input === "" ? /empty/ : /is not a Kubernetes quantity/);
  });
});
