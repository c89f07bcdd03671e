/**
 * What `dcp drift --fix` leaves to the planner is repaired by the plan it makes: each kind
 * of drift is induced on a converged world, planned as --fix plans (prune without a pool
 * scope, mislabelled containers replaced in place), the plan is applied to the inventory
 * as the executor would, and drift is detected again.
 */
import { Inventory } from "../../../model/inventory";
import { upstreamValue } from "../../../model/upstreams";
import { detectDrift, mislabelledContainers } from "../../../runtime/drift/detect";
import { DriftFinding } from "../../../runtime/drift/types";
import { planChanges } from "../../../runtime/plan/planner";
import { simulate } from "../plan/fixtures";
import { OPTIONS, World, container, converged, hostOf } from "./fixture";

/** The findings left after the plan --fix makes (KV keys and catalog nodes are repaired outside it). */
function afterFix(world: World, pools?: string[]): { left: DriftFinding[]; replaced: string[] } {
  const replaced = mislabelledContainers(world.desired, world.inventory, pools);
  const plan = planChanges(world.desired, world.inventory, { pools, prune: pools === undefined, replace: replaced.map((m) => m.id), seed: 1 });
  expect(plan.unplaced).toEqual([]);
  const inventory: Inventory = simulate(world.inventory, plan.changes);
  const report = detectDrift(world.desired, inventory, { ...world.consul, kvKeys: [] }, { ...OPTIONS, pools });
  return { left: report.findings.filter((f) => f.kind !== "unowned-entry" || f.entry?.type === "service"), replaced: replaced.map((m) => m.name) };
}

test("a converged world plans nothing", () => {
  const world = converged();
  expect(planChanges(world.desired, world.inventory, { prune: true }).changes).toEqual([]);
});

test("missing, stopped, extra and duplicated containers", () => {
  const world = converged();
  const [web] = world.desired.pools;
  hostOf(world, "h3").containers = [container(web, 1, { running: false, health: "critical" })];
  hostOf(world, "h1").containers = hostOf(world, "h1").containers!.filter((c) => c.pool !== "web");
  hostOf(world, "h4").containers = [container(web, 7), container(web, 1, { id: "dup", name: "dcp-web-00001-dup" })];
  expect(afterFix(world).left).toEqual([]);
});

test("a container recreated by hand from another image under the current spec's name is replaced in place", () => {
  const world = converged();
  const [, cache] = world.desired.pools;
  hostOf(world, "h1").containers = [...hostOf(world, "h1").containers!.filter((c) => c.pool !== "cache"), container(cache, 0, { image: "registry.local/cache:2" })];
  const { left, replaced } = afterFix(world);
  expect(replaced).toEqual([container(cache, 0).name]);
  expect(left).toEqual([]);
});

test("dead, edited, malformed and missing upstream entries; an upstream no desired pool owns", () => {
  const world = converged();
  const entry = (server: string, raw: string, upstream = "web") => ({ upstream, server, weight: 20, maxFails: 2, failTimeoutSeconds: 10, down: false, raw });
  const good = upstreamValue({ weight: 20, maxFails: 2, failTimeoutSeconds: 10, down: false });
  world.inventory.upstreams = [
    entry("10.0.0.11:8080", '{"weight":20,"max_fails":2,"fail_timeout":10,"down":0,"by":"hand"}'),
    entry("10.9.9.9:8080", good),
    entry("10.9.9.8:8080", good, "retired"),
  ];
  expect(afterFix(world).left).toEqual([]);
});

test("assignments: a pool not desired, a pool run without assignment, an assignment with nothing running", () => {
  const world = converged();
  hostOf(world, "h1").assignedPools = ["cache", "retired"];
  hostOf(world, "h4").assignedPools = ["web"];
  expect(afterFix(world).left).toEqual([]);
});

test("services with no container behind them, and a pool's containers no longer desired", () => {
  const world = converged();
  const [web] = world.desired.pools;
  world.inventory.services!.push({ node: "h4", serviceId: "dcp-web-00042-x", name: "web", address: "10.1.0.14", port: 9, meta: { dcp_pool: "web", dcp_instance: "web-00042" } });
  hostOf(world, "h4").containers = [{ ...container(web, 0), id: "r", pool: "retired", instance: "retired-00000", name: "dcp-retired-00000-abc" }];
  hostOf(world, "h4").assignedPools = ["retired"];
  expect(afterFix(world).left).toEqual([]);
});

test("with a pool scope, other pools and unowned upstreams are left alone", () => {
  const world = converged();
  const good = upstreamValue({ weight: 20, maxFails: 2, failTimeoutSeconds: 10, down: false });
  world.inventory.upstreams.push({ upstream: "retired", server: "10.9.9.8:8080", weight: 20, maxFails: 2, failTimeoutSeconds: 10, down: false, raw: good });
  hostOf(world, "h1").containers = hostOf(world, "h1").containers!.filter((c) => c.pool !== "cache");
  const replaced = mislabelledContainers(world.desired, world.inventory, ["web"]);
  const plan = planChanges(world.desired, world.inventory, { pools: ["web"], replace: replaced.map((m) => m.id) });
  expect(plan.changes).toEqual([]);
  expect(afterFix(world, ["web"]).left).toEqual([]);
});
