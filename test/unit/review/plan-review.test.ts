import Ajv from "ajv";
import addFormats from "ajv-formats";
import { loadPrices, EXAMPLE_PRICES_FILE } from "../../../cost/prices";
import { DEFAULT_BURST_RATES, LOCAL_BURST_RATES } from "../../../model/burst-time";
import { Profile } from "../../../model/profile";
import { loadPolicyConfig, PolicyConfig } from "../../../policies";
import { buildPlanReview, skippedRuntime } from "../../../review/plan-review";
import { PlanReview, SynthSnapshot } from "../../../review/types";
import schema from "../../../schema/plan.schema.json";
import { examplePools, snapshot } from "./scenario";

const prices = loadPrices();
const policies = loadPolicyConfig();

function review(base: SynthSnapshot, head: SynthSnapshot, overrides = new Map<string, string>(), policyConfig: PolicyConfig = policies, profile: Profile = "cloud"): PlanReview {
  return buildPlanReview({
    base,
    head,
    profile,
    prices,
    priceFile: EXAMPLE_PRICES_FILE,
    policies: policyConfig,
    overrides,
    runtime: skippedRuntime("no Consul in unit tests"),
    now: new Date("2026-01-01T00:00:00Z"),
  });
}

const pool = (r: PlanReview, name: string) => r.pools.find((p) => p.pool === name)!;
const fleet = (r: PlanReview, name: string) => r.fleets.find((f) => f.fleet === name)!;
const validate = addFormats(new Ajv({ allErrors: true, strict: false })).compile(schema);

