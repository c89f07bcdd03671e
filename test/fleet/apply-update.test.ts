/**
 * Rolling update on the real test fleet: dcp/demo:1 → dcp/demo:2 from the local registry,
 * 25% per wave. While it runs, a watcher keeps reading the upstream and calling every
 * published server: the pool never serves from fewer than its replicas, and every
 * published server answers.
 */
import { Suite, testFleet, testPool } from "./support/apply";

const fleet = testFleet();
const suite = new Suite(fleet, "update");
const web = testPool(fleet, "tupdate-web", 6);

// Leftovers of an interrupted earlier run would change what the first apply does.
beforeAll(() => suite.cleanup([web]), 120_000);
afterAll(() => suite.cleanup([web]), 120_000);

test("rolling update from dcp/demo:1 to dcp/demo:2 keeps the healthy floor and ends on the new image", async () => {
  expect((await suite.apply([web])).code).toBe(2);
  const before = await suite.containers("tupdate-web");
  expect(before).toHaveLength(6);
  expect(new Set(before.map((c) => c.image))).toEqual(new Set([fleet.image]));

  const next = { ...web, image: fleet.imageNext };
  const plan = await suite.plan([next]);
  expect(plan.code).toBe(2);
  // ceil(6 × 25%) = 2 per wave → 3 waves of 2 creates and 2 removes.
  for (const wave of [1, 2, 3]) {
    const rows = plan.stdout.split("\n").filter((l) => new RegExp(`^│ ${wave} +│ (create|remove) `).test(l));
    expect(rows.filter((r) => r.includes("│ create ")).length).toBe(2);
    expect(rows.filter((r) => r.includes("│ remove ")).length).toBe(2);
  }

  let watching = true;
  let minServing = Infinity;
  let rounds = 0;
  const failures: string[] = [];
  const history: string[] = [];
  const watcher = (async () => {
    while (watching) {
      const entries = (await suite.upstreams("tupdate_web")).filter((e) => !e.down);
      const answers = await Promise.all(
        entries.map((e) =>
          fetch(`http://${e.server}/health`, { signal: AbortSignal.timeout(2000) })
            .then((r) => r.ok)
            .catch(() => false),
        ),
      );
      entries.forEach((e, i) => !answers[i] && failures.push(e.server));
      minServing = Math.min(minServing, answers.filter(Boolean).length);
      history.push(`${entries.length}/${answers.filter(Boolean).length}`);
      rounds++;
      await new Promise((r) => setTimeout(r, 150));
    }
  })();
  const out = await suite.apply([next]);
  watching = false;
  await watcher;
  expect(out.code).toBe(2);
  expect(rounds).toBeGreaterThan(5);
  expect({ minServing, history }).toEqual({ minServing: expect.any(Number), history: expect.any(Array) });
  if (minServing < 6) throw new Error(`fewer than 6 serving: ${history.join(" ")}`);
  expect(failures).toEqual([]);

  const after = await suite.containers("tupdate-web");
  expect(after.map((c) => c.instance).sort()).toEqual(before.map((c) => c.instance).sort());
  expect(new Set(after.map((c) => c.image))).toEqual(new Set([fleet.imageNext]));
  expect(new Set(after.map((c) => c.specHash)).size).toBe(1);
  expect(after.map((c) => c.specHash)).not.toContain(before[0].specHash);
  const entries = (await suite.upstreams("tupdate_web")).filter((e) => !e.down);
  expect(entries.map((e) => e.server).sort()).toEqual(after.map((c) => `${c.address}:${c.ports[0]}`).sort());
  expect((await suite.plan([next])).code).toBe(0);
}, 600_000);
