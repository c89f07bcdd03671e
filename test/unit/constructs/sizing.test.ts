import fc from "fast-check";
import { CONTAINER_TYPES, CONTAINER_TYPE_NAMES } from "../../../model/container-types";
import { HostPacker, SizingFleet, SizingIdc, SizingPool, sizeFleets } from "../../../constructs/sizing";

const idcs: SizingIdc[] = [
  { name: "yf-private", kind: "private" },
  { name: "aliyun-bj", kind: "cloud" },
];
const privateClass = { cpu: 32, memoryMiB: 64 * 1024 };
const cloudClass = { cpu: 16, memoryMiB: 32 * 1024 };
const fleets = (opts: { free?: number; privateBuffer?: number; cloudBuffer?: number } = {}): SizingFleet[] => [
  { name: "yf-standard", idc: "yf-private", hostClass: privateClass, bufferHosts: opts.privateBuffer ?? 0, freeHosts: opts.free ?? 0 },
  { name: "bj-standard", idc: "aliyun-bj", hostClass: cloudClass, bufferHosts: opts.cloudBuffer ?? 0, freeHosts: 0 },
];
const pool = (name: string, type: keyof typeof CONTAINER_TYPES, n: number, poolIdcs = ["yf-private", "aliyun-bj"], antiAffinity = false): SizingPool => ({
  name,
  replicas: n,
  effectiveReplicas: n,
  container: CONTAINER_TYPES[type],
  idcs: poolIdcs,
  antiAffinity,
});
const fleetOf = (r: ReturnType<typeof sizeFleets>, name: string) => r.fleets.find((f) => f.fleet === name)!;

describe("HostPacker", () => {
  it("packs by the tighter of CPU and memory", () => {
    const p = new HostPacker({ cpu: 16, memoryMiB: 16 * 1024 });
    // dP02 is 4 cpu / 8 GiB: memory allows 2 per host, CPU 4.
    expect(p.place("a", CONTAINER_TYPES.dP02, 5, false)).toBe(5);
    expect(p.hosts).toHaveLength(3);
  });

  it("fills gaps in open hosts before opening new ones", () => {
    const p = new HostPacker(cloudClass);
    p.place("big", CONTAINER_TYPES.dP03, 3, false); // 8 cpu each: two hosts, the second half full
    p.place("small", CONTAINER_TYPES.dP01, 4, false); // 2 cpu each: fit in the gap of host 2
    expect(p.hosts).toHaveLength(2);
    expect(p.hostsOf("small")).toBe(1);
  });

  it("honours one-per-host anti-affinity", () => {
    const p = new HostPacker(privateClass);
    expect(p.place("nginx", CONTAINER_TYPES.dP01, 7, true)).toBe(7);
    expect(p.hosts).toHaveLength(7);
    expect(p.hosts.every((h) => h.pools.get("nginx") === 1)).toBe(true);
  });

  it("stops at the host limit and reports how many fit", () => {
    const p = new HostPacker(cloudClass);
    expect(p.place("a", CONTAINER_TYPES.dP02, 10, false, 2)).toBe(8);
    expect(p.hosts).toHaveLength(2);
  });

  it("refuses a container larger than the host class", () => {
    expect(() => new HostPacker(cloudClass).place("huge", { cpu: 32, memoryMiB: 1024 }, 1, false)).toThrow("does not fit");
  });

  it("never overfills a host and places everything when unlimited (property)", () => {
    const group = fc.record({
      type: fc.constantFrom(...CONTAINER_TYPE_NAMES),
      n: fc.integer({ min: 0, max: 60 }),
      anti: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(group, { maxLength: 8 }), fc.constantFrom(cloudClass, privateClass, { cpu: 24, memoryMiB: 40 * 1024 }), (groups, hostClass) => {
        const p = new HostPacker(hostClass);
        const used = new Map<number, { cpu: number; mem: number }>();
        groups.forEach((g, i) => expect(p.place(`p${i}`, CONTAINER_TYPES[g.type], g.n, g.anti)).toBe(g.n));
        p.hosts.forEach((h, hi) => {
          expect(h.cpu).toBeGreaterThanOrEqual(0);
          expect(h.memoryMiB).toBeGreaterThanOrEqual(0);
          let cpu = 0;
          let mem = 0;
          for (const [name, count] of h.pools) {
            const g = groups[Number(name.slice(1))];
            if (g.anti) expect(count).toBe(1);
            cpu += count * CONTAINER_TYPES[g.type].cpu;
            mem += count * CONTAINER_TYPES[g.type].memoryMiB;
          }
          used.set(hi, { cpu, mem });
          expect(cpu).toBe(hostClass.cpu - h.cpu);
          expect(mem).toBe(hostClass.memoryMiB - h.memoryMiB);
        });
        const placed = groups.map((_, i) => p.hosts.reduce((n, h) => n + (h.pools.get(`p${i}`) ?? 0), 0));
        expect(placed).toEqual(groups.map((g) => g.n));
      }),
      { numRuns: 60 },
    );
  });
});