describe("plan between two revisions", () => {
  const base = snapshot("main", examplePools());

  test("identical revisions: no changes, exit 0", () => {
    const r = review(base, snapshot("head", examplePools()));
    expect(r.changed).toBe(false);
    expect(r.exitCode).toBe(0);
    expect(r.pools.every((p) => p.change === "unchanged")).toBe(true);
    expect(r.resources.items).toEqual([]);
    expect(r.cost.total.delta).toEqual({ hourly: 0, monthly: 0 });
  });

  test("scale-out: replicas, dependency-ratio effect, hosts, resources and cost", () => {
    const r = review(base, snapshot("head", examplePools({ "feed-api": { replicas: 150 } })));
    expect(pool(r, "feed-api")).toMatchObject({ change: "changed", replicas: { base: 120, head: 150, delta: 30 }, changedFields: ["replicas"] });
    // ceil(0.2 × 120) = 24 → ceil(0.2 × 150) = 30: feed-cache grows without a change of its own.
    expect(pool(r, "feed-cache")).toMatchObject({ change: "changed", replicas: { delta: 0 }, effectiveReplicas: { base: 24, head: 30, delta: 6 }, changedFields: [] });
    expect(pool(r, "hongbao-api").change).toBe("unchanged");
    // bj-standard (16 cores): base 12 cache + 30 feed-api + 10 hongbao hosts + 2 buffer = 54;
    // head 15 cache hosts + 190 four-core containers on 48 hosts + 2 buffer = 65.
    expect(fleet(r, "bj-standard").desiredHosts).toEqual({ base: 54, head: 65, delta: 11 });
    expect(fleet(r, "yf-standard").change).toBe("unchanged");
    // 11 more ecs.c7.4xlarge PostPaid at 3.20/hour (example price), 730 hours a month.
    expect(r.cost.total.delta).toEqual({ hourly: 35.2, monthly: 25696 });
    expect(r.resources.counts).toEqual({ create: 0, update: 1, delete: 0, replace: 0 });
    const sg = r.resources.items[0];
    expect(sg).toMatchObject({ address: "alicloud_ess_scaling_group.bj-standard", action: "update", stack: "dcp" });
    expect(sg.attributes).toEqual(expect.arrayContaining([{ path: "desired_capacity", before: 54, after: 65 }]));
    expect(r.exitCode).toBe(2);
    expect(r.policies.find((p) => p.policy === "max-step")!.status).toBe("pass");
  });

  test("scale-out: the burst time by phase, judged by the burst-time policy", () => {
    const r = review(base, snapshot("head", examplePools({ "feed-api": { replicas: 150 } })));
    // 11 new bj-standard hosts (one RunInstances call); 30 feed-api + 6 feed-cache containers
    // spread over those and the 3 buffer hosts: at most 3 per host, 1.5 s each.
    expect(r.burst.change).toEqual({ newHostsByGroup: { "bj-standard": 11 }, newContainers: 36, maxContainersPerHost: 3 });
    expect(r.burst.phases).toEqual([
      { phase: "hosts", seconds: 18 },
      { phase: "bootstrap", seconds: 30 },
      { phase: "pull", seconds: 4 },
      { phase: "containers", seconds: 4.5 },
      { phase: "serve", seconds: 6 },
    ]);
    expect(r.burst.summary).toBe("about 1 min: hosts 0:18, bootstrap 0:30, pull 0:04, containers 0:05, serve 0:06");
    expect(r.burst.rates).toEqual(DEFAULT_BURST_RATES);
    expect(r.policies.find((p) => p.policy === "burst-time")!.status).toBe("pass");
  });

  test("the policy file's burst assumptions change the estimate, and a limit below it blocks", () => {
    const slow: PolicyConfig = { policies: { "burst-time": { severity: "error", maxMinutes: 2 } as PolicyConfig["policies"][string] }, burst: { ...DEFAULT_BURST_RATES, bootstrapSeconds: 120 } };
    const r = review(base, snapshot("head", examplePools({ "feed-api": { replicas: 150 } })), new Map(), slow);
    expect(r.burst.phases.find((p) => p.phase === "bootstrap")!.seconds).toBe(120);
    expect(r.burst.totalSeconds).toBe(18 + 120 + 4 + 4.5 + 6);
    expect(r.policies).toEqual([{ policy: "burst-time", severity: "error", status: "fail", violations: [expect.stringMatching(/^the scale-out takes about 3 min: hosts 0:18, bootstrap 2:00, .* \(limit 2 min\)/)] }]);
    expect(r.exitCode).toBe(1);
  });

  test("the local profile's estimate starts from the local fleet's rates; the policy file's burst overrides them too", () => {
    const head = snapshot("head", examplePools({ "feed-api": { replicas: 150 } }));
    expect(review(base, head, new Map(), policies, "local").burst.rates).toEqual(LOCAL_BURST_RATES);
    expect(review(base, head, new Map(), { ...policies, burst: { bootstrapSeconds: 9 } }, "local").burst.rates).toEqual({ ...LOCAL_BURST_RATES, bootstrapSeconds: 9 });
  });

  test("no new hosts or containers: no burst", () => {
    const r = review(base, snapshot("head", examplePools({ "feed-api": { replicas: 100 } })));
    expect(r.burst).toMatchObject({ totalSeconds: 0, phases: [], summary: "none", change: { newHostsByGroup: {}, newContainers: 0 } });
  });

  test("cost shares add up: pools plus unallocated equal the total, owners equal pools", () => {
    const r = review(base, snapshot("head", examplePools({ "feed-api": { replicas: 150 } })));
    const poolSum = r.cost.byPool.reduce((a, p) => a + p.head.monthly, 0);
    const ownerSum = r.cost.byOwner.reduce((a, o) => a + o.head.monthly, 0);
    expect(poolSum).toBeCloseTo(r.cost.total.head.monthly, 0);
    expect(ownerSum).toBeCloseTo(poolSum, 0);
    // feed-team pays for feed-cache too: it is their pool's dependency and their owner.
    const feedTeam = r.cost.byOwner.find((o) => o.owner === "feed-team")!;
    expect(feedTeam.delta.monthly).toBeGreaterThan(0);
    expect(r.cost.byOwner.find((o) => o.owner === "hongbao-team")!.delta.monthly).toBeLessThan(1000);
  });

  test("new pool: added, its hosts and its cost", () => {
    const head = snapshot("head", [...examplePools(), { name: "search-api", type: "dP04", replicas: 10, owner: "search-team" }]);
    const r = review(base, head);
    const p = pool(r, "search-api");
    expect(p).toMatchObject({ change: "added", replicas: { base: 0, head: 10, delta: 10 }, containerType: { head: "dP04" } });
    // dP04 is a whole 16-core host: 10 more hosts.
    expect(fleet(r, "bj-standard").desiredHosts.delta).toBe(10);
    expect(p.cost.head.monthly).toBeGreaterThan(0);
    expect(r.cost.byOwner.find((o) => o.owner === "search-team")).toMatchObject({ base: { monthly: 0 } });
  });

  test("removed pool: removed, hosts and cost go down", () => {
    const r = review(base, snapshot("head", examplePools().filter((p) => p.name !== "hongbao-api")));
    expect(pool(r, "hongbao-api")).toMatchObject({ change: "removed", replicas: { base: 40, head: 0, delta: -40 } });
    expect(fleet(r, "bj-standard").desiredHosts.delta).toBe(-10);
    expect(pool(r, "hongbao-api").cost.head.monthly).toBe(0);
    expect(r.cost.total.delta.monthly).toBeCloseTo(-10 * 3.2 * 730, 2);
  });

  test("instance type change: fallback order in the resource diff, price of the new first type", () => {
    const head = snapshot("head", examplePools(), { instanceTypes: ["ecs.c6.4xlarge", "ecs.c7.4xlarge", "ecs.c8i.4xlarge"] });
    const r = review(base, head);
    const f = fleet(r, "bj-standard");
    expect(f.change).toBe("changed");
    expect(f.desiredHosts.delta).toBe(0);
    expect(f.instanceTypes.head[0]).toBe("ecs.c6.4xlarge");
    const conf = r.resources.items.find((i) => i.address === "alicloud_ess_scaling_configuration.bj-standard")!;
    expect(conf.attributes).toEqual([
      { path: "instance_types.0", before: "ecs.c7.4xlarge", after: "ecs.c6.4xlarge" },
      { path: "instance_types.1", before: "ecs.c6.4xlarge", after: "ecs.c7.4xlarge" },
    ]);
    // 54 hosts × (3.05 − 3.20) per hour.
    expect(r.cost.total.delta.hourly).toBeCloseTo(54 * -0.15, 2);
  });

  test("dependency ratio change: the dependency's effective replicas follow", () => {
    const head = snapshot("head", examplePools({ "feed-api": { dependencies: [{ pool: "feed-cache", ratio: 0.5 }] } }));
    const r = review(base, head);
    expect(pool(r, "feed-api")).toMatchObject({ change: "changed", changedFields: ["dependencies"], replicas: { delta: 0 } });
    expect(pool(r, "feed-cache").effectiveReplicas).toEqual({ base: 24, head: 60, delta: 36 });
    // 36 more eight-core containers, two per host: 18 hosts.
    expect(fleet(r, "bj-standard").desiredHosts.delta).toBe(18);
  });

  test("JSON output validates against schema/plan.schema.json", () => {
    for (const head of [snapshot("head", examplePools({ "feed-api": { replicas: 400 } })), snapshot("head", examplePools().slice(1))]) {
      const r = review(base, head);
      const json = JSON.parse(JSON.stringify(r));
      expect(validate(json)).toBe(true);
      expect(validate.errors ?? []).toEqual([]);
    }
  });

  test("the schema rejects a document that breaks it", () => {
    const json = JSON.parse(JSON.stringify(review(base, base)));
    json.pools.push({ pool: "x" });
    expect(validate(json)).toBe(false);
    const wrongVersion = { ...JSON.parse(JSON.stringify(review(base, base))), version: 2 };
    expect(validate(wrongVersion)).toBe(false);
  });
});
