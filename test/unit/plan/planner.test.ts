import fc from "fast-check";
import { DcpError } from "../../../model/errors";
import { planChanges } from "../../../runtime/plan/planner";
import { containerName, instanceId, specHash } from "../../../runtime/plan/spec";
import { Change, CreateChange, PublishUpstreamChange } from "../../../runtime/plan/types";
import { containersOf, desired, host, inventory, pool, simulate } from "./fixtures";

const kinds = (changes: Change[]) => changes.map((c) => c.kind);

/** Runs plan → simulate until the plan is empty (at most `rounds`), returning the final inventory. */
function converge(d: ReturnType<typeof desired>, inv: ReturnType<typeof inventory>, rounds = 3) {
  let current = inv;
  for (let i = 0; i < rounds; i++) {
    const plan = planChanges(d, current, { seed: 7 });
    if (plan.changes.length === 0) return current;
    current = simulate(current, plan.changes);
  }
  throw new Error("plan did not converge");
}

/**
 * What a SIGKILL can leave behind: waves before `cut` done, and in wave `cut` each chain
 * done up to an arbitrary step (down chains only once every up chain finished, as apply does).
 */
function killedAt(changes: Change[], cut: number, prefixes: number[]): Change[] {
  const waves = [...new Set(changes.map((c) => c.wave))].sort((a, b) => a - b);
  if (waves.length === 0) return [];
  const wave = waves[cut % waves.length];
  const done = changes.filter((c) => c.wave < wave);
  let k = 0;
  const partial = (direction: Change["direction"]) => {
    const chains = new Map<string, Change[]>();
    for (const c of changes) if (c.wave === wave && c.direction === direction) chains.set(c.chain, [...(chains.get(c.chain) ?? []), c]);
    let complete = true;
    for (const chain of chains.values()) {
      const n = prefixes[k++ % prefixes.length] % (chain.length + 1);
      if (n < chain.length) complete = false;
      done.push(...chain.slice(0, n));
    }
    return complete;
  };
  if (partial("host") && partial("up")) partial("down");
  return done;
}

