import { withAutoscaledReplicas } from "../../../runtime/autoscale/replicas";
import { autoscaleStep } from "../../../runtime/autoscale/step";
import { desired, pool } from "../plan/fixtures";
import { feedState, spec, T0 } from "./fixtures";

const watched = { since: T0 - 3_600_000, entries: [] };

describe("an autoscale step", () => {
  it("scales the dependent pool by its ratio in the same step and logs both", () => {
    const before = feedState(3);
    const step = autoscaleStep(before, new Map([["feed-api", { reading: { total: 456, containers: 3 }, history: watched }]]), T0);
    const byName = new Map(step.desired.pools.map((p) => [p.name, p]));
    expect(byName.get("feed-api")).toMatchObject({ replicas: 10, effectiveReplicas: 10 });
    // feed-cache: its own 1 plus ceil(0.2 × 10) = 3.
    expect(byName.get("feed-cache")).toMatchObject({ replicas: 1, effectiveReplicas: 3 });
    expect(step.decisions).toEqual([
      expect.objectContaining({ pool: "feed-api", kind: "scale-out", metric: "requests-per-second", value: 152, target: 50, before: 3, after: 10 }),
      expect.objectContaining({ pool: "feed-cache", kind: "dependency", before: 2, after: 3, why: "dependency ratio: feed-api 3 → 10 with ratio 0.2" }),
    ]);
  });

  it("logs nothing and changes nothing when every pool holds", () => {
    const before = feedState(3);
    const step = autoscaleStep(before, new Map([["feed-api", { reading: { total: 150, containers: 3 }, history: watched }]]), T0);
    expect(step.decisions).toEqual([]);
    expect(step.desired).toEqual(before);
    expect(step.rule.get("feed-api")?.kind).toBe("hold");
  });

  it("decides a pool after the dependents that add to it", () => {
    // feed-cache is autoscaled too: 4 containers of load, of which feed-api's ratio adds ceil(0.2 × 10) = 2.
    const base = feedState(3);
    const cache = { ...base.pools[1], autoscale: spec({ min: 1, max: 10, target: 100 }) };
    const step = autoscaleStep(desired([base.pools[0], cache]), new Map([
      ["feed-api", { reading: { total: 456, containers: 3 }, history: watched }],
      ["feed-cache", { reading: { total: 400, containers: 2 }, history: watched }],
    ]), T0);
    expect(step.desired.pools.find((p) => p.name === "feed-cache")).toMatchObject({ replicas: 2, effectiveReplicas: 4 });
  });
});

describe("the replicas a deploy runs with", () => {
  it("keeps the controller's replicas within the pool's current bounds", () => {
    const d = feedState(3, { min: 2, max: 8 });
    expect(withAutoscaledReplicas(d, new Map([["feed-api", 6]])).pools.map((p) => [p.name, p.replicas, p.effectiveReplicas])).toEqual([["feed-api", 6, 6], ["feed-cache", 1, 3]]);
    expect(withAutoscaledReplicas(d, new Map([["feed-api", 12]])).pools[0].replicas).toBe(8);
    expect(withAutoscaledReplicas(d, new Map()).pools[0].replicas).toBe(3);
  });

  it("leaves pools without autoscale as declared", () => {
    const d = desired([pool("remind-api", { replicas: 4 })]);
    expect(withAutoscaledReplicas(d, new Map([["remind-api", 9]]))).toEqual(d);
  });
});
