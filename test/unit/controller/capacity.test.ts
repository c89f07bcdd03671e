/** Buffer refills through ESS against a FAKE endpoint (test/support/fake-ess.ts). */
import { EssClient } from "../../../runtime/ess/client";
import { EssCapacity } from "../../../runtime/controller/capacity";
import { FakeEss } from "../../support/fake-ess";

const credentials = { accessKeyId: "LTAI-test", accessKeySecret: "secret-of-test" };

test("a refill raises desired capacity in zone order within each group's max, and says so", async () => {
  const fake = new FakeEss(credentials);
  const endpoint = await fake.start();
  try {
    fake.groups.set("asg-h", { minSize: 0, maxSize: 10, desiredCapacity: 9 });
    fake.groups.set("asg-i", { minSize: 0, maxSize: 10, desiredCapacity: 2 });
    const regions: string[] = [];
    const capacity = new EssCapacity(
      async () => ({ region: "cn-beijing", scalingGroups: ["asg-h", "asg-i"] }),
      (region) => {
        regions.push(region);
        return new EssClient({ endpoint, regionId: region, ...credentials });
      },
    );
    expect(await capacity.refill("bj-standard", 3)).toBe("ESS desired capacity asg-h 9 → 10, asg-i 2 → 4");
    expect([fake.groups.get("asg-h")!.desiredCapacity, fake.groups.get("asg-i")!.desiredCapacity]).toEqual([10, 4]);
    expect(regions).toEqual(["cn-beijing"]);
    expect(await capacity.refill("bj-standard", 7)).toBe("ESS desired capacity asg-i 4 → 10; 1 host(s) found no room below the groups' max (raise max in the stack)");
  } finally {
    await fake.stop();
  }
});
