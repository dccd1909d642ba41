import * as pulumi from "@pulumi/pulumi";
test("sdk loads", () => { expect(typeof pulumi.runtime.setMocks).toBe("function"); });
