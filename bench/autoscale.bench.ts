/**
 * The controller's reaction to a load step: live traffic through the local site's entry
 * tier (HAProxy following dcp's upstreams with nginx-upsync-module's default 5 s pull)
 * rises threefold at once; a real `dcp controller` reads requests per second from the
 * entry containers' statistics and scales the web pool. Measured: seconds from the step
 * until every entry container routes to the new containers. Target: ≤ 30 s. Three rounds,
 * each back to the base load and scaled in before the next; requests that failed are
 * reported too.
 *
 *   npm run bench -- autoscale
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { runtimeEnv } from "../local-site";
import { LoadStep, addReports, noTraffic } from "../local-site/load-step";
import { PoolSpec } from "../model/desired-state";
import { applyDesired } from "../runtime";
import { ConsulClient } from "../runtime/consul/client";
import { DockerHosts } from "../runtime/docker/hosts";
import { readInventory } from "../runtime/inventory/read";
import { Benchmark, Figure, median } from "./harness";
import { benchDesired, benchEntryPool, benchFleet, benchPool, removePools } from "./runtime-support";

const ROUNDS = 3;
const TARGET = 20;
const BASE_RATE = 30;
const FACTOR = 3;

function pools(fleet: ReturnType<typeof benchFleet>["fleet"]): PoolSpec[] {
  const web = benchPool(fleet, "ascale-web", 2, {
    containerType: "dP02",
    healthCheck: { path: "/health", port: 0, intervalSeconds: 1, timeoutSeconds: 1 },
    autoscale: {
      min: 2,
      max: 6,
      target: TARGET,
      metric: { requestsPerSecond: { entryPool: "ascale-entry", port: "status", path: "/haproxy-stats;csv", format: "haproxy-csv" } },
      scaleOutCooldownSeconds: 2,
      scaleInCooldownSeconds: 10,
      schedule: [],
    },
  });
  web.upstream = { ...web.upstream!, consumers: { followWithinSeconds: 10, status: [] } };
  const entry = benchEntryPool(fleet, "ascale-entry", web.upstream.name);
  return [web, entry];
}

async function serving(consul: ConsulClient, dockers: DockerHosts, pool: string) {
  const inventory = await readInventory(consul, dockers);
  return inventory.hosts.flatMap((h) => (h.containers ?? []).filter((c) => c.pool === pool && c.running).map((c) => ({ ...c, address: h.address })));
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const bench: Benchmark = {
  name: "autoscale",
  needsFleet: true,
  async run(): Promise<Figure[]> {
    const { fleet, consul } = benchFleet();
    const dockers = new DockerHosts({ tlsDir: fleet.tlsDir });
    const [web, entry] = pools(fleet);
    await removePools(consul, [web, entry]);
    await consul.txn([{ verb: "delete-tree", key: `${consul.config.kvRoot}/autoscale/` }]);
    await applyDesired(benchDesired([web]), { profile: "local", progress: "quiet", waitLockSeconds: 120 });
    await applyDesired(benchDesired([web, entry]), { profile: "local", progress: "quiet", waitLockSeconds: 120 });
    const controller = spawn(join(__dirname, "..", "bin", "dcp"), ["controller", "--profile", "local", "--name", "bench", "--listen", "", "--interval", "1", "--resync", "5"], {
      env: { ...process.env, ...runtimeEnv(fleet) },
      stdio: "ignore",
      detached: true,
    });
    const statusUrls = async () => (await serving(consul, dockers, entry.name)).map((c) => `http://${c.address}:${c.ports[1]}/upstream_show`);
    const reactions: number[] = [];
    let traffic = noTraffic();
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const load = new LoadStep(fleet, { entryService: entry.name, upstream: web.upstream!.name, baseRate: BASE_RATE, factor: FACTOR, statusUrls });
        await load.start(2);
        await new Promise((resolve) => setTimeout(resolve, 5_000));
        load.step();
        reactions.push(await load.routedWithin(5, 120_000));
        traffic = addReports(traffic, await load.fall());
        await until(async () => (await serving(consul, dockers, web.name)).length === 2 && (await load.leastRouted()) === 2, "the scale-in back to 2", 120_000);
        traffic = addReports(traffic, await load.stop());
      }
    } finally {
      process.kill(-controller.pid!, "SIGTERM");
      await new Promise((resolve) => controller.once("close", resolve));
      await removePools(consul, [{ ...web, autoscale: undefined }, entry]);
      consul.close();
    }
    return [
      {
        name: "autoscale.load-step-to-serving.seconds",
        value: median(reactions),
        unit: "s",
        target: { op: "<=", value: 30 },
        note: `median of ${ROUNDS} (${reactions.map((r) => r.toFixed(1)).join(", ")}); traffic ${BASE_RATE} → ${BASE_RATE * FACTOR} requests/s through the entry tier, target ${TARGET}/s per container: 2 → 5 containers, until every entry container routes to them (its 5 s pull included)`,
      },
      { name: "autoscale.requests-failed", value: traffic.failed, unit: "requests", target: { op: "<=", value: 0 }, note: `of ${traffic.sent} sent over the ${ROUNDS} rounds, scale-out and scale-in` },
    ];
  },
};

export default bench;
