/**
 * Scheduler benchmark: 3,000 hosts (two IDCs, six zones, 32c/64g private and 16c/32g
 * cloud hosts, some partly used, some in the buffer, a few unhealthy) and 30,000
 * containers of dP01–dP04 (zone constraints and zone preferences, anti-affinity and
 * fixed ports on some pools), seeded. Runs dcp's scheduler with binpack and with spread, and the
 * every-host-for-every-container reference with binpack, on the same input.
 */
import { CONTAINER_TYPES, ContainerTypeName } from "../model/container-types";
import { PlacementStrategy } from "../model/desired-state";
import { schedule } from "../runtime/scheduler";
import { hostStates } from "../runtime/scheduler/host-state";
import { FILTERS } from "../runtime/scheduler/pipeline";
import { mulberry32 } from "../runtime/scheduler/rng";
import { unmetPreferences } from "../runtime/scheduler/scorers/soft-constraints";
import { Constraint, ContainerRequest, ScheduleResult, SchedulerHost } from "../runtime/scheduler/types";
import { Benchmark, Figure, peakRssMB } from "./harness";
import { placementViolations, referenceSchedule } from "./reference-scheduler";

const SEED = 20261122;
const HOSTS = 3000;
const CONTAINERS = 30000;

const IDCS = [
  { name: "yf-private", fleet: "yf-standard", zones: ["yf-a", "yf-b", "yf-c"], hosts: 2400, cpu: 32, cloud: false },
  {
    name: "aliyun-bj",
    fleet: "bj-standard",
    zones: ["cn-beijing-h", "cn-beijing-i", "cn-beijing-j"],
    hosts: 600,
    cpu: 16,
    cloud: true,
  },
];

/** Containers per type: mostly small, as on a service platform; about 84% of the healthy capacity in total. */
const CONTAINERS_PER_TYPE: Record<ContainerTypeName, number> = { dP01: 27000, dP02: 2200, dP03: 600, dP04: 200 };
const POOLS_PER_TYPE: Record<ContainerTypeName, number> = { dP01: 20, dP02: 8, dP03: 4, dP04: 3 };

function buildHosts(rng: () => number): SchedulerHost[] {
  const hosts: SchedulerHost[] = [];
  for (const idc of IDCS) {
    for (let i = 0; i < idc.hosts; i++) {
      const zone = idc.zones[i % idc.zones.length];
      const capacity = { cpu: idc.cpu, memoryMiB: idc.cpu * 2048 };
      const host: SchedulerHost = {
        node: `${idc.name}-${String(i).padStart(4, "0")}`,
        idc: idc.name,
        zone,
        fleet: idc.fleet,
        attributes: { idc: idc.name, zone, fleet: idc.fleet, dcp_cloud: String(idc.cloud) },
        capacity,
        reserved: { cpu: 0, memoryMiB: 0 },
        usedPorts: [],
        poolCounts: {},
        healthy: rng() > 0.005,
        initialised: true,
        buffer: rng() < 0.05,
      };
      if (rng() < 0.1) {
        // Partly used by containers placed earlier, not always in the 1:2 CPU:memory shape.
        const cpu = 2 + Math.floor(rng() * 6) * 2;
        host.reserved = { cpu, memoryMiB: cpu * 2048 + (rng() < 0.3 ? 4096 : 0) };
        host.usedPorts = [9100];
        host.poolCounts = { "node-exporter": 1 };
        host.buffer = false;
      }
      hosts.push(host);
    }
  }
  return hosts;
}

interface PoolShape {
  name: string;
  type: ContainerTypeName;
  replicas: number;
  idcs: string[];
  constraints: Constraint[];
  antiAffinity: boolean;
  ports: number[];
}

function buildPools(rng: () => number): PoolShape[] {
  const pools: PoolShape[] = [];
  let fixedPort = 8080;
  for (const type of Object.keys(CONTAINERS_PER_TYPE) as ContainerTypeName[]) {
    const count = POOLS_PER_TYPE[type];
    const weights = Array.from({ length: count }, () => 0.3 + rng());
    const total = weights.reduce((a, b) => a + b, 0);
    let left = CONTAINERS_PER_TYPE[type];
    for (let i = 0; i < count; i++) {
      const replicas = i === count - 1 ? left : Math.round((CONTAINERS_PER_TYPE[type] * weights[i]) / total);
      left -= replicas;
      const pick = rng();
      // Most pools burst from the private IDC to the cloud; some stay private; a few small ones are cloud-only.
      const idcs =
        pick < 0.65 ? ["yf-private", "aliyun-bj"] : pick < 0.9 || replicas > 300 ? ["yf-private"] : ["aliyun-bj"];
      const constraints: Constraint[] = [];
      const rule = rng();
      if (rule < 0.2 && replicas <= 1500) {
        constraints.push({ key: "zone", op: "==", value: idcs[0] === "yf-private" ? "yf-b" : "cn-beijing-h" });
      } else if (rule < 0.35) {
        constraints.push({ key: "zone", op: "!=", value: idcs[0] === "yf-private" ? "yf-c" : "cn-beijing-j" });
      } else if (rule < 0.45) {
        constraints.push({ key: "zone", op: "==", value: idcs[0] === "yf-private" ? "yf-a" : "cn-beijing-i", soft: true });
      }
      // One per host only fits pools smaller than their hosts; such pools get anti-affinity or a fixed port.
      const onePerHost = replicas <= 400 && rng() < 0.6;
      const antiAffinity = onePerHost && rng() < 0.5;
      pools.push({
        name: `${type.toLowerCase()}-svc-${i}`,
        type,
        replicas,
        idcs,
        constraints,
        antiAffinity,
        ports: onePerHost && !antiAffinity ? [fixedPort++] : [0],
      });
    }
  }
  return pools;
}

