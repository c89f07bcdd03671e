/**
 * Load-driven scaling on the test site with a Prometheus-format metric: the test serves
 * the metric itself (a real HTTP endpoint on loopback whose value it sets), and a real
 * controller scales the pool within its bounds, brings its dependency along by ratio in
 * the same step, logs why, and scales in only after the cooldown.
 */
import { createServer, Server } from "node:http";
import { AddressInfo } from "node:net";
import { AutoscaleSpec } from "../../model/autoscale";
import { DcpProcess, Suite, testFleet, testPool } from "./support/apply";
import { decisionsSince, leads, startController, stopController, waitUntil } from "./support/controller";

const fleet = testFleet();
const suite = new Suite(fleet, "controller-autoscale");
let queueDepth = 20;
let server: Server;
let controllers: DcpProcess[] = [];

const running = async (pool: string) => (await suite.containers(pool)).filter((c) => c.running && c.health === "passing").length;

function pools(url: string, max = 6) {
  const autoscale: AutoscaleSpec = {
    min: 2,
    max,
    target: 10,
    metric: { prometheus: { url, series: "queue_depth", labels: { queue: "feed" }, counter: false, per: "pool" } },
    scaleOutCooldownSeconds: 2,
    scaleInCooldownSeconds: 8,
    schedule: [],
  };
  const cache = testPool(fleet, "tscale-cache", 1, { effectiveReplicas: 2 });
  const web = testPool(fleet, "tscale-web", 2, { autoscale, dependencies: [{ pool: "tscale-cache", ratio: 0.5 }] });
  return { web, cache };
}

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
    res.end(`# TYPE queue_depth gauge\nqueue_depth{queue="feed"} ${queueDepth}\nqueue_depth{queue="other"} 1000\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
}, 30_000);

afterAll(async () => {
  await Promise.all(controllers.map(stopController));
  // Without autoscale: apply holds an autoscaled pool at its min at least.
  const { web, cache } = pools("http://127.0.0.1:1/metrics");
  await suite.cleanup([{ ...web, autoscale: undefined }, cache]);
  await suite.consul.txn([{ verb: "delete-tree", key: `${suite.consul.config.kvRoot}/autoscale/` }]);
  await new Promise((resolve) => server.close(resolve));
}, 180_000);

test("scales out to the metric, its dependency by ratio in the same step, and in after the cooldown", async () => {
  const { web, cache } = pools(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
  await suite.consul.txn([{ verb: "delete-tree", key: `${suite.consul.config.kvRoot}/autoscale/` }]);
  const started = Date.now();
  expect((await suite.apply([web, cache])).code).toBe(2);
  expect(await running("tscale-web")).toBe(2);
  controllers = [startController(suite, "autoscale-a")];

  // 55 queued against a target of 10 per container: ceil(55 / 10) = 6, the max.
  queueDepth = 55;
  await waitUntil(async () => (await running("tscale-web")) === 6 && (await running("tscale-cache")) === 4, "6 web and 1 + ceil(0.5 × 6) = 4 cache containers", 90_000, 500);
  const decisions = await decisionsSince(suite, started);
  const out = decisions.find((d) => d.pool === "tscale-web" && d.kind === "scale-out");
  expect(out).toMatchObject({ metric: "queue_depth", target: 10, before: 2, after: 6 });
  expect(out!.why).toContain("ceil(55 ÷ 10) = 6");
  expect(decisions.find((d) => d.pool === "tscale-cache" && d.kind === "dependency")).toMatchObject({ before: 2, after: 4 });

  // Load falls: 5 queued asks for 1, held at min 2, but only once the readings of the last
  // 8 s (the scale-in cooldown) all ask for fewer, and 8 s after the scale-out.
  queueDepth = 5;
  await new Promise((r) => setTimeout(r, 3_000));
  expect(await running("tscale-web")).toBe(6);
  await waitUntil(async () => (await running("tscale-web")) === 2 && (await running("tscale-cache")) === 2, "the scale-in to 2 web and 2 cache", 90_000, 500);
  const scaledIn = (await decisionsSince(suite, started)).find((d) => d.pool === "tscale-web" && d.kind === "scale-in")!;
  expect(Date.parse(scaledIn.at) - Date.parse(out!.at)).toBeGreaterThanOrEqual(8_000);
  expect(scaledIn).toMatchObject({ before: 6, after: 2 });
  expect(scaledIn.why).toMatch(/highest recommendation of the last 8 s is 2/);
}, 300_000);

test("the leader killed in the middle of a scale-out: the next leader converges, nothing lost or doubled", async () => {
  await Promise.all(controllers.map(stopController));
  const { web, cache } = pools(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`, 14);
  queueDepth = 5;
  await suite.consul.txn([{ verb: "delete-tree", key: `${suite.consul.config.kvRoot}/autoscale/` }]);
  expect([0, 2]).toContain((await suite.apply([web, cache])).code);
  const a = startController(suite, "midway-a");
  const b = startController(suite, "midway-b");
  controllers = [a, b];
  await waitUntil(() => leads(a) || leads(b), "a leader", 30_000);
  const [leader, standby] = leads(a) ? [a, b] : [b, a];

  // 140 queued: ceil(140 / 10) = 14 web and 1 + ceil(0.5 × 14) = 8 cache. Kill the leader while it applies.
  queueDepth = 140;
  await waitUntil(() => /acting on .*load|applied/.test(leader.stderr) || /decision: .* tscale-web scale-out/.test(leader.stderr), "the leader to start the scale-out", 60_000, 50);
  await new Promise((r) => setTimeout(r, 800));
  leader.kill();
  await leader.done;
  const midway = await running("tscale-web");
  await waitUntil(() => leads(standby), "the stand-by to lead", 40_000);
  await waitUntil(async () => (await running("tscale-web")) === 14 && (await running("tscale-cache")) === 8, "14 web and 8 cache serving", 120_000, 500);

  const containers = await suite.containers("tscale-web");
  expect(new Set(containers.map((c) => c.instance)).size).toBe(containers.length);
  expect(containers).toHaveLength(14);
  const entries = (await suite.upstreams("tscale_web")).filter((e) => !e.down);
  expect(entries.map((e) => e.server).sort()).toEqual(containers.map((c) => `${c.address}:${c.ports[0]}`).sort());
  // Reported, not asserted: how far the killed leader got.
  process.stderr.write(`[controller-autoscale] ${midway} of 14 web containers served when the leader was killed\n`);
}, 300_000);
