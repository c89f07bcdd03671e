/** Phase 2 of the planner: the scheduler's view of the hosts, dynamic ports, removals that wait for a placement. */
import { planContext } from "../../../runtime/plan/context";
import { diffInstances } from "../../../runtime/plan/instances";
import { placeContainers, PortAllocator, schedulerHost } from "../../../runtime/plan/placement";
import { specHash } from "../../../runtime/plan/spec";
import { container, desired, host, inventory, pool } from "./fixtures";

/** A running container of `poolName` on spec `hash`, listening on `ports`. */
const running = (poolName: string, index: number, hash: string, ports: number[]) => container(pool(poolName, { containerType: "dP01" }), index, { specHash: hash, ports });

describe("placement", () => {
  test("the scheduler sees what live containers reserve, their ports and pools; a buffer host is one with no pool", () => {
    const h = host(1, { containers: [running("a", 0, "x", [20000]), running("a", 1, "x", [20001]), running("b", 0, "y", [8080])], assignedPools: ["a"] });
    expect(schedulerHost(h)).toMatchObject({ reserved: { cpu: 6, memoryMiB: 12288 }, usedPorts: [20000, 20001, 8080], poolCounts: { a: 2, b: 1 }, buffer: false, healthy: true });
    expect(schedulerHost(host(2))).toMatchObject({ buffer: true, reserved: { cpu: 0, memoryMiB: 0 } });
    expect(schedulerHost(host(3, { containers: null, healthy: false }))).toMatchObject({ healthy: false, usedPorts: [] });
    expect(schedulerHost(h).attributes).toMatchObject({ node: "h1", idc: "yf-private", zone: "yf-a", fleet: "yf-standard" });
  });

  test("dynamic ports: the lowest free ones on the host, never one a fixed port or an earlier container holds", () => {
    const h = schedulerHost(host(1, { containers: [running("a", 0, "x", [20000, 20002])] }));
    const ports = new PortAllocator([h]);
    const p = pool("p", { ports: [{ name: "http", port: 0 }, { name: "admin", port: 20001 }, { name: "debug", port: 0 }] });
    expect(ports.allocate(p, "h1")).toEqual([
      { name: "http", port: 20003 },
      { name: "admin", port: 20001 },
      { name: "debug", port: 20004 },
    ]);
    expect(ports.allocate(p, "h1").map((x) => x.port)).toEqual([20005, 20001, 20006]);
  });

  test("a host with every dynamic port taken is an error naming it", () => {
    const taken = Array.from({ length: 10000 }, (_, i) => 20000 + i);
    const ports = new PortAllocator([schedulerHost(host(1, { containers: [running("a", 0, "x", taken)] }))]);
    expect(() => ports.allocate(pool("p"), "h1")).toThrow("host h1 has no free dynamic port left in 20000-29999");
  });

  test("an old container stays while its replacement cannot be placed; other removals go ahead", () => {
    const v1 = pool("web", { replicas: 1, containerType: "dP04" });
    const v2 = { ...v1, image: "x:2" };
    const full = host(1, { capacity: { cpu: 16, memoryMiB: 32768 }, assignedPools: ["web"], containers: [running("web", 0, specHash(v1), [20000]), running("web", 5, specHash(v2), [20001])] });
    full.containers![0].resources = { cpu: 16, memoryMiB: 32768 };
    const ctx = planContext(desired([v2]), inventory([full]), {});
    const diff = diffInstances(ctx);
    expect(diff.removals.map((r) => r.located.container.instance)).toEqual(["web-00005"]);
    expect(diff.outdated.map((o) => o.instance)).toEqual(["web-00000"]);
    const placed = placeContainers(ctx, diff);
    expect(placed.unplaced.map((u) => u.instance)).toEqual(["web-00000"]);
    expect(placed.unplaced[0].reason).toMatch(/^no spare host or port for a surge \(.*\); maxUnavailable 0 allows no replacement in place$/);
    expect(placed.removals.map((r) => r.located.container.instance)).toEqual(["web-00005"]);
    expect(placed.notes).toEqual(["1 container(s) could not be placed; their old containers (if any) are kept"]);
  });

  test("placed containers are found by pool and instance", () => {
    const web = pool("web", { replicas: 2 });
    const ctx = planContext(desired([web]), inventory([host(1, { assignedPools: ["web"] })]), { seed: 1 });
    const placed = placeContainers(ctx, diffInstances(ctx));
    expect([...placed.nodeOf]).toEqual([
      ["web/web-00000", "h1"],
      ["web/web-00001", "h1"],
    ]);
    expect(placed.unplaced).toEqual([]);
    expect(placed.notes).toEqual([]);
  });
});
