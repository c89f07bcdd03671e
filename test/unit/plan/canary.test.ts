/** A canary (update.canary) holds a roll at N instances; --promote rolls on; --abort returns to the recorded old spec. */
import { planChanges } from "../../../runtime/plan/planner";
import { abortRolls, RecordedSpecs, SPECS_KEPT, withSpecs } from "../../../runtime/plan/abort";
import { definingSpec, specHash } from "../../../runtime/plan/spec";
import { DesiredState, PoolSpec } from "../../../model/desired-state";
import { DcpError } from "../../../model/errors";
import { Inventory } from "../../../model/inventory";
import { PlanOptions } from "../../../runtime/plan/types";
import { runtimeOptions } from "../../../cli/runtime-input";
import { renderRuntimePlan } from "../../../cli/commands/plan";
import { containersOf, desired, host, inventory, pool, simulate } from "./fixtures";

function converge(d: DesiredState, inv: Inventory, options: PlanOptions = {}): Inventory {
  let current = inv;
  for (let i = 0; i < 6; i++) {
    const plan = planChanges(d, current, { seed: 7, ...options });
    if (plan.changes.length === 0) return current;
    current = simulate(current, plan.changes);
  }
  throw new Error("plan did not converge");
}

const v1 = pool("web", { replicas: 4, update: { maxSurge: 1, maxUnavailable: 0, canary: 1 } });
const v2: PoolSpec = { ...v1, image: "reg:5000/dcp/demo:2" };
const hosts = () => inventory([1, 2, 3, 4].map((n) => host(n)));
const onSpec = (inv: Inventory, p: PoolSpec) => containersOf(inv, "web").filter((c) => c.specHash === specHash(p)).map((c) => c.instance).sort();
const recorded = (...specs: PoolSpec[]): RecordedSpecs => new Map([["web", Object.fromEntries(specs.map((s) => [specHash(s), definingSpec(s)]))]]);

test("a roll with update.canary 1 moves the lowest instance only, and the plan names the canary and what waits", () => {
  const live = converge(desired([v1]), hosts());
  const plan = planChanges(desired([v2]), live, { seed: 7 });
  expect(plan.changes.filter((c) => c.kind === "create").map((c) => ("instance" in c ? c.instance : ""))).toEqual(["web-00000"]);
  expect(plan.changes.filter((c) => c.kind === "remove")).toHaveLength(1);
  const summary = plan.summary.find((s) => s.pool === "web")!;
  expect(summary.canary).toEqual({ specHash: specHash(v2), instances: ["web-00000"], waiting: 3 });
  expect(summary.upToDate).toBe(1);
  expect(plan.notes.join("\n")).toMatch(/pool web: canary of 1 .*web-00000.*3 instance\(s\) keep the old spec until `dcp apply --promote`/);
});

test("the canary holds: once it runs, the next plan changes nothing and still shows it", () => {
  const canary = converge(desired([v2]), converge(desired([v1]), hosts()));
  expect(onSpec(canary, v2)).toEqual(["web-00000"]);
  expect(onSpec(canary, v1)).toEqual(["web-00001", "web-00002", "web-00003"]);
  const again = planChanges(desired([v2]), canary, { seed: 7 });
  expect(again.changes).toEqual([]);
  expect(again.summary[0].canary?.instances).toEqual(["web-00000"]);
  // Every instance still serves: three old and the canary.
  expect(canary.upstreams.filter((u) => u.upstream === "web" && !u.down)).toHaveLength(4);
});

test("--promote rolls the rest within the budget; so does a pool file without the canary", () => {
  const canary = converge(desired([v2]), converge(desired([v1]), hosts()));
  const promoted = planChanges(desired([v2]), canary, { seed: 7, promote: true });
  expect(promoted.summary[0].canary).toBeUndefined();
  expect(promoted.changes.filter((c) => c.kind === "create").map((c) => c.wave)).toEqual([1, 2, 3]);
  expect(onSpec(converge(desired([v2]), canary, { promote: true }), v2)).toEqual(["web-00000", "web-00001", "web-00002", "web-00003"]);
  const noCanary = { ...v2, update: { maxSurge: 1, maxUnavailable: 0 } };
  expect(onSpec(converge(desired([noCanary]), canary), v2)).toHaveLength(4);
});

test("instances the plan creates on the new spec count in the canary", () => {
  const canary = converge(desired([v2]), converge(desired([v1]), hosts()));
  const bigger = { ...v2, replicas: 5, effectiveReplicas: 5 };
  const plan = planChanges(desired([bigger]), canary, { seed: 7 });
  expect(plan.changes.filter((c) => c.kind === "create").map((c) => ("instance" in c ? c.instance : ""))).toEqual(["web-00004"]);
  expect(plan.summary[0].canary).toEqual({ specHash: specHash(v2), instances: ["web-00000", "web-00004"], waiting: 3 });
});

