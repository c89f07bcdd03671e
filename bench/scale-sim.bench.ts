/**
 * SIMULATION: one `dcp apply` of 10,000 containers onto 1,000 simulated hosts (bench/sim/):
 * stand-ins for each host's Docker Engine API (TLS) and Consul agent on loopback
 * addresses, whose calls take the latencies measured on the real daemons of a local site
 * (bench/sim/latencies.json), once as measured and once scaled to cloud-like hosts
 * (create + start 1.5 s). What is not a host stays real: dcp runs unchanged in this
 * process, against a real Consul server (KV, transactions, catalog, sessions).
 *
 * Figures: wall time; the ideal, i.e. the busiest simulated host's own serial work (no
 * client can finish before it); dcp's CPU per container; peak memory and sockets of dcp;
 * the CPU of dcp, the stand-ins, the Consul server and everything else over the apply, and
 * the floor the first three set on this machine's cores (cpuFigures). The cloud-like variant,
 * whose ratio has a target, runs three applies and reports the one with the median ratio.
 *
 *   npm run bench -- scale-sim
 *
 * For a smaller try: DCP_SIM_HOSTS, DCP_SIM_CONTAINERS, DCP_SIM_VARIANTS=local|cloud (figures
 * then describe that run; the committed results are of the full size).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { KV } from "../model/host-metadata";
import { applyDesired } from "../runtime";
import { ConsulClient, consulConfigFromEnv } from "../runtime/consul/client";
import { Benchmark, Figure, peakRssMB } from "./harness";
import { benchDesired, benchPool } from "./runtime-support";
import { machineBusySeconds, SimFleet, simHosts, startConsulServer } from "./sim/control";
import { SimHostSpec } from "./sim/fleet";
import { factorFor, readLatencyFile } from "./sim/latencies";

const HOSTS = Number(process.env.DCP_SIM_HOSTS ?? 1000);
const CONTAINERS = Number(process.env.DCP_SIM_CONTAINERS ?? 10_000);
const IMAGE = "registry.sim/dcp/demo:1";
/** Two processes serve the simulated hosts, so the stand-ins are not what limits the run. */
const SHARDS = 2;
const CORES = cpus().length;

interface Variant {
  name: "local" | "cloud";
  factor: number;
  what: string;
  /** Applies of this variant; its figures are those of the apply with the median wall / ideal (the machine's load varies from run to run). */
  applies: number;
}

/** CPU over the apply, in seconds: dcp's, the stand-ins', the Consul server's, and the rest of the machine's. */
interface ApplyCpu {
  dcp: number;
  simulation: number;
  consulServer: number;
  others: number;
}

interface RunResult {
  wallSeconds: number;
  /** Before the first change: inventory read, plan, preflight (images on every host). */
  before: { inventory: number; plan: number; preflight: number };
  idealSeconds: number;
  /** How late the stand-ins finished a host's operations, in sum, averaged over hosts (CPU they waited for). */
  standInLateSeconds: number;
  /** The busiest host's time without an operation to do between its first and last one: waiting for dcp. */
  busiestIdleSeconds: number;
  /** From the end of the preflight until the busiest host's first operation started. */
  busiestStartLagSeconds: number;
  /** From the end of the last host operation until the apply returned (health, registration, publishing). */
  tailSeconds: number;
  cpu: ApplyCpu;
  peakSockets: number;
  catalogWrites: number;
  reaped: number;
}

/** Every host initialised, as its bootstrap reports. */
async function reportReady(consul: ConsulClient, hosts: SimHostSpec[]): Promise<void> {
  const at = new Date().toISOString();
  await consul.txn(hosts.map((h) => ({ verb: "set" as const, key: KV.hostInit(consul.config.kvRoot, h.node), value: JSON.stringify({ stage: "ready", ok: true, at }) })));
}

/** Hosts that lost their serfHealth check: the server reaps catalog nodes that are not serf members (every 60 s). */
async function reapedHosts(consul: ConsulClient, hosts: SimHostSpec[]): Promise<number> {
  const serf = new Set((await consul.checks()).filter((c) => c.checkId === "serfHealth").map((c) => c.node));
  return hosts.filter((h) => !serf.has(h.node)).length;
}

