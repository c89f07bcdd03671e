/**
 * Measures the per-call latencies of the real daemons of a local site, for the scale
 * simulation (bench/sim/): every Docker Engine call and Consul agent call that an apply
 * makes, one at a time on each host (the simulation's daemons work one request at a time
 * too), through the same driver and client dcp uses (TLS, keep-alive). Writes
 * bench/sim/latencies.json.
 *
 *   DCP_BENCH_FLEET=<site> npx tsx bench/sim/measure-latencies.ts [rounds per host, default 25]
 *
 * Run it on a quiet machine: the samples are what the simulation replays.
 */
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { readSite, runtimeEnv } from "../../local-site";
import { ConsulClient, consulConfigFromEnv } from "../../runtime/consul/client";
import { HostDocker } from "../../runtime/docker/driver";
import { CreateChange } from "../../runtime/plan/types";
import { BENCH_FLEET } from "../runtime-support";
import { LatencyFile, SIM_CALLS, SimCall } from "./latencies";

const ROUNDS = Number(process.argv[2] ?? 25);

async function timed(samples: Record<SimCall, number[]>, call: SimCall, fn: () => Promise<unknown>): Promise<void> {
  const t0 = process.hrtime.bigint();
  await fn();
  samples[call].push(Number(process.hrtime.bigint() - t0) / 1e6);
}

/** A create change for the demo image, as the planner would make it. */
function demoContainer(image: string, name: string, port: number): CreateChange {
  return {
    kind: "create", wave: 0, chain: name, direction: "up", node: "", reason: "scale-out",
    pool: "sim-measure", instance: name, containerName: name, specHash: "measure",
    image, containerType: "dP01", resources: { cpu: 2, memoryMiB: 4096 },
    ports: [{ name: "http", port }], env: {},
  };
}

async function waitAnswers(url: string): Promise<void> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${url} did not answer within 10 s`);
}

async function measureHost(site: ReturnType<typeof readSite>, host: (typeof site.hosts)[number], consul: ConsulClient, samples: Record<SimCall, number[]>): Promise<void> {
  const docker = new HostDocker(host.node, host.dockerEndpoint, { tlsDir: site.tlsDir });
  const agent = consul.agentAt(host.ip);
  await docker.ensureImage(site.image);
  for (let r = 0; r < ROUNDS; r++) {
    const name = `sim-measure-${r}`;
    const port = 29000 + r;
    await docker.remove(name);
    await timed(samples, "ping", () => docker.ping(5000));
    await timed(samples, "list", () => docker.listDcpContainers(5000));
    await timed(samples, "imageInspect", () => docker.docker.getImage(site.image).inspect());
    await timed(samples, "create", () => docker.create(demoContainer(site.image, name, port), 0.02));
    await timed(samples, "start", () => docker.start(name));
    await timed(samples, "inspect", () => docker.running(name));
    await waitAnswers(`http://${host.ip}:${port}/health`);
    await timed(samples, "register", () =>
      agent.registerService({ serviceId: name, name: "sim-measure", address: host.ip, port, tags: [], meta: {}, check: { url: `http://${host.ip}:${port}/health`, intervalSeconds: 30, timeoutSeconds: 2, initialStatus: "passing" } }),
    );
    await timed(samples, "deregister", () => agent.deregisterService(name));
    await timed(samples, "stop", () => docker.stop(name, 10));
    await timed(samples, "remove", () => docker.remove(name));
  }
}

async function main(): Promise<void> {
  const site = readSite(BENCH_FLEET);
  Object.assign(process.env, runtimeEnv(site));
  const consul = new ConsulClient(consulConfigFromEnv({ address: site.consulHttp }));
  const samples = Object.fromEntries(SIM_CALLS.map((c) => [c, [] as number[]])) as Record<SimCall, number[]>;
  const loadBefore = loadavg()[0];
  try {
    // One host at a time: what a daemon takes for one request, not what two cores shared by six daemons give.
    for (const host of site.hosts) await measureHost(site, host, consul, samples);
  } finally {
    consul.close();
  }
  const file: LatencyFile = {
    measuredAt: new Date().toISOString(),
    how: `bench/sim/measure-latencies.ts on local site ${site.name} (${site.hosts.length} hosts, Docker over TLS, Consul 1.8.7 agents): ${ROUNDS} rounds per host, one call at a time; load average ${loadBefore.toFixed(2)} before`,
    samplesMs: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.map((x) => +x.toFixed(2))])) as Record<SimCall, number[]>,
  };
  const out = join(__dirname, "latencies.json");
  writeFileSync(out, JSON.stringify(file, null, 1) + "\n");
  for (const call of SIM_CALLS) {
    const sorted = [...samples[call]].sort((a, b) => a - b);
    console.log(`${call.padEnd(13)} median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} ms  p90 ${sorted[Math.floor(sorted.length * 0.9)].toFixed(1)} ms  (${sorted.length})`);
  }
  console.log(`written to ${out}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