function buildRequests(pools: PoolShape[], strategy: PlacementStrategy): ContainerRequest[] {
  return pools.flatMap((p) =>
    Array.from({ length: p.replicas }, (_, i) => ({
      pool: p.name,
      instance: String(i),
      resources: CONTAINER_TYPES[p.type],
      ports: p.ports,
      idcs: p.idcs,
      constraints: p.constraints,
      antiAffinity: p.antiAffinity,
      strategy,
    }))
  );
}

/** Hosts in use after placement, and the lower bound: per host class, total reservations ÷ class capacity. */
function packing(hosts: SchedulerHost[], requests: ContainerRequest[], result: ScheduleResult) {
  const states = new Map(hostStates(hosts).map((s) => [s.host.node, s]));
  const byInstance = new Map(requests.map((r) => [`${r.pool}/${r.instance}`, r]));
  for (const p of result.placements) states.get(p.node)!.place(byInstance.get(`${p.pool}/${p.instance}`)!);
  const classes = new Map<string, { cpu: number; mem: number; capCpu: number; capMem: number; used: number }>();
  for (const s of states.values()) {
    const cap = s.host.capacity;
    const usedCpu = cap.cpu - s.freeCpu;
    const usedMem = cap.memoryMiB - s.freeMemoryMiB;
    if (usedCpu <= 0 && usedMem <= 0) continue;
    const key = `${cap.cpu}c/${cap.memoryMiB}MiB`;
    const c = classes.get(key) ?? { cpu: 0, mem: 0, capCpu: cap.cpu, capMem: cap.memoryMiB, used: 0 };
    c.cpu += usedCpu;
    c.mem += usedMem;
    c.used++;
    classes.set(key, c);
  }
  let used = 0;
  let lowerBound = 0;
  for (const c of classes.values()) {
    used += c.used;
    lowerBound += Math.max(Math.ceil(c.cpu / c.capCpu - 1e-9), Math.ceil(c.mem / c.capMem - 1e-9));
  }
  return { used, lowerBound };
}

/**
 * Spread quality: per pool, IDC and number of the pool's preferences a host misses (hosts
 * that meet them fill first), the largest container count on an eligible host minus the
 * smallest on an eligible assigned host that could still take one more. Hosts that are
 * full, and buffer hosts the pool was not sent to, cannot be evened out.
 */
function spreadDifference(hosts: SchedulerHost[], requests: ContainerRequest[], result: ScheduleResult): number {
  const states = hostStates(hosts);
  const byNode = new Map(states.map((s) => [s.host.node, s]));
  const byInstance = new Map(requests.map((r) => [`${r.pool}/${r.instance}`, r]));
  for (const p of result.placements) byNode.get(p.node)!.place(byInstance.get(`${p.pool}/${p.instance}`)!);
  const firstOfPool = new Map<string, ContainerRequest>();
  for (const r of requests) if (!firstOfPool.has(r.pool)) firstOfPool.set(r.pool, r);
  let worst = 0;
  for (const request of firstOfPool.values()) {
    const counts = new Map<string, { max: number; min: number }>();
    for (const s of states) {
      if (!FILTERS.every((f) => !f.static || f.accepts(s, request))) continue;
      const key = `${s.host.idc}/${unmetPreferences(s, request)}`;
      const c = counts.get(key) ?? { max: 0, min: Infinity };
      c.max = Math.max(c.max, s.count(request.pool));
      const open = !s.host.buffer && FILTERS.every((f) => f.static || f.accepts(s, request));
      if (open) c.min = Math.min(c.min, s.count(request.pool));
      counts.set(key, c);
    }
    for (const { max, min } of counts.values()) if (max > 0 && min < Infinity) worst = Math.max(worst, max - min);
  }
  return worst;
}

/** Wall-clock seconds (the target) and CPU seconds of this process (less disturbed by other load on the machine). */
function timed(run: () => ScheduleResult): { result: ScheduleResult; seconds: number; cpuSeconds: number } {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const result = run();
  const used = process.cpuUsage(cpu);
  return {
    result,
    seconds: Number(process.hrtime.bigint() - start) / 1e9,
    cpuSeconds: (used.user + used.system) / 1e6,
  };
}

