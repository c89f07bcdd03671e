/**
 * Property-based checks over random small clusters: placements never break a rule, the
 * engine gives exactly the reference's placements, the order hosts are listed in does
 * not matter, and everything is placed when capacity obviously suffices.
 */
import fc from "fast-check";
import { placementViolations, referenceSchedule } from "../../../bench/reference-scheduler";
import { schedule } from "../../../runtime/scheduler";
import { Constraint, ContainerRequest, SchedulerHost } from "../../../runtime/scheduler/types";
import { PlacementStrategy } from "../../../model/desired-state";

const IDCS = ["yf-private", "aliyun-bj"];
const ZONES = ["z1", "z2", "z3"];
const PORTS = [8080, 8081, 9100];

/** `value` in `weight` of `weight + 1` cases. */
const mostly = (value: boolean, weight: number) =>
  fc.oneof({ weight, arbitrary: fc.constant(value) }, { weight: 1, arbitrary: fc.constant(!value) });

const hostArb = fc
  .record({
    idc: fc.constantFrom(...IDCS),
    zone: fc.constantFrom(...ZONES),
    cpu: fc.constantFrom(4, 8, 16, 32),
    memoryPerCpu: fc.constantFrom(1024, 2048, 4096),
    usedShare: fc.double({ min: 0, max: 1, noNaN: true }),
    usedPorts: fc.subarray(PORTS),
    existing: fc.nat(2),
    healthy: mostly(true, 9),
    initialised: mostly(true, 9),
    buffer: mostly(false, 4),
  })
  .map((h) => ({
    idc: h.idc,
    zone: h.zone,
    fleet: `${h.idc}-standard`,
    attributes: { idc: h.idc, zone: h.zone },
    capacity: { cpu: h.cpu, memoryMiB: h.cpu * h.memoryPerCpu },
    reserved: { cpu: Math.floor(h.cpu * h.usedShare), memoryMiB: Math.floor(h.cpu * h.memoryPerCpu * h.usedShare) },
    usedPorts: h.usedPorts,
    poolCounts: (h.existing ? { p0: h.existing } : {}) as Record<string, number>,
    healthy: h.healthy,
    initialised: h.initialised,
    buffer: h.buffer,
  }));

const hostsArb = fc
  .array(hostArb, { minLength: 0, maxLength: 12 })
  .map((hs): SchedulerHost[] => hs.map((h, i) => ({ node: `h${i}`, ...h })));

const poolArb = (strategies: PlacementStrategy[]) =>
  fc.record({
    resources: fc.oneof(
      fc.constantFrom(
        { cpu: 2, memoryMiB: 4096 },
        { cpu: 4, memoryMiB: 8192 },
        { cpu: 8, memoryMiB: 16384 },
        { cpu: 16, memoryMiB: 32768 }
      ),
      fc.record({ cpu: fc.constantFrom(0.5, 1.5, 3), memoryMiB: fc.integer({ min: 256, max: 8192 }) })
    ),
    ports: fc.constantFrom<number[][]>([0], [8080], [8081, 0], [0, 0]),
    idcs: fc.constantFrom<string[]>(
      ["yf-private"],
      ["aliyun-bj"],
      ["yf-private", "aliyun-bj"],
      ["aliyun-bj", "yf-private"]
    ),
    constraints: fc.constantFrom<Constraint[]>(
      [],
      [{ key: "zone", op: "==", value: "z1" }],
      [{ key: "zone", op: "!=", value: "z2" }],
      [{ key: "zone", op: "!=", value: "*3" }],
      [{ key: "zone", op: "==", value: "z1", soft: true }],
      [
        { key: "zone", op: "!=", value: "z3" },
        { key: "idc", op: "==", value: "aliyun-*", soft: true },
      ]
    ),
    antiAffinity: fc.boolean(),
    strategy: fc.constantFrom(...strategies),
    replicas: fc.integer({ min: 0, max: 14 }),
  });

const requestsArb = (strategies: PlacementStrategy[]) =>
  fc.array(poolArb(strategies), { minLength: 1, maxLength: 4 }).map((pools) =>
    pools.flatMap((p, i) =>
      Array.from({ length: p.replicas }, (_, n): ContainerRequest => {
        const { replicas: _replicas, ...rules } = p;
        return { pool: `p${i}`, instance: String(n), ...rules };
      })
    )
  );

