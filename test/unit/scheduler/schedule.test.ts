/**
 * Behaviour of the pipeline, run through both the engine and the reference: they must
 * agree on every rule, so each case runs against each.
 */
import { referenceSchedule } from "../../../bench/reference-scheduler";
import { parseConstraint } from "../../../model/pool-rules/constraints";
import { schedule } from "../../../runtime/scheduler";
import { ContainerRequest, ScheduleResult, SchedulerHost } from "../../../runtime/scheduler/types";
import { host, nodes, replicas, request } from "./fixtures";

type Scheduler = (hosts: SchedulerHost[], requests: ContainerRequest[], options?: { seed?: number }) => ScheduleResult;

describe.each<[string, Scheduler]>([
  ["engine", schedule],
  ["reference", referenceSchedule],
])("%s", (_name, run) => {
  describe("binpack", () => {
    it("fills the fullest feasible host first", () => {
      const hosts = [
        host("empty"),
        host("half", { reserved: { cpu: 8, memoryMiB: 16384 } }),
        host("almost-full", { reserved: { cpu: 14, memoryMiB: 28672 } }),
      ];
      const result = run(hosts, replicas(3, "a"));
      expect(nodes(result)).toEqual({ "a/0": "almost-full", "a/1": "half", "a/2": "half" });
    });
    it("places the largest containers first, so a big one takes the gap a small one would have split", () => {
      const hosts = [host("gap", { reserved: { cpu: 8, memoryMiB: 16384 } }), host("empty")];
      const result = run(hosts, [request("small", 0), request("big", 0, { resources: { cpu: 8, memoryMiB: 16384 } })]);
      expect(nodes(result)).toEqual({ "big/0": "gap", "small/0": "empty" });
    });
    it("breaks memory ties after CPU: least free memory first", () => {
      const hosts = [
        host("h1", { reserved: { cpu: 4, memoryMiB: 4096 } }),
        host("h2", { reserved: { cpu: 4, memoryMiB: 8192 } }),
      ];
      expect(nodes(run(hosts, replicas(1, "a")))).toEqual({ "a/0": "h2" });
    });
  });

  describe("spread", () => {
    it("puts the next container where the pool has fewest, then on the least reserved host", () => {
      const hosts = [
        host("busy", { reserved: { cpu: 8, memoryMiB: 16384 } }),
        host("idle"),
        host("has-one", { poolCounts: { a: 1 }, reserved: { cpu: 2, memoryMiB: 4096 } }),
      ];
      const result = run(hosts, replicas(3, "a", { strategy: "spread" }));
      // For a/2, has-one and idle tie on every key (one of a, an eighth used, one container): node-name order.
      expect(nodes(result)).toEqual({ "a/0": "idle", "a/1": "busy", "a/2": "has-one" });
    });
    it("keeps per-host counts of a pool within one of each other", () => {
      const hosts = Array.from({ length: 7 }, (_, i) => host(`h${i}`, { capacity: { cpu: 64, memoryMiB: 131072 } }));
      const result = run(hosts, replicas(23, "a", { strategy: "spread" }));
      const counts = hosts.map((h) => result.placements.filter((p) => p.node === h.node).length);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(23);
    });
  });

  describe("spread over host classes", () => {
    const counts = (result: ScheduleResult, hosts: SchedulerHost[]) =>
      Object.fromEntries(hosts.map((h) => [h.node, result.placements.filter((p) => p.node === h.node).length]));

    it("balances relative to capacity: 60 one-core replicas on 21 and 42 cores end 20/40, as in Swarm", () => {
      const hosts = [
        host("small", { capacity: { cpu: 21, memoryMiB: 21 * 2048 } }),
        host("big", { capacity: { cpu: 42, memoryMiB: 42 * 2048 } }),
      ];
      const result = run(hosts, replicas(60, "a", { strategy: "spread", resources: { cpu: 1, memoryMiB: 2048 } }));
      expect(counts(result, hosts)).toEqual({ small: 20, big: 40 });
    });
    it("fills mixed host classes in one IDC to the same share, none full before the others", () => {
      const big = { capacity: { cpu: 32, memoryMiB: 65536 } };
      const hosts = [host("private-1", big), host("private-2", big), host("cloud-1"), host("cloud-2")];
      // 36 × 2 cores of 96: three quarters of every host.
      const result = run(hosts, replicas(36, "a", { strategy: "spread" }));
      expect(counts(result, hosts)).toEqual({ "private-1": 12, "private-2": 12, "cloud-1": 6, "cloud-2": 6 });
    });
    it("keeps replicas apart on hosts of one class, however loaded they are", () => {
      // Load alone (Swarm's spread) would put two on an idle host before one on the busy host.
      const hosts = [host("idle-1"), host("idle-2"), host("busy", { reserved: { cpu: 8, memoryMiB: 16384 } })];
      const result = run(hosts, replicas(3, "a", { strategy: "spread" }));
      expect(counts(result, hosts)).toEqual({ "idle-1": 1, "idle-2": 1, busy: 1 });
    });
  });

  describe("ties, broken by the strategy's intent", () => {
    // Equal free resources on both; h1 runs one container, h2 two (Swarm's TestPlaceEqualWeight).
    const used = { cpu: 4, memoryMiB: 8192 };
    const hosts = [host("h1", { reserved: used, poolCounts: { x: 1 } }), host("h2", { reserved: used, poolCounts: { y: 2 } })];
    it("binpack takes the host with more containers", () => {
      expect(nodes(run(hosts, replicas(1, "a")))).toEqual({ "a/0": "h2" });
    });
    it("spread takes the host with fewer containers", () => {
      const [one, two] = hosts;
      expect(nodes(run([two, one], replicas(1, "a", { strategy: "spread" })))).toEqual({ "a/0": "h1" });
    });
    it("then the first host in node-name order, whatever order the hosts are listed in", () => {
      const twins = [host("b"), host("c"), host("a")];
      for (const strategy of ["binpack", "spread"] as const) {
        expect(nodes(run(twins, replicas(1, "p", { strategy })))).toEqual({ "p/0": "a" });
        expect(nodes(run([...twins].reverse(), replicas(1, "p", { strategy })))).toEqual({ "p/0": "a" });
      }
    });
  });

  describe("random", () => {
    const hosts = Array.from({ length: 20 }, (_, i) => host(`h${i}`));
    const requests = replicas(40, "a", { strategy: "random" });
    it("gives the same placements for the same seed", () => {
      expect(run(hosts, requests, { seed: 7 })).toEqual(run(hosts, requests, { seed: 7 }));
    });
    it("gives different placements for different seeds", () => {
      expect(nodes(run(hosts, requests, { seed: 7 }))).not.toEqual(nodes(run(hosts, requests, { seed: 8 })));
    });
    it("stays uniform over many placements on few hosts", () => {
      const roomy = Array.from({ length: 10 }, (_, i) => host(`r${i}`, { capacity: { cpu: 10000, memoryMiB: 1e8 } }));
      const result = run(roomy, replicas(4000, "a", { strategy: "random" }), { seed: 3 });
      const counts = roomy.map((h) => result.placements.filter((p) => p.node === h.node).length);
      for (const c of counts) expect(Math.abs(c - 400)).toBeLessThan(80);
    });
    it("uses many hosts rather than packing", () => {
      const used = new Set(run(hosts, requests, { seed: 3 }).placements.map((p) => p.node));
      expect(used.size).toBeGreaterThan(10);
    });
  });

  describe("preferences (soft constraints)", () => {
    const inZone = (node: string, z: string, overrides: Parameters<typeof host>[1] = {}) =>
      host(node, { zone: z, attributes: { zone: z }, ...overrides });
    const preferA = { constraints: [parseConstraint("zone==~yf-a")] };

    it("put containers on hosts that meet them while those have room, then on the others; none is left unplaced", () => {
      const small = { capacity: { cpu: 4, memoryMiB: 8192 } };
      const hosts = [inZone("b1", "yf-b"), inZone("a1", "yf-a", small), inZone("a2", "yf-a", small)];
      const result = run(hosts, replicas(6, "p", { strategy: "spread", ...preferA }));
      expect(Object.values(nodes(result))).toEqual(["a1", "a2", "a1", "a2", "b1", "b1"]);
      expect(result.unplaced).toEqual([]);
    });
    it("rank before the strategy: binpack's fullest host loses to an empty host that meets the preference", () => {
      const hosts = [inZone("a-empty", "yf-a"), inZone("b-full", "yf-b", { reserved: { cpu: 14, memoryMiB: 28672 } })];
      expect(nodes(run(hosts, replicas(1, "p", preferA)))).toEqual({ "p/0": "a-empty" });
      expect(nodes(run(hosts, replicas(1, "p")))).toEqual({ "p/0": "b-full" });
    });
    it("rank after the buffer and the IDC order: an assigned host that misses them goes before a buffer host that meets them", () => {
      const hosts = [inZone("a-buffer", "yf-a", { buffer: true }), inZone("b-assigned", "yf-b")];
      expect(nodes(run(hosts, replicas(1, "p", preferA)))).toEqual({ "p/0": "b-assigned" });
    });
    it("prefer hosts that meet more of them, globs included", () => {
      const hosts = [
        inZone("none", "yf-c", { attributes: { zone: "yf-c", disk: "hdd" } }),
        inZone("one", "yf-a", { attributes: { zone: "yf-a", disk: "hdd" } }),
        inZone("both", "yf-a", { attributes: { zone: "yf-a", disk: "ssd-nvme" } }),
      ];
      const both = { constraints: [parseConstraint("zone==~yf-a"), parseConstraint("disk==~ssd*")], strategy: "spread" as const };
      const result = run(hosts, replicas(3, "p", both));
      expect(Object.values(nodes(result))).toEqual(["both", "both", "both"]);
      const full = run(hosts.map((h) => (h.node === "both" ? { ...h, reserved: h.capacity } : h)), replicas(1, "p", both));
      expect(nodes(full)).toEqual({ "p/0": "one" });
    });
  });

  describe("preference", () => {
    it("uses the first listed IDC first, the next one when it is full", () => {
      const hosts = [host("cloud", { idc: "aliyun-bj" }), host("private", { capacity: { cpu: 4, memoryMiB: 8192 } })];
      const result = run(hosts, replicas(3, "a", { idcs: ["yf-private", "aliyun-bj"], strategy: "spread" }));
      expect(nodes(result)).toEqual({ "a/0": "private", "a/1": "private", "a/2": "cloud" });
      const cloudFirst = run(hosts, replicas(1, "a", { idcs: ["aliyun-bj", "yf-private"] }));
      expect(nodes(cloudFirst)).toEqual({ "a/0": "cloud" });
    });
    it("takes a buffer host only when no assigned host fits, in any IDC", () => {
      const hosts = [
        host("buffer-private", { buffer: true }),
        host("assigned-cloud", { idc: "aliyun-bj", capacity: { cpu: 2, memoryMiB: 4096 } }),
      ];
      const result = run(hosts, replicas(2, "a", { idcs: ["yf-private", "aliyun-bj"], strategy: "spread" }));
      expect(nodes(result)).toEqual({ "a/0": "assigned-cloud", "a/1": "buffer-private" });
    });
    it("treats a buffer host that took a container as assigned afterwards", () => {
      const hosts = [
        host("b1", { buffer: true }),
        host("b2", { buffer: true }),
        host("full", { reserved: { cpu: 16, memoryMiB: 32768 } }),
      ];
      const result = run(hosts, replicas(3, "a", { strategy: "spread" }));
      expect(new Set(Object.values(nodes(result)))).toEqual(new Set(["b1"]));
    });
  });

  describe("unplaceable containers", () => {
    it("counts each rejected host under the first filter that rejects it and says so in one line", () => {
      const hosts = [
        host("down", { healthy: false }),
        host("cloud", { idc: "aliyun-bj" }),
        host("other-zone", { zone: "yf-b", attributes: { zone: "yf-b" } }),
        host("runs-a", { poolCounts: { a: 1 } }),
        host("port-taken", { usedPorts: [8080] }),
        host("full", { reserved: { cpu: 15, memoryMiB: 1024 } }),
      ];
      const result = run(hosts, [
        request("a", 17, {
          antiAffinity: true,
          ports: [8080],
          constraints: [{ key: "zone", op: "==", value: "yf-a" }],
        }),
      ]);
      expect(result.placements).toEqual([]);
      expect(result.unplaced).toEqual([
        {
          pool: "a",
          instance: "17",
          rejectedBy: { health: 1, idc: 1, constraint: 1, "anti-affinity": 1, port: 1, resources: 1 },
          reason:
            "a/17: no host fits: 6 hosts — health: 1, idc: 1, constraint: 1 (zone==yf-a), anti-affinity: 1, " +
            "port: 1 (8080 in use), resources: 1 (closest: full, short 1 CPU)",
        },
      ]);
    });
    it("names the constraint that no host meets, as Swarm does, and each one with its hosts when several", () => {
      const zone = (node: string, z: string) => host(node, { idc: "aliyun-bj", zone: z, attributes: { zone: z, rack: "r1" } });
      const hosts = [zone("h1", "cn-beijing-h"), zone("h2", "cn-beijing-i"), zone("h3", "cn-beijing-k")];
      const pinned = run(hosts, [request("a", 0, { idcs: ["aliyun-bj"], constraints: [parseConstraint("zone==cn-beijing-x")] })]);
      expect(pinned.unplaced[0].reason).toBe("a/0: no host fits: 3 hosts — constraint: 3 (zone==cn-beijing-x)");
      const two = [parseConstraint("zone!=cn-beijing-k"), parseConstraint("rack==r2*"), parseConstraint("zone==~cn-beijing-h")];
      const result = run(hosts, [request("a", 0, { idcs: ["aliyun-bj"], constraints: two })]);
      expect(result.unplaced[0].reason).toBe("a/0: no host fits: 3 hosts — constraint: 3 (rack==r2* on 2, zone!=cn-beijing-k on 1)");
    });
    it("names the ports in use, with the hosts each one stopped when there are several", () => {
      const hosts = [host("h1", { usedPorts: [8080] }), host("h2", { usedPorts: [8081] }), host("h3", { usedPorts: [8080, 8081] })];
      const result = run(hosts, [request("a", 0, { ports: [8080, 8081] })]);
      expect(result.unplaced[0].reason).toBe("a/0: no host fits: 3 hosts — port: 3 (8080 in use on 2, 8081 in use on 1)");
    });
    it("names the resource that ran short and by how much on the host closest to fitting", () => {
      const ask = { cpu: 4, memoryMiB: 8192 };
      const hosts = [
        host("far", { reserved: { cpu: 15, memoryMiB: 0 } }),
        host("near", { reserved: { cpu: 12.5, memoryMiB: 25600 } }),
        host("memory-only", { reserved: { cpu: 0, memoryMiB: 28672 } }),
      ];
      const result = run(hosts, [request("a", 0, { resources: ask })]);
      // near lacks 0.5 of 4 CPU and 1024 of 8192 MiB (an eighth), memory-only half the memory, far three quarters of the CPU.
      expect(result.unplaced[0].reason).toBe(
        "a/0: no host fits: 3 hosts — resources: 3 (closest: near, short 0.5 CPU and 1024 MiB memory)"
      );
      expect(result.unplaced[0].rejectedBy).toEqual({ resources: 3 });
    });
    it("places what fits and explains each container that does not, in request order", () => {
      const hosts = [host("h1"), host("h2")];
      const result = run(hosts, replicas(4, "a", { antiAffinity: true }));
      expect(result.placements.map((p) => p.instance)).toEqual(["0", "1"]);
      expect(result.unplaced.map((u) => u.reason)).toEqual([
        "a/2: no host fits: 2 hosts — anti-affinity: 2",
        "a/3: no host fits: 2 hosts — anti-affinity: 2",
      ]);
    });
    it("says so when there are no hosts at all", () => {
      expect(run([], [request("a", 1)]).unplaced[0].reason).toBe("a/1: no host fits: 0 hosts");
    });
  });

  it("returns placements in the order the requests were given", () => {
    const hosts = [host("h1"), host("h2")];
    const requests = [
      request("small", 1),
      request("big", 1, { resources: { cpu: 16, memoryMiB: 32768 } }),
      request("small", 2),
    ];
    expect(run(hosts, requests).placements.map((p) => `${p.pool}/${p.instance}`)).toEqual([
      "small/1",
      "big/1",
      "small/2",
    ]);
  });

  it("does not change its input", () => {
    const hosts = [host("h1", { poolCounts: { a: 1 }, usedPorts: [9100] })];
    const before = JSON.stringify(hosts);
    run(hosts, replicas(3, "a", { ports: [8080, 0] }));
    expect(JSON.stringify(hosts)).toBe(before);
  });
});
