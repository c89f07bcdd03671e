/** Phase 1 of the planner: which instances are created, kept or removed, and in which wave. */
import { planContext } from "../../../runtime/plan/context";
import { diffInstances } from "../../../runtime/plan/instances";
import { specHash } from "../../../runtime/plan/spec";
import { InventoryContainer } from "../../../model/inventory";
import { PoolSpec } from "../../../model/desired-state";
import { PlanOptions } from "../../../runtime/plan/types";
import { container, desired, host, inventory, pool } from "./fixtures";

function diff(pools: PoolSpec[], containers: InventoryContainer[][], options: PlanOptions = {}) {
  const hosts = containers.map((list, i) => host(i + 1, { containers: list, assignedPools: pools.map((p) => p.name) }));
  return diffInstances(planContext(desired(pools), inventory(hosts), options));
}

const instances = (list: Array<{ instance: string }>) => list.map((x) => x.instance);
const located = (list: Array<{ located: { container: InventoryContainer } }>) => list.map((x) => x.located.container.instance);

describe("instance diff", () => {
  test("missing instances are created in wave 1; those beyond the replicas are removed in wave 1", () => {
    const web = pool("web", { replicas: 3 });
    const d = diff([web], [[container(web, 0), container(web, 4)]]);
    expect(d.creates.map((n) => [n.instance, n.wave, n.reason])).toEqual([
      ["web-00001", 1, "scale-out"],
      ["web-00002", 1, "scale-out"],
    ]);
    expect(d.removals.map((r) => [r.located.container.instance, r.wave, r.reason])).toEqual([["web-00004", 1, "scale-in"]]);
    expect(located(d.repairs)).toEqual(["web-00000"]);
  });

  test("a container whose instance id is not one of the pool's is removed", () => {
    const web = pool("web", { replicas: 1 });
    const d = diff([web], [[container(web, 0), { ...container(web, 0), id: "stray", instance: "web-x" }]]);
    expect(d.removals.map((r) => [r.located.container.id, r.reason])).toEqual([["stray", "scale-in"]]);
  });

  test("of two copies of an instance the healthy one stays; the other is a duplicate", () => {
    const web = pool("web", { replicas: 1 });
    const sick = container(web, 0, { id: "sick", health: "critical" });
    const well = container(web, 0, { id: "well" });
    const d = diff([web], [[sick], [well]]);
    expect(d.repairs.map((r) => r.located.container.id)).toEqual(["well"]);
    expect(d.removals.map((r) => [r.located.container.id, r.reason])).toEqual([["sick", "duplicate"]]);
  });

  test("instances on an old spec roll: each is handed to the rollout with its old container, nothing removed yet", () => {
    const v1 = pool("web", { replicas: 4 });
    const v2 = { ...v1, image: "reg:5000/dcp/demo:2" };
    const d = diff([v2], [[0, 1, 2, 3].map((i) => container(v1, i))]);
    expect(d.creates).toEqual([]);
    expect(d.removals).toEqual([]);
    expect(d.outdated.map((o) => [o.instance, o.old.container.instance, o.hash])).toEqual([0, 1, 2, 3].map((i) => [`web-0000${i}`, `web-0000${i}`, specHash(v2)]));
    expect(d.available.get("web")).toBe(4);
  });

  test("an old-spec copy beside a current one goes in wave 1", () => {
    const v1 = pool("web", { replicas: 1 });
    const v2 = { ...v1, env: { V: "2" } };
    const d = diff([v2], [[container(v1, 0)], [container(v2, 0)]]);
    expect(d.creates).toEqual([]);
    expect(d.removals.map((r) => [r.located.container.specHash, r.wave, r.reason])).toEqual([[specHash(v1), 1, "rolling-update"]]);
  });

  test("instances of a lost host are replaced elsewhere, counted, and the host is named in a note", () => {
    const web = pool("web", { replicas: 2 });
    const hosts = [host(1, { containers: [container(web, 0)] }), host(2, { containers: [container(web, 1)], healthy: false })];
    const d = diffInstances(planContext(desired([web]), inventory(hosts), {}));
    expect(d.creates.map((n) => [n.instance, n.reason])).toEqual([["web-00001", "replace-lost"]]);
    expect(d.replacedLost.get("web")).toBe(1);
    expect(d.notes).toEqual(["host h2 is lost (Consul reports it unhealthy): its containers are rescheduled on other hosts"]);
  });

  test("an instance known only from the catalog on a dead daemon's host counts as lost", () => {
    const web = pool("web", { replicas: 1 });
    const inv = inventory([host(1), host(2, { containers: null, healthy: false })]);
    inv.services = [{ node: "h2", serviceId: "x", name: "web", address: "192.168.79.12", port: 20000, meta: { dcp_pool: "web", dcp_instance: "web-00000" } }];
    const d = diffInstances(planContext(desired([web]), inv, {}));
    expect(d.creates.map((n) => n.reason)).toEqual(["replace-lost"]);
    expect(d.notes[0]).toMatch(/host h2 is lost \(its Docker daemon did not answer\)/);
  });

  test("containers of a pool absent from the desired state are removed only with prune", () => {
    const web = pool("web", { replicas: 0 });
    const ghost = pool("ghost", { replicas: 1 });
    const containers = [[container(ghost, 0)]];
    expect(diff([web], containers).removals).toEqual([]);
    expect(diff([web], containers, { prune: true }).removals.map((r) => [r.located.container.pool, r.reason])).toEqual([["ghost", "pool-removed"]]);
  });

  test("pools outside the scope are left alone", () => {
    const a = pool("a", { replicas: 1 });
    const b = pool("b", { replicas: 1 });
    const d = diff([a, b], [[container(b, 0), container(b, 3)]], { pools: ["a"] });
    expect(instances(d.creates)).toEqual(["a-00000"]);
    expect(d.removals).toEqual([]);
    expect([...d.live.keys()]).toEqual([]);
  });
});
