/**
 * Load-driven scaling through the entry tier, as the example's feed-api is scaled: a real
 * controller reads requests per second from the entry containers' own HAProxy statistics
 * and keeps the web pool at ceil(requests/s ÷ target), its cache pool following by ratio.
 * Live traffic goes through the entry tier the whole time (no retries anywhere): it rises
 * threefold at once, then falls back. No request may fail, on the way out or back in.
 */
import { LoadStep } from "../../local-site/load-step";
import { DcpProcess, Suite, testFleet, testPool } from "./support/apply";
import { deployBehindEntry, followingEntryPool } from "./support/entry";
import { decisionsSince, leads, startController, stopController, waitUntil } from "./support/controller";

const fleet = testFleet();
const suite = new Suite(fleet, "controller-load");
const TARGET = 20; // requests per second per container
const BASE_RATE = 30; // ceil(30 ÷ 20) = 2 containers
const FACTOR = 3; // 90 requests per second: ceil(90 ÷ 20) = 5
const SCALE_IN_COOLDOWN_S = 10;
/** How long before the fall the last reading asking for the higher count may come (see the scale-in check). */
const READING_WOBBLE_MS = 4_000;

const web = testPool(fleet, "tload-web", 2, {
  dependencies: [{ pool: "tload-cache", ratio: 0.5 }],
  autoscale: {
    min: 2,
    max: 6,
    target: TARGET,
    metric: { requestsPerSecond: { entryPool: "tload-entry", port: "status", path: "/haproxy-stats;csv", format: "haproxy-csv" } },
    scaleOutCooldownSeconds: 2,
    scaleInCooldownSeconds: SCALE_IN_COOLDOWN_S,
    schedule: [],
  },
});
// The entry tier follows it with nginx-upsync-module's default 5 s pull: take-downs wait for it.
web.upstream = { ...web.upstream!, consumers: { followWithinSeconds: 10, status: [] } };
const UPSTREAM = web.upstream!.name;
const cacheOf = (webReplicas: number) => 1 + Math.ceil(0.5 * webReplicas);
const cache = testPool(fleet, "tload-cache", 1, { effectiveReplicas: cacheOf(2), upstream: undefined });
const entry = followingEntryPool(fleet, "tload-entry", 2, UPSTREAM);

let controller: DcpProcess | undefined;
let load: LoadStep | undefined;

const serving = async (pool: string) => (await suite.containers(pool)).filter((c) => c.running && c.health === "passing").length;
const statusUrls = async () => (await suite.containers(entry.name)).filter((c) => c.running).map((c) => `http://${c.address}:${c.ports[1]}/upstream_show`);

beforeAll(async () => {
  await suite.consul.txn([{ verb: "delete-tree", key: `${suite.consul.config.kvRoot}/autoscale/` }]);
  await deployBehindEntry(suite, [web, cache], entry);
}, 240_000);

afterAll(async () => {
  await load?.stop();
  if (controller) await stopController(controller);
  await suite.cleanup([{ ...web, autoscale: undefined }, cache, entry]);
  await suite.consul.txn([{ verb: "delete-tree", key: `${suite.consul.config.kvRoot}/autoscale/` }]);
  suite.consul.close();
}, 240_000);

test("traffic rises threefold: web and its cache scale out, then back in after the cooldown, and no request fails", async () => {
  const started = Date.now();
  load = new LoadStep(fleet, { entryService: entry.name, upstream: UPSTREAM, baseRate: BASE_RATE, factor: FACTOR, statusUrls });
  await load.start(2);
  controller = startController(suite, "load");
  await waitUntil(() => leads(controller!), "the controller to lead", 30_000);
  // At the base load the pool stays where it is: ceil(30 ÷ 20) = 2.
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  expect(await serving(web.name)).toBe(2);

  load.step();
  const routed = await load.routedWithin(5, 120_000);
  const webAfter = await serving(web.name);
  // 90 requests/s asks for 5; a reading above 100 asks for 6 (the max).
  expect([5, 6]).toContain(webAfter);
  await waitUntil(async () => (await serving(cache.name)) === cacheOf(webAfter), `${cacheOf(webAfter)} cache containers`, 60_000, 500);
  const decisions = await decisionsSince(suite, started);
  const out = decisions.find((d) => d.pool === web.name && d.kind === "scale-out");
  expect(out).toMatchObject({ metric: "requests-per-second", target: TARGET, before: 2 });
  expect(decisions.find((d) => d.pool === cache.name && d.kind === "dependency")).toBeDefined();
  process.stderr.write(`[controller-load] load step ×${FACTOR} → new containers served through the entry tier in ${routed.toFixed(1)} s (${webAfter} web, ${cacheOf(webAfter)} cache)\n`);

  // The load falls back: scale-in only after the cooldown, and still no request fails.
  const steppedDown = Date.now();
  const stepReport = await load.fall();
  await waitUntil(async () => (await serving(web.name)) === 2 && (await serving(cache.name)) === cacheOf(2), "the scale-in to 2 web and 2 cache", 120_000, 500);
  const scaledIn = (await decisionsSince(suite, started)).find((d) => d.pool === web.name && d.kind === "scale-in")!;
  // The cooldown counts from the last reading that still asked for the higher count. One-second
  // rates of ~90 requests wobble around ceil(÷ 20), so that reading may precede the fall by a few
  // intervals (CI once saw 8.7 s); without the cooldown the scale-in would follow within 2 s.
  expect(Date.parse(scaledIn.at) - steppedDown).toBeGreaterThanOrEqual(SCALE_IN_COOLDOWN_S * 1000 - READING_WOBBLE_MS);
  // Released hosts go back: the pool keeps only the hosts it still runs on, and a host left
  // with no container at all returns to the buffer (no assignment).
  const hosts = (await suite.inventory()).hosts.filter((h) => h.healthy && h.containers);
  for (const h of hosts) {
    expect({ node: h.node, web: h.assignedPools.includes(web.name) }).toEqual({ node: h.node, web: h.containers!.some((c) => c.pool === web.name) });
    if (h.containers!.length === 0) expect({ node: h.node, pools: h.assignedPools }).toEqual({ node: h.node, pools: [] });
  }
  // Requests sent just before the last take-down have answered by now.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const baseReport = await load.stop();
  load = undefined;
  const failed = stepReport.failed + baseReport.failed;
  process.stderr.write(
    `[controller-load] ${stepReport.sent + baseReport.sent} requests, ${failed} failed${failed ? `:\n  ${[...stepReport.failures, ...baseReport.failures].join("\n  ")}` : ""}\n`,
  );
  expect(failed).toBe(0);
  expect(baseReport.sent + stepReport.sent).toBeGreaterThan(1_000);
}, 400_000);