describe("planChanges", () => {
  test("scale-out from zero creates each instance with the full up chain in order", () => {
    const d = desired([pool("feed-api", { replicas: 3 })]);
    const inv = inventory([host(1, { assignedPools: ["feed-api"] }), host(2, { assignedPools: ["feed-api"] })]);
    const plan = planChanges(d, inv, { seed: 1 });
    const creates = plan.changes.filter((c): c is CreateChange => c.kind === "create");
    expect(creates.map((c) => c.instance).sort()).toEqual(["feed-api-00000", "feed-api-00001", "feed-api-00002"]);
    for (const create of creates) {
      const chain = plan.changes.filter((c) => c.chain === create.chain);
      expect(kinds(chain)).toEqual(["create", "start", "wait-healthy", "register", "publish-upstream"]);
      expect(create.ports[0].port).toBeGreaterThanOrEqual(20000);
      expect(create.env).toEqual({});
    }
    expect(plan.summary[0]).toMatchObject({ pool: "feed-api", desired: 3, running: 0, toCreate: 3, toRemove: 0 });
    // No buffer host was needed, so no assignment.
    expect(plan.changes.some((c) => c.kind === "assign-host")).toBe(false);
  });

  test("a registration claims a passing check only when its chain has just waited for that check", () => {
    const d = desired([pool("feed-api", { replicas: 2 })]);
    const plan = planChanges(d, inventory([host(1, { assignedPools: ["feed-api"] })]), { seed: 1 });
    const registers = plan.changes.filter((c) => c.kind === "register");
    expect(registers.map((c) => c.kind === "register" && c.healthVerified)).toEqual([true, true]);

    // Killed after start: running but never registered. The repair waits for the check before
    // it registers and publishes (nothing is published before it passed), so it may claim it.
    const started = simulate(inventory([host(1, { assignedPools: ["feed-api"] })]), plan.changes.filter((c) => c.kind === "create" || c.kind === "start"));
    const repairs = planChanges(d, started, { seed: 1 }).changes;
    for (const chain of new Set(repairs.map((c) => c.chain))) {
      expect(kinds(repairs.filter((c) => c.chain === chain))).toEqual(["wait-healthy", "register", "publish-upstream"]);
    }
    const repair = repairs.filter((c) => c.kind === "register");
    expect(repair).toHaveLength(2);
    expect(repair.map((c) => c.kind === "register" && c.healthVerified)).toEqual([true, true]);
  });

  test("dynamic ports differ per container on the same host", () => {
    const d = desired([pool("feed-api", { replicas: 4, placement: { strategy: "binpack", constraints: [] } })]);
    const plan = planChanges(d, inventory([host(1, { assignedPools: ["feed-api"] })]));
    const ports = plan.changes.filter((c): c is CreateChange => c.kind === "create").map((c) => c.ports[0].port);
    expect(new Set(ports).size).toBe(4);
  });

  test("buffer hosts are used only when assigned ones cannot take more, and are assigned first (wave 0)", () => {
    const d = desired([pool("feed-api", { replicas: 4, containerType: "dP04" })]);
    // h1 (assigned) fits 2 dP04 (32 cpu); the other two must go to the buffer host h2.
    const inv = inventory([host(1, { assignedPools: ["feed-api"] }), host(2)]);
    const plan = planChanges(d, inv, { seed: 1 });
    const creates = plan.changes.filter((c): c is CreateChange => c.kind === "create");
    expect(creates.filter((c) => c.node === "h1")).toHaveLength(2);
    expect(creates.filter((c) => c.node === "h2")).toHaveLength(2);
    expect(plan.changes[0]).toMatchObject({ kind: "assign-host", node: "h2", wave: 0, pools: ["feed-api"], previousPools: [], reason: "buffer" });
    expect(plan.changes.filter((c) => c.kind === "assign-host")).toHaveLength(1);
  });

  test("a converged fleet plans no change", () => {
    const d = desired([pool("feed-api", { replicas: 5 }), pool("remind-api", { replicas: 2, upstream: undefined })]);
    const inv = converge(d, inventory([host(1), host(2), host(3)]));
    expect(planChanges(d, inv, { seed: 99 }).changes).toEqual([]);
    expect(containersOf(inv, "feed-api")).toHaveLength(5);
    expect(inv.upstreams.filter((u) => u.upstream === "feed_api" && !u.down)).toHaveLength(5);
  });

  test("scale-in removes the highest instances with unpublish → drain → await-consumers → stop → remove", () => {
    const d5 = desired([pool("feed-api", { replicas: 5 })]);
    const inv = converge(d5, inventory([host(1), host(2)]));
    const plan = planChanges(desired([pool("feed-api", { replicas: 2 })]), inv);
    expect(plan.changes.some((c) => c.kind === "create")).toBe(false);
    const removed = plan.changes.filter((c) => c.kind === "remove").map((c) => (c as { instance: string }).instance).sort();
    expect(removed).toEqual(["feed-api-00002", "feed-api-00003", "feed-api-00004"]);
    for (const chain of new Set(plan.changes.map((c) => c.chain))) {
      expect(kinds(plan.changes.filter((c) => c.chain === chain))).toEqual(["unpublish-upstream", "drain", "await-consumers", "stop", "remove"]);
    }
    const after = simulate(inv, plan.changes);
    expect(after.upstreams.filter((u) => !u.down)).toHaveLength(2);
  });

  test("scaling a pool to zero leaves its last upstream entry marked down, never an empty upstream", () => {
    const inv = converge(desired([pool("feed-api", { replicas: 2 })]), inventory([host(1)]));
    const d0 = desired([pool("feed-api", { replicas: 0 })]);
    const after = converge(d0, inv);
    expect(containersOf(after, "feed-api")).toHaveLength(0);
    expect(after.upstreams).toHaveLength(1);
    expect(after.upstreams[0].down).toBe(true);
  });

  test("hosts left empty go back to the buffer in the last wave", () => {
    const d = desired([pool("feed-api", { replicas: 2 })]);
    const inv = converge(d, inventory([host(1), host(2)]));
    expect(inv.hosts.filter((h) => h.assignedPools.includes("feed-api")).length).toBeGreaterThan(0);
    const plan = planChanges(desired([pool("feed-api", { replicas: 0 })]), inv);
    const unassigns = plan.changes.filter((c) => c.kind === "unassign-host");
    expect(unassigns.length).toBeGreaterThan(0);
    expect(plan.changes[plan.changes.length - 1].kind).toBe("unassign-host");
    expect(Math.min(...unassigns.map((c) => c.wave))).toBeGreaterThan(Math.max(...plan.changes.filter((c) => c.kind === "remove").map((c) => c.wave)));
  });

  test("a pool that ends with no container on a host is taken off the host's assignment; other pools stay", () => {
    const d = desired([pool("a", { replicas: 1 }), pool("b", { replicas: 1 })]);
    const inv = converge(d, inventory([host(1)]));
    expect(inv.hosts[0].assignedPools).toEqual(["a", "b"]);
    const plan = planChanges(desired([pool("a", { replicas: 1 }), pool("b", { replicas: 0 })]), inv);
    expect(plan.changes.find((c) => c.kind === "unassign-host")).toMatchObject({ node: "h1", previousPools: ["a", "b"], pools: ["a"] });
    expect(converge(desired([pool("a", { replicas: 1 }), pool("b", { replicas: 0 })]), inv).hosts[0].assignedPools).toEqual(["a"]);
  });

  test("a host that takes a new pool while its last container of another goes keeps the new pool", () => {
    const a = pool("a", { replicas: 1 });
    const b = pool("b", { replicas: 1 });
    const inv = converge(desired([a]), inventory([host(1)]));
    const swap = desired([{ ...a, replicas: 0, effectiveReplicas: 0 }, b]);
    const plan = planChanges(swap, inv);
    expect(plan.changes.filter((c) => c.direction === "host").map((c) => [c.kind, c.wave, (c as { pools: string[] }).pools])).toEqual([
      ["assign-host", 0, ["a", "b"]],
      ["unassign-host", 2, ["b"]],
    ]);
    const after = simulate(inv, plan.changes);
    expect(after.hosts[0].assignedPools).toEqual(["b"]);
    expect(containersOf(after, "b")).toHaveLength(1);
  });

  test("a host running a kept container of a pool it is not assigned to is assigned to it first", () => {
    const d = desired([pool("feed-api", { replicas: 1 })]);
    const inv = converge(d, inventory([host(1)]));
    inv.hosts[0].assignedPools = [];
    const plan = planChanges(d, inv);
    expect(plan.changes).toEqual([
      { kind: "assign-host", wave: 0, chain: "host:h1", direction: "host", node: "h1", reason: "repair", pools: ["feed-api"], previousPools: [] },
    ]);
  });

  test("with prune, pools and upstreams absent from the desired state are taken off hosts and emptied", () => {
    const old = pool("old-api", { replicas: 2 });
    const inv = converge(desired([old]), inventory([host(1)]));
    // An entry of old-api's upstream with no container behind it.
    inv.upstreams.push({ ...inv.upstreams[0], server: "192.168.79.11:29999" });
    const none = desired([pool("feed-api", { replicas: 0 })]);
    expect(planChanges(none, inv).changes).toEqual([]);
    const pruned = planChanges(none, inv, { prune: true });
    expect(pruned.changes.filter((c) => c.kind === "remove")).toHaveLength(2);
    expect(pruned.changes.find((c) => c.kind === "unpublish-upstream" && c.reason === "stale")).toMatchObject({ upstream: "old_api", server: "192.168.79.11:29999" });
    const done = simulate(inv, pruned.changes);
    expect(done.hosts[0].assignedPools).toEqual([]);
    expect(done.upstreams.map((u) => u.down)).toEqual([true]);
    expect(planChanges(none, done, { prune: true }).changes).toEqual([]);
  });

  test("an upstream value edited by hand is written again in dcp's exact format, even when nginx reads the same weight", () => {
    const d = desired([pool("feed-api", { replicas: 1 })]);
    const inv = converge(d, inventory([host(1)]));
    inv.upstreams[0].raw = '{"weight":20,"max_fails":2,"fail_timeout":10,"down":0,"note":"x"}';
    const plan = planChanges(d, inv);
    expect(plan.changes).toMatchObject([{ kind: "publish-upstream", reason: "repair", weight: 20, server: inv.upstreams[0].server }]);
    expect(planChanges(d, simulate(inv, plan.changes)).changes).toEqual([]);
  });

  test("a container replaced in place goes down in wave 1 and its instance comes back in wave 2, on the resources it freed", () => {
    const big = pool("feed-api", { replicas: 1, containerType: "dP04", ports: [{ name: "http", port: 8080 }] });
    const inv = converge(desired([big]), inventory([host(1, { capacity: { cpu: 16, memoryMiB: 32768 } })]));
    const mislabelled = inv.hosts[0].containers![0];
    mislabelled.image = "reg:5000/dcp/other:9";
    const plan = planChanges(desired([big]), inv, { replace: [mislabelled.id] });
    expect(plan.unplaced).toEqual([]);
    expect(plan.changes.map((c) => [c.wave, c.kind, c.reason])).toEqual([
      [1, "unpublish-upstream", "repair"],
      [1, "drain", "repair"],
      [1, "await-consumers", "repair"],
      [1, "stop", "repair"],
      [1, "remove", "repair"],
      [2, "create", "repair"],
      [2, "start", "repair"],
      [2, "wait-healthy", "repair"],
      [2, "register", "repair"],
      [2, "publish-upstream", "repair"],
    ]);
    const create = plan.changes.find((c): c is CreateChange => c.kind === "create")!;
    expect([create.node, create.containerName, create.ports[0].port]).toEqual(["h1", mislabelled.name, 8080]);
    const after = simulate(inv, plan.changes);
    expect(containersOf(after, "feed-api").map((c) => c.image)).toEqual([big.image]);
    expect(planChanges(desired([big]), after).changes).toEqual([]);
  });

  test("a container replaced in place stays while its instance cannot be placed again", () => {
    const web = pool("feed-api", { replicas: 1, placement: { strategy: "spread", constraints: ["zone==yf-a"] } });
    const inv = converge(desired([web]), inventory([host(1)]));
    inv.hosts[0].zone = "yf-b";
    const plan = planChanges(desired([web]), inv, { replace: [inv.hosts[0].containers![0].id] });
    expect(plan.unplaced).toHaveLength(1);
    expect(plan.changes.filter((c) => c.kind === "stop" || c.kind === "remove")).toEqual([]);
  });

  test("rolling update replaces 25% per wave, new containers serve before old ones go", () => {
    const v1 = pool("feed-api", { replicas: 8 });
    const inv = converge(desired([v1]), inventory([host(1), host(2)]));
    const v2 = { ...v1, image: "reg:5000/dcp/demo:2" };
    const plan = planChanges(desired([v2]), inv);
    const waves = [...new Set(plan.changes.map((c) => c.wave))].sort();
    expect(waves).toEqual([1, 2, 3, 4]);
    for (const wave of waves) {
      const inWave = plan.changes.filter((c) => c.wave === wave);
      expect(inWave.filter((c) => c.kind === "create")).toHaveLength(2);
      expect(inWave.filter((c) => c.kind === "remove")).toHaveLength(2);
      const lastUp = Math.max(...inWave.map((c, i) => (c.direction === "up" ? i : -1)));
      const firstDown = inWave.findIndex((c) => c.direction === "down");
      expect(lastUp).toBeLessThan(firstDown);
      // The instances replaced in this wave are the ones whose old container is removed in it.
      const created = inWave.filter((c) => c.kind === "create").map((c) => (c as CreateChange).instance).sort();
      const removed = inWave.filter((c) => c.kind === "remove").map((c) => (c as { instance: string }).instance).sort();
      expect(created).toEqual(removed);
    }
    const after = converge(desired([v2]), inv);
    const hash = specHash(v2);
    expect(containersOf(after, "feed-api").map((c) => c.specHash)).toEqual(Array(8).fill(hash));
  });

  test("spec hash ignores replicas and upstream weight but not env, image or health check", () => {
    const base = pool("a");
    expect(specHash({ ...base, replicas: 9, effectiveReplicas: 9 })).toBe(specHash(base));
    expect(specHash({ ...base, upstream: { ...base.upstream!, weight: 3 } })).toBe(specHash(base));
    expect(specHash({ ...base, env: { A: "1" } })).not.toBe(specHash(base));
    expect(specHash({ ...base, image: "x:2" })).not.toBe(specHash(base));
    expect(specHash({ ...base, healthCheck: { ...base.healthCheck!, path: "/h" } })).not.toBe(specHash(base));
    expect(specHash({ ...base, env: { A: "1", B: "2" } })).toBe(specHash({ ...base, env: { B: "2", A: "1" } }));
  });

  test("containers of a lost host are rescheduled elsewhere and reported; its entries and services are cleaned", () => {
    const d = desired([pool("feed-api", { replicas: 4, placement: { strategy: "spread", constraints: [] } })]);
    const inv = converge(d, inventory([host(1, { assignedPools: ["feed-api"] }), host(2, { assignedPools: ["feed-api"] })]));
    const onH2 = containersOf(inv, "feed-api").filter((c) => c.node === "h2");
    expect(onH2.length).toBe(2);
    const dead = JSON.parse(JSON.stringify(inv));
    dead.hosts[1].containers = null;
    dead.hosts[1].healthy = false;
    dead.hosts.push(host(3));
    const plan = planChanges(d, dead);
    const creates = plan.changes.filter((c): c is CreateChange => c.kind === "create");
    expect(creates.map((c) => c.instance).sort()).toEqual(onH2.map((c) => c.instance).sort());
    expect(creates.every((c) => c.node !== "h2" && c.reason === "replace-lost")).toBe(true);
    expect(plan.summary[0].replaced).toBe(2);
    expect(plan.notes.join("\n")).toMatch(/host h2 is lost \(its Docker daemon did not answer\)/);
    const after = simulate(dead, plan.changes);
    expect(after.upstreams.filter((u) => u.server.startsWith("192.168.79.12:"))).toEqual([]);
    expect(after.services!.filter((s) => s.node === "h2")).toEqual([]);
    expect(after.upstreams.filter((u) => !u.down)).toHaveLength(4);
  });

  test("when a lost host comes back, the duplicate instances are removed", () => {
    const d = desired([pool("feed-api", { replicas: 4 })]);
    const inv = converge(d, inventory([host(1), host(2), host(3)]));
    const dead = JSON.parse(JSON.stringify(inv));
    const saved = dead.hosts[1].containers;
    dead.hosts[1].containers = null;
    dead.hosts[1].healthy = false;
    const replaced = converge(d, dead);
    replaced.hosts[1].containers = saved;
    replaced.hosts[1].healthy = true;
    const plan = planChanges(d, replaced);
    expect(plan.changes.filter((c) => c.kind === "remove").every((c) => c.reason === "duplicate")).toBe(true);
    const after = converge(d, replaced);
    const instances = containersOf(after, "feed-api").map((c) => c.instance);
    expect(instances.sort()).toEqual([0, 1, 2, 3].map((i) => instanceId("feed-api", i)));
  });

  test("cloud hosts get the IDC's weight factor on upstreams (20 → 16)", () => {
    const d = desired([pool("feed-api", { replicas: 2, idcs: ["aliyun-bj"] })]);
    const plan = planChanges(d, inventory([host(3)]));
    const publishes = plan.changes.filter((c): c is PublishUpstreamChange => c.kind === "publish-upstream");
    expect(publishes.map((c) => c.weight)).toEqual([16, 16]);
    const priv = planChanges(desired([pool("feed-api", { replicas: 1, idcs: ["yf-private"] })]), inventory([host(1)]));
    expect(priv.changes.find((c): c is PublishUpstreamChange => c.kind === "publish-upstream")!.weight).toBe(20);
  });

  test("creates reserve the container type's full CPU, whatever the profile", () => {
    const d = desired([pool("feed-api", { replicas: 1, containerType: "dP02" })]);
    const plan = planChanges(d, inventory([host(1, { capacity: { cpu: 128, memoryMiB: 262144 } })]));
    expect(plan.changes.find((c): c is CreateChange => c.kind === "create")!.resources).toEqual({ cpu: 4, memoryMiB: 8192 });
    expect(plan.notes).toEqual([]);
  });

  test("unknown pool and unplaceable containers are reported with reasons", () => {
    const d = desired([pool("feed-api", { replicas: 1 })]);
    expect(() => planChanges(d, inventory([host(1)]), { pools: ["nope"] })).toThrow(DcpError);
    expect(() => planChanges(d, inventory([host(1)]), { pools: ["nope"] })).toThrow(/unknown pool "nope"; desired pools: feed-api/);
    const impossible = desired([pool("feed-api", { replicas: 2, placement: { strategy: "spread", constraints: ["zone==mars-1"] } })]);
    const plan = planChanges(impossible, inventory([host(1), host(2)]));
    expect(plan.unplaced).toHaveLength(2);
    expect(plan.unplaced[0].reason).toMatch(/constraint/);
    expect(plan.changes.filter((c) => c.kind === "create")).toHaveLength(0);
  });

  test("an unplaceable rolling update keeps the old container", () => {
    const v1 = pool("feed-api", { replicas: 1, containerType: "dP04", ports: [{ name: "http", port: 8080 }], healthCheck: undefined });
    const inv = converge(desired([v1]), inventory([host(1, { capacity: { cpu: 16, memoryMiB: 32768 } })]));
    const plan = planChanges(desired([{ ...v1, image: "x:2" }]), inv);
    expect(plan.unplaced).toHaveLength(1);
    expect(plan.changes.filter((c) => c.kind === "remove")).toEqual([]);
  });

  test("only the pools asked for are planned", () => {
    const d = desired([pool("a", { replicas: 1 }), pool("b", { replicas: 1 })]);
    const plan = planChanges(d, inventory([host(1)]), { pools: ["b"] });
    expect(plan.changes.length).toBeGreaterThan(0);
    expect(new Set(plan.changes.filter((c) => c.kind !== "assign-host").map((c) => (c as { pool?: string }).pool))).toEqual(new Set(["b"]));
    expect(plan.changes.find((c) => c.kind === "assign-host")).toMatchObject({ pools: ["b"] });
    expect(plan.summary.map((s) => s.pool)).toEqual(["b"]);
  });

  test("container names carry instance and spec hash", () => {
    expect(containerName("feed-api-00017", "0123456789ab")).toBe("dcp-feed-api-00017-01234567");
  });

  test("an apply killed after any number of changes converges with no duplicate and no lost container", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 6 }),
        fc.boolean(),
        fc.nat(),
        fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
        (from, to, update, cut, prefixes) => {
          const v1 = pool("feed-api", { replicas: from });
          const start = converge(desired([v1]), inventory([host(1), host(2), host(3)]));
          const target = pool("feed-api", { replicas: to, image: update ? "reg:5000/dcp/demo:2" : v1.image });
          const plan = planChanges(desired([target]), start, { seed: 3 });
          const killed = simulate(start, killedAt(plan.changes, cut, prefixes));
          const after = converge(desired([target]), killed);
          const live = containersOf(after, "feed-api");
          expect(live.map((c) => c.instance).sort()).toEqual(Array.from({ length: to }, (_, i) => instanceId("feed-api", i)));
          expect(live.every((c) => c.running && c.specHash === specHash(target))).toBe(true);
          const servers = after.upstreams.filter((u) => !u.down);
          expect(servers).toHaveLength(to);
          if (to === 0 && from > 0) expect(after.upstreams.every((u) => u.down)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  test("through a rolling update no prefix of the plan leaves fewer healthy containers than before", () => {
    const v1 = pool("feed-api", { replicas: 6 });
    const start = converge(desired([v1]), inventory([host(1), host(2)]));
    const plan = planChanges(desired([{ ...v1, env: { V: "2" } }]), start);
    for (let cut = 0; cut <= plan.changes.length; cut++) {
      const state = simulate(start, plan.changes.slice(0, cut));
      const healthy = containersOf(state, "feed-api").filter((c) => c.running && c.health === "passing");
      expect(healthy.length).toBeGreaterThanOrEqual(6);
    }
  });

  describe("hosts that are leaving (their fleet's host list no longer names them)", () => {
    const withHosts = (d: ReturnType<typeof desired>, hosts: Record<string, string[]>) => ({
      ...d,
      fleets: Object.entries(hosts).map(([name, list]) => ({
        name,
        idc: name === "yf-standard" ? "yf-private" : "aliyun-bj",
        hostClass: { cpu: 32, memoryMiB: 65536 },
        instanceTypes: [],
        chargeType: "PostPaid" as const,
        hostsForPools: list.length,
        bufferHosts: 0,
        freeHosts: 0,
        desiredHosts: list.length,
        hosts: list,
      })),
    });
    const api = pool("feed-api", { replicas: 4 });
    // Assigned to the pool, so spread uses all three.
    const start = () => converge(desired([api]), inventory([3, 4, 5].map((n) => host(n, { assignedPools: ["feed-api"] }))));

    test("their containers start on the hosts that stay first, then go down without dropping traffic; the host is returned", () => {
      const inv = start();
      const onH5 = containersOf(inv, "feed-api").filter((c) => c.node === "h5");
      expect(onH5.length).toBeGreaterThan(0);
      const d = withHosts(desired([api]), { "bj-standard": ["h3", "h4"] });
      const plan = planChanges(d, inv, { seed: 7 });
      const creates = plan.changes.filter((c): c is CreateChange => c.kind === "create");
      expect(creates.map((c) => c.instance).sort()).toEqual(onH5.map((c) => c.instance).sort());
      expect(creates.every((c) => c.node !== "h5" && c.reason === "host-leaving")).toBe(true);
      // Each old container is taken down only after its replacement is up (same wave, down chains after up chains).
      for (const old of onH5) {
        const up = plan.changes.findIndex((c) => c.kind === "publish-upstream" && c.instance === old.instance && c.node !== "h5");
        const unpublish = plan.changes.findIndex((c) => c.kind === "unpublish-upstream" && c.node === "h5" && c.instance === old.instance);
        const remove = plan.changes.findIndex((c) => c.kind === "remove" && c.node === "h5" && c.instance === old.instance);
        expect(up).toBeGreaterThanOrEqual(0);
        expect(unpublish).toBeGreaterThan(up);
        expect(remove).toBeGreaterThan(unpublish);
        expect(plan.changes[remove].reason).toBe("host-leaving");
      }
      expect(plan.changes.filter((c) => c.kind === "unassign-host").map((c) => [c.node, (c as { pools: string[] }).pools])).toEqual([["h5", []]]);
      expect(plan.notes.join("\n")).toMatch(/host h5 is leaving/);
      const after = converge(d, inv);
      expect(containersOf(after, "feed-api").filter((c) => c.node === "h5")).toEqual([]);
      expect(containersOf(after, "feed-api").map((c) => c.instance).sort()).toEqual(["feed-api-00000", "feed-api-00001", "feed-api-00002", "feed-api-00003"]);
    });

    test("nothing new goes to a leaving host, even the only one with room; the container is reported unplaced", () => {
      const d = withHosts(desired([pool("big", { replicas: 1, containerType: "dP04" })]), { "bj-standard": ["h3"] });
      const full = host(3, { capacity: { cpu: 8, memoryMiB: 16384 } });
      const plan = planChanges(d, inventory([full, host(4)]));
      expect(plan.changes.filter((c) => c.kind === "create")).toEqual([]);
      expect(plan.unplaced).toEqual([expect.objectContaining({ pool: "big", rejectedBy: { leaving: 1, resources: 1 } })]);
    });

    test("through the move no prefix of the plan leaves fewer healthy containers than before", () => {
      const inv = start();
      const plan = planChanges(withHosts(desired([api]), { "bj-standard": ["h3", "h4"] }), inv, { seed: 7 });
      for (let cut = 0; cut <= plan.changes.length; cut++) {
        const healthy = containersOf(simulate(inv, plan.changes.slice(0, cut)), "feed-api").filter((c) => c.running && c.health === "passing");
        expect(healthy.length).toBeGreaterThanOrEqual(4);
      }
    });

    test("a fleet without a host list (the cloud profile) has no leaving host", () => {
      const inv = start();
      expect(planChanges(desired([api]), inv).changes).toEqual([]);
    });
  });
});
