/**
 * Zero-loss changes under live traffic. A load generator sends about 120 requests per second
 * through the entry tier (HAProxy following dcp's upstreams with nginx-upsync-module's
 * defaults: a 5 s pull interval), which it finds in the catalog as a load balancer would;
 * no retries anywhere, so a request sent to a container that is gone fails. Each change goes
 * through `dcp apply` and must not fail one request; afterwards the right image answers.
 *
 * One case cannot be zero-loss and is measured instead: a host whose dockerd is killed.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CatalogTargets, startHostDocker, Traffic, TrafficReport } from "../../local-site";
import { PoolSpec } from "../../model/desired-state";
import { Suite, testFleet, testPool } from "./support/apply";
import { deployBehindEntry, followingEntryPool } from "./support/entry";

const fleet = testFleet();
const suite = new Suite(fleet, "zero-loss");
const PORT = 18480;
// A fixed port and one container per host: with 6 replicas every host's port is taken.
const web = testPool(fleet, "tzl-web", 3, {
  ports: [{ name: "http", port: PORT }],
  healthCheck: { path: "/health", port: PORT, intervalSeconds: 1, timeoutSeconds: 1 },
  placement: { strategy: "spread", antiAffinity: "host", constraints: [] },
});
// The entry tier follows it: its take-downs wait up to the default bound for that tier to drop them.
web.upstream = { ...web.upstream!, consumers: { followWithinSeconds: 10, status: [] } };
const UPSTREAM = web.upstream!.name;
const entry = followingEntryPool(fleet, "tzl-entry", 2, UPSTREAM);
const replicas = (p: PoolSpec, n: number): PoolSpec => ({ ...p, replicas: n, effectiveReplicas: n });

let targets: CatalogTargets;
let killed: string | undefined;

beforeAll(async () => {
  await deployBehindEntry(suite, [web], entry);
  targets = new CatalogTargets(fleet, entry.name);
  await targets.ready(2);
}, 240_000);

afterAll(async () => {
  await targets?.stop();
  if (killed) await startHostDocker(fleet, killed);
  await suite.cleanup([web, entry]);
  suite.consul.close();
}, 240_000);

/** Runs `change` under traffic; returns what the generator saw, printed for the record. */
async function underTraffic(what: string, change: () => Promise<void>): Promise<TrafficReport> {
  const traffic = new Traffic(fleet, { targets: targets.list, rate: 120, clients: 4, host: UPSTREAM, maxSeconds: 300 });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await change();
  // Requests sent just before the apply ended have answered by now.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const report = await traffic.stop();
  console.log(`${what}: ${report.sent} requests in ${report.seconds.toFixed(1)} s, ${report.failed} failed; answered by ${JSON.stringify(report.answeredBy)}${report.failures.length ? `\n  ${report.failures.join("\n  ")}` : ""}`);
  return report;
}

async function applied(pools: PoolSpec[], extra: string[] = []): Promise<string> {
  const out = await suite.apply(pools, extra);
  if (out.code !== 2) throw new Error(`apply exited ${out.code}: ${out.stderr.slice(-3000)}`);
  return out.stdout + out.stderr;
}

/** The image every serving container of the web pool answers with, from the generator's count. */
const versions = (r: TrafficReport) => Object.keys(r.answeredBy).sort();

test("scale-out 3 → 6: no request fails", async () => {
  const report = await underTraffic("scale-out 3 → 6", async () => void (await applied([replicas(web, 6), entry])));
  expect(report.failed).toBe(0);
  expect(report.sent).toBeGreaterThan(200);
  expect(versions(report)).toEqual(["dcp demo 1"]);
  expect(await suite.containers("tzl-web")).toHaveLength(6);
}, 300_000);

