/**
 * A canary under live traffic through the entry tier (HAProxy following dcp's upstreams
 * with nginx-upsync-module's defaults, no retries): a roll with update.canary 1 moves one
 * instance and holds; `dcp apply --promote` rolls the rest; a second canary is taken back
 * with `dcp apply --abort`. Every step must not fail one request, and afterwards the
 * images that answer are the ones each step promises.
 */
import { CatalogTargets, Traffic, TrafficReport } from "../../local-site";
import { PoolSpec } from "../../model/desired-state";
import { Suite, testFleet, testPool } from "./support/apply";
import { deployBehindEntry, followingEntryPool } from "./support/entry";

const fleet = testFleet();
const suite = new Suite(fleet, "canary");
const v1 = testPool(fleet, "tcanary-web", 4, { update: { maxSurge: 1, maxUnavailable: 0, canary: 1 } });
// The entry tier follows it: take-downs wait up to the default bound for that tier to drop them.
v1.upstream = { ...v1.upstream!, consumers: { followWithinSeconds: 10, status: [] } };
const UPSTREAM = v1.upstream!.name;
const v2: PoolSpec = { ...v1, image: fleet.imageNext };
const entry = followingEntryPool(fleet, "tcanary-entry", 2, UPSTREAM);

let targets: CatalogTargets;

beforeAll(async () => {
  await deployBehindEntry(suite, [v1], entry);
  targets = new CatalogTargets(fleet, entry.name);
  await targets.ready(2);
}, 240_000);

afterAll(async () => {
  await targets?.stop();
  await suite.cleanup([v1, entry]);
  suite.consul.close();
}, 240_000);

/** Runs `dcp apply` with `extra` under traffic; returns what the generator saw and apply's output. */
async function applyUnderTraffic(what: string, pools: PoolSpec[], extra: string[] = []): Promise<{ report: TrafficReport; output: string }> {
  const traffic = new Traffic(fleet, { targets: targets.list, rate: 100, clients: 4, host: UPSTREAM, maxSeconds: 300 });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const out = await suite.apply(pools, extra);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const report = await traffic.stop();
  console.log(`${what}: ${report.sent} requests, ${report.failed} failed; answered by ${JSON.stringify(report.answeredBy)}${report.failures.length ? `\n  ${report.failures.join("\n  ")}` : ""}`);
  if (out.code !== 2) throw new Error(`${what}: apply exited ${out.code}: ${out.stderr.slice(-3000)}`);
  return { report, output: out.stdout + out.stderr };
}

/** Images of the pool's containers, by instance. */
async function images(): Promise<Record<string, string>> {
  const containers = await suite.containers(v1.name);
  return Object.fromEntries(containers.map((c) => [c.instance, c.image]).sort(([a], [b]) => a.localeCompare(b)));
}

/** What answers through the entry tier for a few seconds once the entry tier has followed. */
async function answering(): Promise<string[]> {
  await new Promise((resolve) => setTimeout(resolve, 6_000));
  const tail = new Traffic(fleet, { targets: targets.list, rate: 60, host: UPSTREAM, maxSeconds: 3 });
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const report = await tail.stop();
  expect(report.failed).toBe(0);
  return Object.keys(report.answeredBy).sort();
}

test("a canary of 1 moves one instance and holds; both versions serve; no request fails", async () => {
  const { report, output } = await applyUnderTraffic("canary to demo:2", [v2, entry]);
  expect(report.failed).toBe(0);
  expect(output).toMatch(/canary of 1/);
  expect(await images()).toEqual({ "tcanary-web-00000": fleet.imageNext, "tcanary-web-00001": fleet.image, "tcanary-web-00002": fleet.image, "tcanary-web-00003": fleet.image });
  expect(await answering()).toEqual(["dcp demo 1", "dcp demo 2"]);
  // The canary holds: applying the same pool file again changes nothing.
  expect((await suite.apply([v2, entry])).code).toBe(0);
}, 300_000);

test("--promote rolls the rest to the canary's spec; no request fails", async () => {
  const { report } = await applyUnderTraffic("promote", [v2, entry], ["--promote"]);
  expect(report.failed).toBe(0);
  expect(new Set(Object.values(await images()))).toEqual(new Set([fleet.imageNext]));
  expect(Object.keys(await images())).toHaveLength(4);
  expect(await answering()).toEqual(["dcp demo 2"]);
}, 300_000);

test("--abort takes a new canary back to the spec the pool ran before; no request fails", async () => {
  const back: PoolSpec = { ...v2, image: fleet.image };
  const canary = await applyUnderTraffic("canary back to demo:1", [back, entry]);
  expect(canary.report.failed).toBe(0);
  expect(Object.values(await images()).filter((i) => i === fleet.image)).toHaveLength(1);
  const { report, output } = await applyUnderTraffic("abort", [back, entry], ["--abort"]);
  expect(report.failed).toBe(0);
  expect(output).toMatch(/abort returns its containers to spec/);
  expect(new Set(Object.values(await images()))).toEqual(new Set([fleet.imageNext]));
  expect(await answering()).toEqual(["dcp demo 2"]);
}, 300_000);
