/**
 * The fleet's Consul server restarts while an apply runs: the apply rides it out
 * (the client retries) and completes, and whenever Consul can be read the pool, which
 * has healthy containers throughout, has upstream entries.
 */
import { restartConsul } from "../../local-site";
import { Suite, testFleet, testPool } from "./support/apply";

const fleet = testFleet();
const suite = new Suite(fleet, "consul");
const web = testPool(fleet, "tconsul-web", 4);

beforeAll(() => suite.cleanup([web]), 120_000);
afterAll(() => suite.cleanup([web]), 120_000);

test("an apply across a Consul restart completes and never leaves the pool without upstreams", async () => {
  expect((await suite.apply([web])).code).toBe(2);
  const target = { ...web, replicas: 12, effectiveReplicas: 12, image: fleet.imageNext };

  let watching = true;
  const emptyReads: string[] = [];
  let reads = 0;
  const watcher = (async () => {
    while (watching) {
      try {
        const entries = (await suite.upstreams("tconsul_web")).filter((e) => !e.down);
        reads++;
        if (entries.length === 0) emptyReads.push(new Date().toISOString());
      } catch {
        // Consul is down at this moment: nothing to read, nothing served from KV changes either.
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();

  const p = suite.spawn(["apply", "--desired", suite.writeDesired([target]), "--profile", "local", "--wait-lock", "60", "--progress", "lines"]);
  await p.waitFor(() => p.finished() >= 4, "4 changes");
  await restartConsul(fleet);
  const result = await p.done;
  watching = false;
  await watcher;

  expect(result.stderr).not.toMatch(/^failed /m);
  // With the apply's output in the failure message: a wrong exit code alone says nothing.
  if (result.code !== 2) throw new Error(`apply exited ${result.code}, not 2:\n${result.stderr}`);
  expect(reads).toBeGreaterThan(3);
  expect(emptyReads).toEqual([]);
  const containers = await suite.containers("tconsul-web");
  expect(containers).toHaveLength(12);
  expect(new Set(containers.map((c) => c.image))).toEqual(new Set([fleet.imageNext]));
  const entries = (await suite.upstreams("tconsul_web")).filter((e) => !e.down);
  expect(entries.map((e) => e.server).sort()).toEqual(containers.map((c) => `${c.address}:${c.ports[0]}`).sort());
}, 600_000);
