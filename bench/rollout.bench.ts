/**
 * A zero-loss roll of 300 containers across the 6 hosts, in place (maxSurge 0,
 * maxUnavailable 25%: four waves of 75), under live traffic through the entry tier,
 * against bare dockerode stop + remove + create + start of the same containers at the same
 * parallelism on the same daemons. Reported: bare/dcp (what zero loss costs: dcp waits
 * for the consumers before each take-down, for health before each publish) and the
 * requests lost while dcp rolled, which must be 0.
 *
 * Rounds alternate dcp, bare, dcp, bare (the images alternate too, demo:1 ↔ demo:2); the
 * figures are the medians.
 */
import pLimit from "p-limit";
import { CatalogTargets, LocalSite, Traffic } from "../local-site";
import { PoolSpec } from "../model/desired-state";
import { applyDesired } from "../runtime";
import { DockerHosts } from "../runtime/docker/hosts";
import { readInventory } from "../runtime/inventory/read";
import { ConsulClient } from "../runtime/consul/client";
import { Benchmark, Figure, median } from "./harness";
import { assignAllHosts, benchDesired, benchEntryPool, benchFleet, benchPool, removePools, waitSettled } from "./runtime-support";

const CONTAINERS = 300;
const ROUNDS = 2;
const PARALLEL = 16;
const PER_HOST = 8;

function pools(fleet: LocalSite, image: string): [PoolSpec, PoolSpec] {
  const roll = benchPool(fleet, "bench-roll", CONTAINERS, { image, update: { maxSurge: 0, maxUnavailable: "25%" } });
  const entry = benchEntryPool(fleet, "bench-entry", roll.upstream!.name, {
    healthCheck: { path: "/nginx-health", port: 0, intervalSeconds: 2, timeoutSeconds: 1 },
    // 300 servers: enough slots; nginx-upsync-module's default 5 s between pulls.
    env: { UPSYNC_UPSTREAMS: roll.upstream!.name, UPSYNC_SLOTS: "320" },
  });
  return [roll, entry];
}

async function dcpRoll(fleet: LocalSite, image: string, targets: CatalogTargets, upstream: string): Promise<{ seconds: number; sent: number; lost: number; failures: string[] }> {
  const traffic = new Traffic(fleet, { targets: targets.list, rate: 100, clients: 4, host: upstream, maxSeconds: 600 });
  const report = await applyDesired(benchDesired(pools(fleet, image)), { profile: "local", progress: "quiet", parallel: PARALLEL, perHost: PER_HOST, waitLockSeconds: 120 });
  const rolled = report.plan.changes.filter((c) => c.kind === "create").length;
  if (rolled !== CONTAINERS) throw new Error(`dcp rolled ${rolled} containers, expected ${CONTAINERS}`);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const seen = await traffic.stop();
  for (const f of seen.failures) process.stderr.write(`rollout: lost ${f}\n`);
  return { seconds: report.timings.totalSeconds, sent: seen.sent, lost: seen.failed, failures: seen.failures };
}

/** Bare Docker: each container stopped, removed and created again from its own config with `image`, then started. */
async function bareRoll(consul: ConsulClient, dockers: DockerHosts, image: string): Promise<number> {
  const inventory = await readInventory(consul, dockers);
  const overall = pLimit(PARALLEL);
  const t0 = Date.now();
  await Promise.all(
    inventory.hosts.map((h) => {
      const docker = dockers.get(h.node, h.dockerEndpoint).docker;
      const perHost = pLimit(PER_HOST);
      return Promise.all(
        (h.containers ?? [])
          .filter((c) => c.pool === "bench-roll")
          .map((c) =>
            overall(() =>
              perHost(async () => {
                const old = docker.getContainer(c.id);
                const config = await old.inspect();
                await old.stop({ t: 10 });
                await old.remove();
                const created = await docker.createContainer({ ...config.Config, name: c.name, Image: image, HostConfig: config.HostConfig });
                await created.start();
              }),
            ),
          ),
      );
    }),
  );
  return (Date.now() - t0) / 1000;
}

const bench: Benchmark = {
  name: "rollout",
  needsFleet: true,
  async run(): Promise<Figure[]> {
    const { fleet, consul } = benchFleet();
    const dockers = new DockerHosts({ tlsDir: fleet.tlsDir });
    const [roll, entry] = pools(fleet, fleet.image);
    await removePools(consul, [roll, entry]);
    await waitSettled(consul, fleet);
    await assignAllHosts(consul, fleet, [roll.name, entry.name]);
    const targets = new CatalogTargets(fleet, entry.name);
    try {
      await applyDesired(benchDesired([roll, entry]), { profile: "local", progress: "quiet", parallel: PARALLEL, perHost: PER_HOST, waitLockSeconds: 120 });
      await targets.ready(2);
      const rounds: Array<{ dcp: number; bare: number; sent: number; lost: number; failures: string[] }> = [];
      for (let r = 0; r < ROUNDS; r++) {
        const [next, back] = r % 2 === 0 ? [fleet.imageNext, fleet.image] : [fleet.image, fleet.imageNext];
        const d = await dcpRoll(fleet, next, targets, roll.upstream!.name);
        rounds.push({ ...d, dcp: d.seconds, bare: await bareRoll(consul, dockers, back) });
      }
      const list = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(", ");
      const lost = rounds.reduce((n, r) => n + r.lost, 0);
      const sent = rounds.reduce((n, r) => n + r.sent, 0);
      return [
        { name: "rollout.dcp.seconds", value: median(rounds.map((r) => r.dcp)), unit: "s", note: `${CONTAINERS} containers in place, 4 waves of 75, each take-down after the entry tier dropped it (${list(rounds.map((r) => r.dcp))})` },
        { name: "rollout.bare-dockerode.seconds", value: median(rounds.map((r) => r.bare)), unit: "s", note: `stop+remove+create+start of the same containers, parallel ${PARALLEL}, ${PER_HOST} per host (${list(rounds.map((r) => r.bare))})` },
        { name: "rollout.bare/dcp", value: median(rounds.map((r) => r.bare / r.dcp)), unit: "ratio", note: `what zero loss costs; ${ROUNDS} rounds` },
        { name: "rollout.requests-lost", value: lost, unit: "requests", target: { op: "<=", value: 0 }, note: `of ${sent} sent through the entry tier while dcp rolled (about 100/s)${lost > 0 ? `; ${rounds.flatMap((r) => r.failures).slice(0, 3).join("; ")}` : ""}` },
      ];
    } finally {
      await targets.stop();
      await removePools(consul, [roll, entry]);
      consul.close();
    }
  },
};

export default bench;