describe("sizeFleets", () => {
  it("fills the private IDC's free hosts (less its buffer) first and overflows to the cloud", () => {
    // 20 free, 2 kept as buffer: 18 hosts × 8 dP02 = 144 containers fit privately.
    const r = sizeFleets(idcs, fleets({ free: 20, privateBuffer: 2, cloudBuffer: 5 }), [pool("feed-api", "dP02", 200)]);
    expect(r.allocations).toEqual([
      expect.objectContaining({ pool: "feed-api", fleet: "yf-standard", containers: 144, hosts: 18 }),
      expect.objectContaining({ pool: "feed-api", fleet: "bj-standard", containers: 56, hosts: 14 }),
    ]);
    expect(fleetOf(r, "yf-standard")).toMatchObject({ hostsForPools: 18, desiredHosts: 0 });
    expect(fleetOf(r, "bj-standard")).toMatchObject({ hostsForPools: 14, bufferHosts: 5, desiredHosts: 19 });
  });

  it("makes a private fleet short when it is a pool's last choice and has no room", () => {
    const r = sizeFleets(idcs, fleets({ free: 1 }), [pool("db", "dP04", 6, ["yf-private"])]);
    expect(fleetOf(r, "yf-standard")).toMatchObject({ hostsForPools: 3, freeHosts: 1, desiredHosts: 2 });
  });

  it("does not treat a private fleet's shortage hosts as room for pools that can go elsewhere", () => {
    // "only" has nowhere else to go and makes yf-standard short by one host; "flex" must
    // not fill that missing host's gaps, since it does not exist and was not declared free.
    const r = sizeFleets(idcs, fleets({ free: 0 }), [pool("only", "dP01", 1, ["yf-private"]), pool("flex", "dP01", 17)]);
    expect(fleetOf(r, "yf-standard")).toMatchObject({ hostsForPools: 1, desiredHosts: 1 });
    expect(r.allocations.filter((a) => a.pool === "flex")).toEqual([expect.objectContaining({ fleet: "bj-standard", containers: 17, hosts: 3 })]);
  });

  it("sizes a fleet for anti-affinity pools at one container per host", () => {
    const r = sizeFleets(idcs, fleets(), [pool("nginx", "dP01", 12, ["aliyun-bj"], true)]);
    expect(fleetOf(r, "bj-standard").hostsForPools).toBe(12);
  });

  it("skips IDCs without a fleet large enough and fails when none is", () => {
    const small: SizingFleet[] = [{ name: "tiny", idc: "yf-private", hostClass: { cpu: 4, memoryMiB: 8192 }, bufferHosts: 0, freeHosts: 100 }, fleets()[1]];
    const r = sizeFleets(idcs, small, [pool("big", "dP03", 2)]);
    expect(r.allocations).toEqual([expect.objectContaining({ fleet: "bj-standard", containers: 2 })]);
    expect(() => sizeFleets(idcs, small, [pool("huge", "dP04", 1, ["yf-private"])])).toThrow('pool "huge" needs 16 cpu / 32768 MiB');
  });

  const arbitraryPools = fc
    .array(
      fc.record({
        type: fc.constantFrom(...CONTAINER_TYPE_NAMES),
        n: fc.integer({ min: 0, max: 300 }),
        where: fc.constantFrom(["yf-private", "aliyun-bj"], ["aliyun-bj"], ["yf-private"], ["aliyun-bj", "yf-private"]),
        anti: fc.boolean(),
      }),
      { minLength: 1, maxLength: 8 },
    )
    .map((ps) => ps.map((p, i) => pool(`p${i}`, p.type, p.n, [...p.where], p.anti)));
  const arbitraryFleets = fc.record({ free: fc.integer({ min: 0, max: 60 }), privateBuffer: fc.integer({ min: 0, max: 5 }), cloudBuffer: fc.integer({ min: 0, max: 20 }) });

  it("capacity always covers demand (property)", () => {
    fc.assert(
      fc.property(arbitraryPools, arbitraryFleets, (pools, f) => {
        const fs = fleets(f);
        const r = sizeFleets(idcs, fs, pools);
        for (const p of pools) {
          const rows = r.allocations.filter((a) => a.pool === p.name);
          expect(rows.reduce((n, a) => n + a.containers, 0)).toBe(p.effectiveReplicas);
        }
        for (const fl of fs) {
          const s = fleetOf(r, fl.name);
          const rows = r.allocations.filter((a) => a.fleet === fl.name);
          const cpu = rows.reduce((n, a) => n + a.containers * pools.find((p) => p.name === a.pool)!.container.cpu, 0);
          // Hosts for pools hold all their containers, and an anti-affinity pool needs a host per container.
          expect(s.hostsForPools * fl.hostClass.cpu).toBeGreaterThanOrEqual(cpu);
          for (const a of rows) {
            if (pools.find((p) => p.name === a.pool)!.antiAffinity) expect(a.hosts).toBe(a.containers);
            expect(a.hosts).toBeLessThanOrEqual(s.hostsForPools);
          }
          // What the fleet will have (desired + free) covers what its pools and buffer need.
          expect(s.desiredHosts + s.freeHosts).toBeGreaterThanOrEqual(s.hostsForPools + s.bufferHosts);
        }
      }),
    );
  });

  it("is monotone in replicas: more of a pool never needs fewer hosts in total (property)", () => {
    fc.assert(
      fc.property(arbitraryPools, arbitraryFleets, fc.nat({ max: 200 }), fc.nat(), (pools, f, extra, pick) => {
        const i = pick % pools.length;
        const more = pools.map((p, j) => (j === i ? { ...p, replicas: p.replicas + extra, effectiveReplicas: p.effectiveReplicas + extra } : p));
        const total = (ps: SizingPool[]) => sizeFleets(idcs, fleets(f), ps).fleets.reduce((n, s) => n + s.hostsForPools, 0);
        expect(total(more)).toBeGreaterThanOrEqual(total(pools));
      }),
    );
  });

  it("adds the buffer one for one to a cloud fleet (property)", () => {
    fc.assert(
      fc.property(arbitraryPools, fc.nat({ max: 50 }), fc.nat({ max: 50 }), (pools, b, k) => {
        const cloudOnly = pools.map((p) => ({ ...p, idcs: ["aliyun-bj"] }));
        const desired = (buffer: number) => fleetOf(sizeFleets(idcs, fleets({ cloudBuffer: buffer }), cloudOnly), "bj-standard").desiredHosts;
        expect(desired(b + k)).toBe(desired(b) + k);
      }),
    );
  });

  it("never goes negative, and more free private capacity never buys more cloud hosts (property)", () => {
    fc.assert(
      fc.property(arbitraryPools, arbitraryFleets, fc.nat({ max: 100 }), (pools, f, more) => {
        const a = sizeFleets(idcs, fleets(f), pools);
        const b = sizeFleets(idcs, fleets({ ...f, free: f.free + more }), pools);
        for (const s of [...a.fleets, ...b.fleets]) expect(s.desiredHosts).toBeGreaterThanOrEqual(0);
        expect(fleetOf(b, "bj-standard").desiredHosts).toBeLessThanOrEqual(fleetOf(a, "bj-standard").desiredHosts);
      }),
    );
  });
});