test("roll to demo:2 with every host's port taken: in place, within maxUnavailable, no request fails", async () => {
  const next = { ...replicas(web, 6), image: fleet.imageNext };
  const plan = await suite.plan([next, entry]);
  expect(plan.code).toBe(2);
  expect(plan.stdout).toMatch(/rolling-update, in place/);
  expect(plan.stdout).toMatch(/waits ≤ 10 s/);
  let output = "";
  const report = await underTraffic("roll to demo:2, 6 replicas on 6 hosts", async () => void (output = await applied([next, entry])));
  expect(report.failed).toBe(0);
  expect(output).not.toMatch(/did not confirm/);
  const after = await suite.containers("tzl-web");
  expect(new Set(after.map((c) => c.image))).toEqual(new Set([fleet.imageNext]));
  const tail = new Traffic(fleet, { targets: targets.list, rate: 60, host: UPSTREAM, maxSeconds: 3 });
  await new Promise((resolve) => setTimeout(resolve, 2000));
  expect(versions(await tail.stop())).toEqual(["dcp demo 2"]);
}, 400_000);

test("scale-in 6 → 2: no request fails", async () => {
  const two = { ...replicas(web, 2), image: fleet.imageNext };
  const report = await underTraffic("scale-in 6 → 2", async () => void (await applied([two, entry])));
  expect(report.failed).toBe(0);
  expect(versions(report)).toEqual(["dcp demo 2"]);
  expect(await suite.containers("tzl-web")).toHaveLength(2);
}, 300_000);

test("a roll whose new image fails its health check stops; the old containers keep serving and dcp says so", async () => {
  const broken = { ...replicas(web, 2), image: fleet.imageBroken };
  let out = { code: 0, stdout: "", stderr: "" };
  const report = await underTraffic("roll to demo:broken", async () => void (out = await suite.apply([broken, entry], ["--health-timeout", "8"])));
  expect(out.code).toBe(1);
  expect(out.stderr).toMatch(/did not become healthy within 8 s/);
  expect(out.stderr).toMatch(/roll of tzl-web stopped/);
  expect(report.failed).toBe(0);
  expect(versions(report)).toEqual(["dcp demo 2"]);
  const serving = (await suite.upstreams(UPSTREAM)).filter((u) => !u.down);
  expect(serving).toHaveLength(2);
}, 300_000);

test("the entry pool itself scaled 2 → 3 → 1: no request fails", async () => {
  const web2 = { ...replicas(web, 2), image: fleet.imageNext };
  const report = await underTraffic("entry tier 2 → 3 → 1", async () => {
    await applied([web2, replicas(entry, 3)]);
    await targets.ready(3);
    await applied([web2, replicas(entry, 1)]);
  });
  expect(report.failed).toBe(0);
  expect(versions(report)).toEqual(["dcp demo 2"]);
  expect(await suite.containers("tzl-entry")).toHaveLength(1);
}, 300_000);

test("measured, not zero-loss: a host whose dockerd is killed under traffic", async () => {
  const web2 = { ...replicas(web, 2), image: fleet.imageNext };
  const victim = (await suite.containers("tzl-web"))[0];
  let afterKill = 0;
  const report = await underTraffic("dockerd killed", async () => {
    const pid = Number(readFileSync(join(fleet.stateDir, "hosts", victim.node, "docker.pid"), "utf8"));
    killed = victim.node;
    execFileSync("kill", ["-KILL", String(pid)]);
    const t0 = Date.now();
    // dcp finds the host lost and moves its container; the entry tier follows.
    await applied([web2, replicas(entry, 1)]);
    afterKill = (Date.now() - t0) / 1000;
  });
  console.log(`MEASURED dockerd killed on ${victim.node}: ${report.failed} of ${report.sent} requests failed over ${report.failingSeconds.toFixed(1)} s; dcp moved its container in ${afterKill.toFixed(1)} s`);
  expect(report.sent).toBeGreaterThan(100);
  expect(report.ok).toBeGreaterThan(0);
  const after = await suite.containers("tzl-web");
  expect(after.filter((c) => c.node !== victim.node && c.running)).toHaveLength(2);
}, 300_000);
