import { join } from "node:path";
import { directionViolations, folderCycles, layerOf, relativeImports, sourceFiles, type Import } from "./importGraph";

const ROOT = join(__dirname, "..", "..");
const files = sourceFiles(ROOT);
const imports = relativeImports(ROOT, files);

describe("the repository's imports point down", () => {
  test("every .ts file belongs to a layer", () => {
    expect(files.filter((file) => layerOf(file) === undefined)).toEqual([]);
  });

  test("no import goes against the layers' direction", () => {
    expect(directionViolations(imports)).toEqual([]);
  });

  test("no two folders import each other, directly or around a cycle", () => {
    expect(folderCycles(imports)).toEqual([]);
  });

  test("the scan sees the imports it judges (a broken scanner would pass the tests above)", () => {
    expect(files.length).toBeGreaterThan(150);
    expect(imports).toContainEqual({ file: "config/docker.ts", specifier: "../policy/contract/labels", target: "policy/contract/labels.ts" });
    expect(imports).toContainEqual({ file: "index.ts", specifier: "./stacks", target: "stacks/index.ts" });
  });
});

describe("the checker", () => {
  const edge = (file: string, specifier: string, target: string): Import => ({ file, specifier, target });

  test("names the file and the import of an upward or sideways import", () => {
    expect(
      directionViolations([
        edge("config/docker.ts", "../components/docker-stack/labels", "components/docker-stack/labels.ts"),
        edge("policy/evaluate.ts", "../tools/plan/types", "tools/plan/types.ts"),
        edge("policy/contract/plan.ts", "../values", "policy/values.ts"),
        edge("components/kubernetes-platform/settings.ts", "../../config/checks/platform", "config/checks/platform.ts"),
        edge("scratch.ts", "./stacks", "stacks/index.ts"),
      ]),
    ).toEqual([
      'config/docker.ts imports "../components/docker-stack/labels" (components/docker-stack/labels.ts): config may import only model, policy/contract',
      'policy/evaluate.ts imports "../tools/plan/types" (tools/plan/types.ts): policy may import only policy/contract',
      'policy/contract/plan.ts imports "../values" (policy/values.ts): policy/contract may import only nothing outside policy/contract/',
      'components/kubernetes-platform/settings.ts imports "../../config/checks/platform" (config/checks/platform.ts): config/checks/ is internal to config/',
      'scratch.ts imports "./stacks" (stacks/index.ts): scratch.ts is in no layer; add its folder to test/layers/importGraph.ts',
    ]);
  });

  test("accepts downward imports, imports within a layer and anything from the tests", () => {
    expect(
      directionViolations([
        edge("components/docker-stack/order.ts", "../../model/order", "model/order.ts"),
        edge("tools/plan/cli.ts", "../../policy/evaluate", "policy/evaluate.ts"),
        edge("config/stacks.ts", "./checks/docker", "config/checks/docker.ts"),
        edge("test/policy/vps.test.ts", "../../tools/plan/offlinePreview", "tools/plan/offlinePreview.ts"),
      ]),
    ).toEqual([]);
  });

  test("reports a cycle between capabilities once, with one import per step", () => {
    expect(
      folderCycles([
        edge("components/docker-stack/dockerEstate.ts", "../network-segmentation/networkSegmentation", "components/network-segmentation/networkSegmentation.ts"),
        edge("components/network-segmentation/networkSegmentation.ts", "../docker-stack/labels", "components/docker-stack/labels.ts"),
        edge("components/network-segmentation/networkSegmentation.ts", "../docker-host/dockerHost", "components/docker-host/dockerHost.ts"),
      ]),
    ).toEqual([
      [
        "cycle components/docker-stack -> components/network-segmentation -> components/docker-stack",
        '  components/docker-stack -> components/network-segmentation: components/docker-stack/dockerEstate.ts imports "../network-segmentation/networkSegmentation"',
        '  components/network-segmentation -> components/docker-stack: components/network-segmentation/networkSegmentation.ts imports "../docker-stack/labels"',
      ].join("\n"),
    ]);
  });
});