async function runVariant(variant: Variant, hosts: SimHostSpec[]): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), "dcp-sim-"));
  const cleanup: Array<() => Promise<void> | void> = [() => rmSync(dir, { recursive: true, force: true })];
  try {
    const server = await startConsulServer(dir);
    cleanup.unshift(server.stop);
    const fleet = await SimFleet.start(hosts, { consulAddress: server.address, latencyFactor: variant.factor, image: IMAGE, shards: SHARDS, seed: 16 });
    cleanup.unshift(() => fleet.stop());
    const consul = new ConsulClient(consulConfigFromEnv({ address: server.address }));
    cleanup.unshift(() => consul.close());
    await fleet.join();
    await reportReady(consul, hosts);
    const pool = benchPool({ image: IMAGE }, "sim-feed", CONTAINERS);
    const before = { dcp: process.cpuUsage(), simulation: (await fleet.report()).cpuSeconds, consulServer: server.cpuSeconds(), machine: machineBusySeconds() };
    const applyStarted = Date.now();
    const report = await applyDesired(benchDesired([pool]), { consul, tlsDir: fleet.tlsDir, profile: "cloud", progress: "quiet", waitLockSeconds: 60 });
    const dcpCpu = process.cpuUsage(before.dcp);
    const cpu = { dcp: (dcpCpu.user + dcpCpu.system) / 1e6, simulation: (await fleet.report()).cpuSeconds - before.simulation, consulServer: server.cpuSeconds() - before.consulServer };
    const others = machineBusySeconds() - before.machine - cpu.dcp - cpu.simulation - cpu.consulServer;
    await fleet.synced();
    const sim = await fleet.report();
    const created = sim.hosts.reduce((s, h) => s + h.containers, 0);
    const published = (await consul.kvList(`${consul.config.upstreamPrefix}/${pool.upstream!.name}/`)).length;
    if (created !== CONTAINERS || published !== CONTAINERS) throw new Error(`${variant.name}: ${created} containers and ${published} upstream entries, expected ${CONTAINERS}`);
    const t = report.timings;
    const applyEnded = applyStarted + t.totalSeconds * 1000;
    const busiest = sim.hosts.reduce((a, b) => (b.busyMs > a.busyMs ? b : a));
    const firstChangeAt = applyEnded - t.executeSeconds * 1000;
    return {
      wallSeconds: t.totalSeconds,
      before: { inventory: t.inventorySeconds, plan: t.scheduleSeconds, preflight: t.preflightSeconds },
      idealSeconds: busiest.busyMs / 1000,
      standInLateSeconds: sim.hosts.reduce((s, h) => s + h.lateMs, 0) / sim.hosts.length / 1000,
      busiestIdleSeconds: busiest.idleMs / 1000,
      busiestStartLagSeconds: (busiest.firstAt - firstChangeAt) / 1000,
      tailSeconds: (applyEnded - Math.max(...sim.hosts.map((h) => h.lastEndAt))) / 1000,
      cpu: { ...cpu, others: Math.max(0, others) },
      peakSockets: sim.clientPeakSockets,
      catalogWrites: sim.catalogWrites,
      reaped: await reapedHosts(consul, hosts),
    };
  } finally {
    for (const step of cleanup) await step();
  }
}

/** Runs the variant's applies; returns the one with the median wall / ideal, and every apply's ratio in run order. */
async function medianApply(variant: Variant, hosts: SimHostSpec[]): Promise<{ median: RunResult; ratios: number[] }> {
  const runs: RunResult[] = [];
  for (let i = 0; i < variant.applies; i++) runs.push(await runVariant(variant, hosts));
  const ratio = (r: RunResult) => r.wallSeconds / r.idealSeconds;
  const sorted = [...runs].sort((a, b) => ratio(a) - ratio(b));
  return { median: sorted[Math.floor(sorted.length / 2)], ratios: runs.map(ratio) };
}