describe("scheduler properties", () => {
  it("never breaks capacity, ports, anti-affinity, health, IDC or constraints", () => {
    fc.assert(
      fc.property(hostsArb, requestsArb(["binpack", "spread", "random"]), fc.integer(), (hosts, requests, seed) => {
        expect(placementViolations(hosts, requests, schedule(hosts, requests, { seed }))).toEqual([]);
      }),
      { numRuns: 300 }
    );
  });

  it("gives exactly the reference's result for binpack and spread, reasons included", () => {
    fc.assert(
      fc.property(hostsArb, requestsArb(["binpack", "spread"]), (hosts, requests) => {
        expect(schedule(hosts, requests)).toEqual(referenceSchedule(hosts, requests));
      }),
      { numRuns: 300 }
    );
  });

  it("is valid with the reference too, for random", () => {
    fc.assert(
      fc.property(hostsArb, requestsArb(["random"]), fc.integer(), (hosts, requests, seed) => {
        expect(placementViolations(hosts, requests, referenceSchedule(hosts, requests, { seed }))).toEqual([]);
      }),
      { numRuns: 100 }
    );
  });

  it("is deterministic for a seed", () => {
    fc.assert(
      fc.property(hostsArb, requestsArb(["binpack", "spread", "random"]), fc.integer(), (hosts, requests, seed) => {
        expect(schedule(hosts, requests, { seed })).toEqual(schedule(hosts, requests, { seed }));
      }),
      { numRuns: 100 }
    );
  });

  it("gives the same result however the hosts are listed", () => {
    const listed = hostsArb.chain((hosts) =>
      fc.tuple(fc.constant(hosts), fc.shuffledSubarray(hosts, { minLength: hosts.length, maxLength: hosts.length }))
    );
    fc.assert(
      fc.property(listed, requestsArb(["binpack", "spread", "random"]), fc.integer(), ([hosts, shuffled], requests, seed) => {
        expect(schedule(shuffled, requests, { seed })).toEqual(schedule(hosts, requests, { seed }));
      }),
      { numRuns: 200 }
    );
  });

  it("never lets a preference exclude a host: one pool places as many containers with its preferences as without", () => {
    const preferences = fc.subarray<Constraint>([
      { key: "zone", op: "==", value: "z1", soft: true },
      { key: "zone", op: "!=", value: "z*", soft: true },
      { key: "idc", op: "==", value: "aliyun-bj", soft: true },
    ]);
    fc.assert(
      fc.property(hostsArb, requestsArb(["binpack", "spread", "random"]), preferences, fc.integer(), (hosts, requests, soft, seed) => {
        const pool = requests.filter((r) => r.pool === "p0");
        const preferring = pool.map((r) => ({ ...r, constraints: [...r.constraints, ...soft] }));
        expect(schedule(hosts, preferring, { seed }).placements.length).toBe(schedule(hosts, pool, { seed }).placements.length);
      }),
      { numRuns: 200 }
    );
  });

  it("explains every unplaced container with every host rejected by some filter", () => {
    fc.assert(
      fc.property(hostsArb, requestsArb(["binpack", "spread", "random"]), (hosts, requests) => {
        for (const u of schedule(hosts, requests).unplaced) {
          expect(Object.values(u.rejectedBy).reduce((a, b) => a + b, 0)).toBe(hosts.length);
          expect(u.reason.startsWith(`${u.pool}/${u.instance}: no host fits: ${hosts.length} hosts`)).toBe(true);
        }
      }),
      { numRuns: 200 }
    );
  });

  it("places every container when any one eligible host could take them all", () => {
    fc.assert(
      fc.property(hostsArb, requestsArb(["binpack", "spread", "random"]), fc.integer(), (hosts, requests, seed) => {
        const open = hosts.map((h) => ({ ...h, healthy: true, initialised: true, usedPorts: [], poolCounts: {} }));
        const simple = requests.map((r) => ({ ...r, ports: [0], constraints: [], antiAffinity: false, idcs: IDCS }));
        const demand = simple.reduce((s, r) => ({ cpu: s.cpu + r.resources.cpu, mem: s.mem + r.resources.memoryMiB }), {
          cpu: 0,
          mem: 0,
        });
        const roomy = open.some(
          (h) =>
            h.capacity.cpu - h.reserved.cpu >= demand.cpu && h.capacity.memoryMiB - h.reserved.memoryMiB >= demand.mem
        );
        fc.pre(roomy);
        expect(schedule(open, simple, { seed }).unplaced).toEqual([]);
      }),
      { numRuns: 200 }
    );
  });

  it("places every anti-affinity container when there are as many roomy hosts as replicas", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 30 }),
        fc.constantFrom<PlacementStrategy>("binpack", "spread", "random"),
        (hostCount, count, strategy) => {
          const hosts: SchedulerHost[] = Array.from({ length: hostCount }, (_, i) => ({
            node: `h${i}`,
            idc: "yf-private",
            zone: "z1",
            fleet: "f",
            attributes: {},
            capacity: { cpu: 16, memoryMiB: 32768 },
            reserved: { cpu: 0, memoryMiB: 0 },
            usedPorts: [],
            poolCounts: {},
            healthy: true,
            initialised: true,
            buffer: i % 3 === 0,
          }));
          const requests = Array.from(
            { length: count },
            (_, i): ContainerRequest => ({
              pool: "a",
              instance: String(i),
              resources: { cpu: 4, memoryMiB: 8192 },
              ports: [8080],
              idcs: ["yf-private"],
              constraints: [],
              antiAffinity: true,
              strategy,
            })
          );
          const result = schedule(hosts, requests);
          expect(result.placements).toHaveLength(Math.min(count, hostCount));
          expect(new Set(result.placements.map((p) => p.node)).size).toBe(result.placements.length);
        }
      ),
      { numRuns: 100 }
    );
  });

  it("spreads a pool so that per-host counts differ by at most one where capacity allows", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 80 }),
        fc.array(fc.nat(24), { maxLength: 20 }),
        (hostCount, count, used) => {
          const hosts: SchedulerHost[] = Array.from({ length: hostCount }, (_, i) => ({
            node: `h${i}`,
            idc: "yf-private",
            zone: "z1",
            fleet: "f",
            attributes: {},
            capacity: { cpu: 256, memoryMiB: 524288 },
            reserved: { cpu: used[i] ?? 0, memoryMiB: 0 },
            usedPorts: [],
            poolCounts: {},
            healthy: true,
            initialised: true,
            buffer: false,
          }));
          const requests = Array.from(
            { length: count },
            (_, i): ContainerRequest => ({
              pool: "a",
              instance: String(i),
              resources: { cpu: 2, memoryMiB: 4096 },
              ports: [0],
              idcs: ["yf-private"],
              constraints: [],
              antiAffinity: false,
              strategy: "spread",
            })
          );
          const result = schedule(hosts, requests);
          const counts = hosts.map((h) => result.placements.filter((p) => p.node === h.node).length);
          expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        }
      ),
      { numRuns: 100 }
    );
  });
});