test("--abort returns the canary to the recorded old spec, as a roll without a canary", () => {
  const canary = converge(desired([v2]), converge(desired([v1]), hosts()));
  const aborted = abortRolls(desired([v2]), canary, recorded(v1, v2));
  expect(aborted.desired.pools[0]).toMatchObject({ image: v1.image, update: { maxSurge: 1, maxUnavailable: 0, canary: undefined } });
  expect(specHash(aborted.desired.pools[0])).toBe(specHash(v1));
  expect(aborted.notes).toEqual([`pool web: abort returns its containers to spec ${specHash(v1)} (image ${v1.image}); the pool file still asks for ${specHash(v2)}`]);
  const plan = planChanges(aborted.desired, canary, { seed: 7 });
  expect(plan.changes.filter((c) => c.kind === "create").map((c) => ("instance" in c ? c.instance : ""))).toEqual(["web-00000"]);
  const back = converge(aborted.desired, canary);
  expect(onSpec(back, v1)).toEqual(["web-00000", "web-00001", "web-00002", "web-00003"]);
  expect(planChanges(desired([v1]), back, { seed: 7 }).changes).toEqual([]);
});

test("--abort after a roll stopped by a failed health check removes the failing new containers and keeps the old ones", () => {
  const open = { ...v1, update: { maxSurge: 1, maxUnavailable: 0 } };
  const broken = { ...open, image: "reg:5000/dcp/demo:broken" };
  const live = converge(desired([open]), hosts());
  const plan = planChanges(desired([broken]), live, { seed: 7 });
  // Wave 1 created and started its new container, which then failed its check: the roll stopped.
  const failed = simulate(live, plan.changes.filter((c) => c.wave === 1 && (c.kind === "create" || c.kind === "start")));
  for (const h of failed.hosts) for (const c of h.containers ?? []) if (c.image.endsWith(":broken")) c.health = "critical";
  const aborted = abortRolls(desired([broken]), failed, recorded(open, broken));
  const back = planChanges(aborted.desired, failed, { seed: 7 });
  expect(back.changes.filter((c) => c.kind === "create")).toEqual([]);
  expect(back.changes.filter((c) => c.kind === "remove").map((c) => ("containerName" in c ? c.containerName : ""))).toEqual([expect.stringContaining(specHash(broken).slice(0, 8))]);
  expect(onSpec(converge(aborted.desired, failed), open)).toHaveLength(4);
});

test("--abort leaves a pool alone when all of it runs the desired spec, and refuses when the old spec was not recorded", () => {
  const live = converge(desired([v1]), hosts());
  expect(abortRolls(desired([v1]), live, new Map())).toEqual({ desired: desired([v1]), notes: [] });
  const canary = converge(desired([v2]), live);
  const refuse = () => abortRolls(desired([v2]), canary, recorded(v2));
  expect(refuse).toThrow(DcpError);
  expect(refuse).toThrow(`pool web: cannot abort, the old spec ${specHash(v1)} was not recorded`);
  // Pools out of scope (--pool) are not aborted.
  expect(abortRolls(desired([v2]), canary, new Map(), ["other"]).desired.pools[0]).toBe(v2);
});

test("the plan's tables mark the canary's instances and say what waits", () => {
  const live = converge(desired([v1]), hosts());
  const text = renderRuntimePlan(planChanges(desired([v2]), live, { seed: 7 }));
  expect(text).toMatch(/\bcanary\b/);
  expect(text).toContain("web-00000 (3 wait for --promote)");
  expect(text).toMatch(/create\s+│ web\s+│ web-00000 \(canary\)/);
  expect(text).not.toMatch(/web-00001 \(canary\)/);
});

test("--promote and --abort reach the planner's options, and not together", () => {
  expect(runtimeOptions({ profile: "cloud", promote: true })).toMatchObject({ promote: true });
  expect(runtimeOptions({ profile: "cloud", abort: true })).toMatchObject({ abort: true });
  expect(runtimeOptions({ profile: "cloud" })).not.toHaveProperty("promote");
  expect(() => runtimeOptions({ profile: "cloud", promote: true, abort: true })).toThrow(/--promote and --abort go separately/);
});

test("apply records the deployed spec after the one before it, newest last, the last few kept", () => {
  const specs = withSpecs(undefined, [v1, v2]);
  expect(Object.keys(specs)).toEqual([specHash(v1), specHash(v2)]);
  expect(specs[specHash(v1)]).toEqual(definingSpec(v1));
  expect(specs[specHash(v1)]).not.toHaveProperty("replicas");
  // Back to v1 (an abort): it moves to the end.
  expect(Object.keys(withSpecs(specs, [v2, v1]))).toEqual([specHash(v2), specHash(v1)]);
  let many = specs;
  for (let i = 3; i < 10; i++) many = withSpecs(many, [{ ...v1, image: `reg:5000/dcp/demo:${i}` }]);
  expect(Object.keys(many)).toHaveLength(SPECS_KEPT);
  expect(Object.values(many).at(-1)!.image).toBe("reg:5000/dcp/demo:9");
});
