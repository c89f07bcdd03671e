/**
 * The local entry tier (HAProxy with upsync.lua) as a consumer of dcp's upstreams: it routes
 * to exactly the servers in KV, with their weights (cloud hosts' lowered weight included),
 * keeps `down` servers out, and follows changes without a restart or reload.
 */
import Docker from "dockerode";
import { Suite, testFleet, testPool } from "./support/apply";
import { entryPool, upstreamShow } from "./support/entry";
import { upstreamValue } from "../../model/upstreams";

const fleet = testFleet();
const suite = new Suite(fleet, "entry");
const web = testPool(fleet, "tentry-web", 4, { placement: { strategy: "spread", antiAffinity: "host", constraints: [] } });
const UPSTREAM = web.upstream!.name;
const entry = entryPool(fleet, "tentry-lb", 2, [UPSTREAM], { UPSYNC_INTERVAL: "500ms" });
const prefix = suite.consul.config.upstreamPrefix;

beforeAll(async () => {
  await suite.cleanup([web, entry]);
  const out = await suite.apply([web, entry]);
  if (out.code !== 2) throw new Error(`apply failed (${out.code}): ${out.stderr.slice(-2000)}`);
}, 180_000);
afterAll(async () => {
  await suite.cleanup([web, entry]);
  suite.consul.close();
}, 180_000);

async function entries() {
  return (await suite.containers("tentry-lb")).map((c) => ({ ...c, url: `http://${c.address}:${c.ports[0]}/`, status: c.ports[1] }));
}

/** Instance names that answered `count` GETs through one entry container. */
async function answers(url: string, count: number): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    expect(res.status).toBe(200);
    const instance = /instance (\S+)/.exec(await res.text())![1];
    seen.set(instance, (seen.get(instance) ?? 0) + 1);
  }
  return seen;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test("every entry container routes to exactly the published servers, with KV's weights (cloud hosts 16, private 20)", async () => {
  const published = (await suite.upstreams(UPSTREAM)).filter((u) => !u.down);
  expect(published).toHaveLength(4);
  const weights = new Set(published.map((p) => p.weight));
  expect(weights).toEqual(new Set([20, 16]));
  for (const e of await entries()) {
    await until(`${e.node} lists the 4 servers`, async () => (await upstreamShow(e.address, e.status, UPSTREAM)).length === 4);
    const shown = await upstreamShow(e.address, e.status, UPSTREAM);
    expect(shown.sort((a, b) => a.server.localeCompare(b.server))).toEqual(published.map((p) => ({ server: p.server, weight: p.weight })).sort((a, b) => a.server.localeCompare(b.server)));
    const reached = await answers(e.url, 40);
    expect([...reached.keys()].sort()).toEqual(["tentry-web-00000", "tentry-web-00001", "tentry-web-00002", "tentry-web-00003"]);
  }
}, 120_000);

test("a weight change and `down` take effect without a restart", async () => {
  const [e] = await entries();
  const docker = new Docker({ socketPath: `${fleet.stateDir}/hosts/${e.node}/docker.sock` });
  const startedAt = (await docker.getContainer(e.id).inspect()).State.StartedAt;
  const published = (await suite.upstreams(UPSTREAM)).filter((u) => !u.down).sort((a, b) => a.server.localeCompare(b.server));
  const [heavy, light, off, fourth] = published;
  const instanceAt = async (server: string) => /instance (\S+)/.exec(await (await fetch(`http://${server}/`)).text())![1];
  const set = (server: string, v: { weight: number; down: boolean }) =>
    suite.consul.txn([{ verb: "set", key: `${prefix}/${UPSTREAM}/${server}`, value: upstreamValue({ weight: v.weight, maxFails: 2, failTimeoutSeconds: 10, down: v.down }) }]);
  try {
    await set(heavy.server, { weight: 30, down: false });
    await set(light.server, { weight: 10, down: false });
    await set(off.server, { weight: 20, down: true });
    await set(fourth.server, { weight: 20, down: true });
    await until("the entry shows the new weights", async () => (await upstreamShow(e.address, e.status, UPSTREAM)).some((s) => s.server === heavy.server && s.weight === 30));
    // HAProxy applies `down` as maintenance: give it the same pull to land.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const seen = await answers(e.url, 200);
    const [h, l] = [await instanceAt(heavy.server), await instanceAt(light.server)];
    expect([...seen.keys()].sort()).toEqual([h, l].sort());
    // Round robin with weights 30:10 sends three to one; allow for the window we sampled.
    expect(seen.get(h)! / seen.get(l)!).toBeGreaterThan(2.5);
    expect(seen.get(h)! / seen.get(l)!).toBeLessThan(3.5);
    expect((await docker.getContainer(e.id).inspect()).State.StartedAt).toBe(startedAt);
  } finally {
    for (const p of published) await set(p.server, { weight: p.weight, down: false });
  }
}, 120_000);
