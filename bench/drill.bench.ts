/**
 * The scale-out drill: a feed-api-like pool goes from 20 to 200 containers and its
 * dependency grows by ratio 0.2 (4 → 40), from the apply call until every new container
 * is healthy and published, and then until Consul's own checks pass for all of them.
 * Target: <= 60 s. Each phase's span is reported too. Hosts are not prepared: the apply
 * takes buffer hosts itself when the assigned ones are full, as a real drill does.
 *
 * dP01 instead of feed-api's dP02: 200 × dP02 plus the cache pool would need more CPU than
 * the six 128-cpu test hosts declare.
 */
import { applyDesired } from "../runtime";
import { DiscoveryPublisher } from "../runtime/discovery/publisher";
import { Benchmark, Figure } from "./harness";
import { benchDesired, benchFleet, benchPool, removePools, waitSettled } from "./runtime-support";

const FROM = 20;
const TO = 200;
const RATIO = 0.2;

const bench: Benchmark = {
  name: "drill",
  needsFleet: true,
  async run(): Promise<Figure[]> {
    const { fleet, consul } = benchFleet();
    const api = (n: number) => benchPool(fleet, "drill-api", n, { dependencies: [{ pool: "drill-cache", ratio: RATIO }] });
    const cache = (apiReplicas: number) => {
      const n = Math.ceil(apiReplicas * RATIO);
      return benchPool(fleet, "drill-cache", 0, { effectiveReplicas: n });
    };
    const pools = [api(TO), cache(TO)];
    await removePools(consul, pools);
    await waitSettled(consul, fleet);
    try {
      await applyDesired(benchDesired([api(FROM), cache(FROM)]), { profile: "local", progress: "quiet", waitLockSeconds: 120 });

      const t0 = Date.now();
      const report = await applyDesired(benchDesired([api(TO), cache(TO)]), { profile: "local", progress: "quiet", waitLockSeconds: 120 });
      const published = (Date.now() - t0) / 1000;
      const created = report.plan.changes.filter((c) => c.kind === "create");
      const expected = TO - FROM + Math.ceil(TO * RATIO) - Math.ceil(FROM * RATIO);
      if (created.length !== expected) throw new Error(`drill created ${created.length} containers, expected ${expected}`);
      const notPassing = await new DiscoveryPublisher(consul).waitPassing(
        created.map((c) => (c as { containerName: string }).containerName),
        120_000,
      );
      const passing = (Date.now() - t0) / 1000;
      if (notPassing.length > 0) throw new Error(`${notPassing.length} new containers never passed their Consul check`);

      const figures: Figure[] = [
        { name: "drill.healthy-and-published.seconds", value: published, unit: "s", target: { op: "<=", value: 60 }, note: `${expected} new containers (api ${FROM}→${TO}, cache ×${RATIO})` },
        { name: "drill.consul-checks-passing.seconds", value: passing, unit: "s", note: "until every new service's Consul check passes (a check starts passing when the apply verified the container's health)" },
        { name: "drill.phase.read-inventory.seconds", value: report.timings.inventorySeconds, unit: "s" },
        { name: "drill.phase.schedule.seconds", value: report.timings.scheduleSeconds, unit: "s" },
        { name: "drill.phase.pull-images.seconds", value: report.timings.preflightSeconds, unit: "s" },
      ];
      for (const p of report.timings.phases) {
        figures.push({ name: `drill.phase.${p.phase}.seconds`, value: p.endedAt - p.startedAt, unit: "s", note: `from ${p.startedAt.toFixed(1)} s to ${p.endedAt.toFixed(1)} s of execution` });
      }
      return figures;
    } finally {
      await removePools(consul, pools);
    }
  },
};

export default bench;