function figures(variant: Variant, r: RunResult, ratios: number[]): Figure[] {
  const p = `scale-sim.${variant.name}`;
  const reaped = r.reaped > 0 ? `; the Consul server reaped ${r.reaped} simulated nodes during the run (they are not serf members)` : "";
  const wallTarget: Figure["target"] = variant.name === "local" ? { op: "<=", value: 60 } : undefined;
  return [
    { name: `${p}.wall.seconds`, value: r.wallSeconds, unit: "s", target: wallTarget, note: `SIMULATION, ${variant.what}: ${CONTAINERS} containers on ${HOSTS} hosts, one apply (inventory, plan, create, start, healthy, registered, published)${reaped}` },
    { name: `${p}.ideal.seconds`, value: r.idealSeconds, unit: "s", note: "the busiest simulated host's own serial work (create, start)" },
    {
      name: `${p}.before-first-change.seconds`,
      value: r.before.inventory + r.before.plan + r.before.preflight,
      unit: "s",
      note: `while no host works yet: inventory ${r.before.inventory.toFixed(1)} s, plan ${r.before.plan.toFixed(1)} s, preflight (the image on every host) ${r.before.preflight.toFixed(1)} s`,
    },
    {
      name: `${p}.wall/ideal`,
      value: r.wallSeconds / r.idealSeconds,
      unit: "ratio",
      target: variant.name === "cloud" ? { op: "<=", value: 1.2 } : undefined,
      note: ratios.length > 1 ? `the median of ${ratios.length} applies (${ratios.map((x) => x.toFixed(2)).join(", ")}); this variant's other figures are that apply's` : undefined,
    },
    {
      name: `${p}.busiest-host-waiting.seconds`,
      value: r.busiestIdleSeconds,
      unit: "s",
      note: "how long the busiest host, between its first and last operation, had none to do: waiting for dcp's next request",
    },
    {
      name: `${p}.busiest-host-start-lag.seconds`,
      value: r.busiestStartLagSeconds,
      unit: "s",
      note: "from the first change until the busiest host's first operation: dcp sending its first requests",
    },
    {
      name: `${p}.tail.seconds`,
      value: r.tailSeconds,
      unit: "s",
      note: "from the end of the last host operation until the apply returned: the last containers' health, registration, upstreams",
    },
    {
      name: `${p}.stand-in-lateness.seconds`,
      value: r.standInLateSeconds,
      unit: "s",
      note: "per host, in sum: how late the stand-ins, short of CPU, answered the host's operations after their end on its own clock (not carried into its next operation)",
    },
    { name: `${p}.dcp-cpu-per-container.ms`, value: (r.cpu.dcp * 1000) / CONTAINERS, unit: "ms", note: "dcp's own CPU (user + system) over the apply, per container" },
    { name: `${p}.peak-sockets`, value: r.peakSockets, unit: "sockets", note: "dcp's open sockets, sampled every 250 ms by one of the simulation's processes" },
    ...cpuFigures(p, r),
  ];
}

/**
 * Where the machine's CPU went during the apply. On a machine this small everything shares
 * its cores: what the stand-ins and the Consul server burn (which real hosts and servers
 * would burn on their own machines) is wall time dcp does not get. The floor is the CPU of
 * dcp, the stand-ins and the server spread over every core: no apply here can take less
 * than the larger of it and the ideal.
 */
function cpuFigures(p: string, r: RunResult): Figure[] {
  const floor = (r.cpu.dcp + r.cpu.simulation + r.cpu.consulServer) / CORES;
  return [
    { name: `${p}.dcp-cpu.seconds`, value: r.cpu.dcp, unit: "s", note: "dcp's own CPU over the apply" },
    { name: `${p}.simulation-cpu.seconds`, value: r.cpu.simulation, unit: "s", note: `the stand-ins' CPU over the apply (${SHARDS} processes; real hosts would spend theirs on their own cores); ${r.catalogWrites} catalog writes by the simulated agents` },
    { name: `${p}.consul-server-cpu.seconds`, value: r.cpu.consulServer, unit: "s", note: "the Consul server's CPU over the apply (the agents' catalog syncs, dcp's transactions and reads)" },
    { name: `${p}.other-cpu.seconds`, value: r.cpu.others, unit: "s", note: "CPU the machine spent outside these three processes over the apply (/proc/stat: other users' work, kernel threads): it takes wall time too" },
    { name: `${p}.cpu-floor.seconds`, value: floor, unit: "s", note: `(dcp + stand-ins + Consul server CPU) / ${CORES} cores: no apply on this machine can take less than the larger of this and the ideal` },
  ];
}

const bench: Benchmark = {
  name: "scale-sim",
  needsFleet: false,
  async run(): Promise<Figure[]> {
    const latencies = readLatencyFile();
    const hosts = simHosts(HOSTS);
    const variants: Variant[] = [
      { name: "local", factor: 1, what: `latencies as measured (${latencies.measuredAt.slice(0, 10)})`, applies: 1 },
      { name: "cloud", factor: factorFor(latencies, 1.5), what: `cloud-like latencies (measured × ${factorFor(latencies, 1.5).toFixed(2)}: create + start 1.5 s)`, applies: 3 },
    ];
    const only = process.env.DCP_SIM_VARIANTS?.split(",");
    const out: Figure[] = [];
    for (const variant of variants.filter((v) => !only || only.includes(v.name))) {
      const { median, ratios } = await medianApply(variant, hosts);
      out.push(...figures(variant, median, ratios));
    }
    out.push({ name: "scale-sim.peak-memory.MB", value: peakRssMB(), unit: "MB", target: { op: "<=", value: 1024 }, note: "dcp's peak RSS over every apply" });
    return out;
  },
};

export default bench;
