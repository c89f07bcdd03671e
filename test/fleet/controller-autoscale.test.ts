/**
 * Load-driven scaling on the test site with a Prometheus-format metric: the test serves
 * the metric itself (a real HTTP endpoint on loopback whose value it sets), and a real
 * controller scales the pool within its bounds, brings its dependency along by ratio in
 * the same step, logs why, and scales in only after the cooldown.
 */
import { createServer, Server } from "node:http";
import { AddressInfo } from "node:net";
import { AutoscaleSpec } from "../../model/autoscale";
import { readDecisions } from "../../runtime/controller/state";
import { DcpProcess, Suite, testFleet, testPool } from "./support/apply";
import { startController, stopController, waitUntil } from "./support/controller";

const fleet = testFleet();
const suite = new Suite(fleet, "controller-autoscale");
let queueDepth = 20;
let server: Server;
let controller: DcpProcess | undefined;

const running = async (pool: string) => (await suite.containers(pool)).filter((c) => c.running && c.health === "passing").length;

function pools(url: string) {
  const autoscale: AutoscaleSpec = {
    min: 2,
    max: 6,
    target: 10,
    metric: { kind: "prometheus", url, series: "queue_depth", labels: { queue: "feed" }, counter: false, per: "pool" },
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
  if (controller) await stopController(controller);
  // Without autoscale: apply holds an autoscaled pool at its min at least.
  const { web, cache } = pools("http://127.0.0.1:1/metrics");
  await suite.cleanup([{ ...web, autoscale: undefined }, cache]);
  await suite.consul.txn([{ verb: "delete-tree", key: `${suite.consul.config.kvRoot}/autoscale/` }]);
  await new Promise((resolve) => server.close(resolve));
}, 180_000);

test("scales out to the metric, its dependency by ratio in the same step, and in after the cooldown", async () => {
  const { web, cache } = pools(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
  await suite.consul.txn([{ verb: "delete-tree", key: `${suite.consul.config.kvRoot}/autoscale/` }]);
  expect((await suite.apply([web, cache])).code).toBe(2);
  expect(await running("tscale-web")).toBe(2);
  controller = startController(suite, "autoscale-a");

  // 55 queued against a target of 10 per container: ceil(55 / 10) = 6, the max.
  queueDepth = 55;
  await waitUntil(async () => (await running("tscale-web")) === 6 && (await running("tscale-cache")) === 4, "6 web and 1 + ceil(0.5 × 6) = 4 cache containers", 90_000, 500);
  const decisions = await readDecisions(suite.consul);
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
  const scaledIn = (await readDecisions(suite.consul)).find((d) => d.pool === "tscale-web" && d.kind === "scale-in")!;
  expect(Date.parse(scaledIn.at) - Date.parse(out!.at)).toBeGreaterThanOrEqual(8_000);
  expect(scaledIn).toMatchObject({ before: 6, after: 2 });
  expect(scaledIn.why).toMatch(/highest recommendation of the last 8 s is 2/);
}, 300_000);