function assertValid(name: string, hosts: SchedulerHost[], requests: ContainerRequest[], result: ScheduleResult) {
  const problems = placementViolations(hosts, requests, result);
  if (problems.length) throw new Error(`${name}: invalid placement: ${problems.slice(0, 5).join("; ")}`);
}

/** The seeded benchmark input: hosts, and the same pools as binpack and as spread requests. */
export function benchmarkInput() {
  const rng = mulberry32(SEED);
  const hosts = buildHosts(rng);
  const pools = buildPools(rng);
  return { hosts, pools, binpack: buildRequests(pools, "binpack"), spread: buildRequests(pools, "spread") };
}

const bench: Benchmark = {
  name: "scheduler",
  needsFleet: false,
  async run(): Promise<Figure[]> {
    const { hosts, pools, binpack: binpackRequests, spread: spreadRequests } = benchmarkInput();
    if (hosts.length !== HOSTS || binpackRequests.length !== CONTAINERS)
      throw new Error("benchmark input has the wrong size");

    // Cold runs: what a `dcp plan` pays. Peak memory is read before the reference runs.
    const binpack = timed(() => schedule(hosts, binpackRequests, { seed: SEED }));
    const spread = timed(() => schedule(hosts, spreadRequests, { seed: SEED }));
    const peak = peakRssMB();
    const reference = timed(() => referenceSchedule(hosts, binpackRequests, { seed: SEED }));
    assertValid("dcp binpack", hosts, binpackRequests, binpack.result);
    assertValid("dcp spread", hosts, spreadRequests, spread.result);
    assertValid("reference", hosts, binpackRequests, reference.result);

    const dcpPacking = packing(hosts, binpackRequests, binpack.result);
    const refPacking = packing(hosts, binpackRequests, reference.result);
    const refNodes = new Map(reference.result.placements.map((p) => [`${p.pool}/${p.instance}`, p.node]));
    const differing = binpack.result.placements.filter(
      (p) => refNodes.get(`${p.pool}/${p.instance}`) !== p.node
    ).length;
    const placed = binpack.result.placements.length + spread.result.placements.length;
    const input = `${HOSTS} hosts, ${CONTAINERS} containers, ${pools.length} pools`;
    return [
      { name: "scheduler.input.containers", value: CONTAINERS, unit: "containers", note: input },
      { name: "scheduler.binpack.seconds", value: binpack.seconds, unit: "s", target: { op: "<=", value: 0.5 } },
      { name: "scheduler.binpack.cpu_seconds", value: binpack.cpuSeconds, unit: "s", note: "CPU time of the same run" },
      { name: "scheduler.spread.seconds", value: spread.seconds, unit: "s", target: { op: "<=", value: 0.5 } },
      { name: "scheduler.spread.cpu_seconds", value: spread.cpuSeconds, unit: "s", note: "CPU time of the same run" },
      {
        name: "scheduler.placements_per_second",
        value: Math.round(placed / (binpack.seconds + spread.seconds)),
        unit: "/s",
        note: "binpack and spread runs together",
      },
      {
        name: "scheduler.unplaced.binpack",
        value: binpack.result.unplaced.length,
        unit: "containers",
        target: { op: "<=", value: 0 },
      },
      {
        name: "scheduler.unplaced.spread",
        value: spread.result.unplaced.length,
        unit: "containers",
        target: { op: "<=", value: 0 },
      },
      { name: "scheduler.peak_memory", value: peak, unit: "MB", note: "before the reference runs" },
      {
        name: "scheduler.binpack.hosts_used_over_lower_bound",
        value: dcpPacking.used / dcpPacking.lowerBound,
        unit: "x",
        target: { op: "<=", value: 1.03 },
        note: `${dcpPacking.used} hosts used, lower bound ${dcpPacking.lowerBound}`,
      },
      {
        name: "scheduler.spread.max_count_difference",
        value: spreadDifference(hosts, spreadRequests, spread.result),
        unit: "containers",
        target: { op: "<=", value: 1 },
        note: "per pool, IDC and preferences met; full hosts and unused buffer hosts excluded",
      },
      {
        name: "scheduler.reference.seconds",
        value: reference.seconds,
        unit: "s",
        note: `CPU ${reference.cpuSeconds.toFixed(3)} s`,
      },
      {
        name: "scheduler.speedup_vs_reference",
        value: reference.cpuSeconds / binpack.cpuSeconds,
        unit: "x",
        target: { op: ">=", value: 10 },
        note: "binpack, by CPU time",
      },
      {
        name: "scheduler.packing_ratio_reference_over_dcp",
        value: refPacking.used / dcpPacking.used,
        unit: "x",
        target: { op: ">=", value: 1 },
        note: `reference used ${refPacking.used} hosts`,
      },
      {
        name: "scheduler.placements_differing_from_reference",
        value: differing,
        unit: "containers",
        target: { op: "<=", value: 0 },
      },
    ];
  },
};

export default bench;
