/** The ESS client against a FAKE endpoint (test/support/fake-ess.ts) that checks signatures and parameters as the API documents. */
import { EssClient } from "../../../runtime/ess/client";
import { FakeEss } from "../../support/fake-ess";

const credentials = { accessKeyId: "LTAI-test", accessKeySecret: "secret-of-test" };
let fake: FakeEss;
let client: EssClient;

beforeEach(async () => {
  fake = new FakeEss(credentials);
  const endpoint = await fake.start();
  fake.groups.set("asg-bj-h", { minSize: 0, maxSize: 50, desiredCapacity: 4 });
  client = new EssClient({ endpoint, regionId: "cn-beijing", ...credentials });
});
afterEach(() => fake.stop());

describe("the ESS client", () => {
  it("reads a group's bounds and sets its desired capacity, and nothing else", async () => {
    expect(await client.scalingGroup("asg-bj-h")).toEqual({ scalingGroupId: "asg-bj-h", minSize: 0, maxSize: 50, desiredCapacity: 4, totalCapacity: 4 });
    await client.setDesiredCapacity("asg-bj-h", 12);
    expect(fake.groups.get("asg-bj-h")!.desiredCapacity).toBe(12);
    const call = fake.calls.find((c) => c.action === "ModifyScalingGroup")!;
    // Terraform owns min and max: the call carries DesiredCapacity and no bounds.
    expect(call.params).toMatchObject({ ScalingGroupId: "asg-bj-h", DesiredCapacity: "12", RegionId: "cn-beijing", Version: "2014-08-28", Format: "JSON" });
    expect(call.params.MinSize).toBeUndefined();
    expect(call.params.MaxSize).toBeUndefined();
  });

  it("refuses a capacity outside the group's bounds before asking the API", async () => {
    await expect(client.setDesiredCapacity("asg-bj-h", 60, { minSize: 0, maxSize: 50 })).rejects.toThrow("outside its bounds [0, 50]");
    expect(fake.calls).toEqual([]);
    // The API refuses it too when asked without the bounds.
    await expect(client.setDesiredCapacity("asg-bj-h", 60)).rejects.toThrow(/ModifyScalingGroup refused \(HTTP 400, InvalidParameter\)/);
  });

  it("completes a lifecycle action once, with CONTINUE", async () => {
    fake.pendingActions.set("token-1", "ash-scale-in");
    await client.completeLifecycleAction("ash-scale-in", "token-1");
    expect(fake.completed).toEqual([{ hookId: "ash-scale-in", token: "token-1", result: "CONTINUE" }]);
    await expect(client.completeLifecycleAction("ash-scale-in", "token-1")).rejects.toMatchObject({ code: "InvalidLifecycleActionToken.NotFound" });
  });

  it("is refused with a wrong secret, a replayed nonce or an old timestamp, as the API documents", async () => {
    const wrong = new EssClient({ ...client.config, accessKeySecret: "not-the-secret" });
    await expect(wrong.scalingGroup("asg-bj-h")).rejects.toMatchObject({ code: "SignatureDoesNotMatch", statusCode: 400 });
    const post = (params: Record<string, string>) => fetch(`${client.config.endpoint}/`, { method: "POST", body: new URLSearchParams(params) }).then((r) => r.json() as Promise<{ Code?: string }>);
    const once = client.signedParams("DescribeScalingGroups", { "ScalingGroupIds.1": "asg-bj-h" }, new Date(), "nonce-1");
    expect((await post(once)).Code).toBeUndefined();
    expect((await post(once)).Code).toBe("SignatureNonceUsed");
    const old = client.signedParams("DescribeScalingGroups", {}, new Date(Date.now() - 20 * 60_000), "nonce-2");
    expect((await post(old)).Code).toBe("InvalidTimeStamp.Expired");
  });
});
