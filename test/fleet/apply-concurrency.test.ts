/**
 * Two applies started together never interleave: without --wait-lock one is refused (and
 * names the holder), with it the second starts only after the first has finished.
 */
import { Suite, testFleet, testPool } from "./support/apply";

const fleet = testFleet();
const suite = new Suite(fleet, "concurrency");
const a = testPool(fleet, "tconc-a", 0);
const b = testPool(fleet, "tconc-b", 0);

beforeAll(() => suite.cleanup([a, b]), 120_000);
afterAll(() => suite.cleanup([a, b]), 120_000);

const args = (file: string, wait: string) => ["apply", "--desired", file, "--profile", "local", "--wait-lock", wait, "--progress", "lines"];

test("without --wait-lock, the second apply is refused, names the holder and changes nothing", async () => {
  // The first may wait (an earlier holder's lock-delay); only the second is asked to refuse.
  // Large enough to still run when the second one (a new process, about 2 s to start) asks
  // for the lock: 30 containers once took long enough, but a faster apply ended first.
  const replicas = 90;
  const first = suite.spawn(args(suite.writeDesired([{ ...a, replicas, effectiveReplicas: replicas }]), "60"));
  let firstEnded = false;
  first.done.then(() => (firstEnded = true));
  await first.waitFor(() => first.finished() >= 1, "the first apply's first change");
  const second = await suite.dcp(args(suite.writeDesired([{ ...b, replicas: 3, effectiveReplicas: 3 }]), "0"));
  expect(firstEnded).toBe(false);
  expect(second.code).toBe(1);
  expect(second.stderr).toMatch(/Another apply holds the lock .*pid \d+/);
  expect((await first.done).code).toBe(2);
  expect(await suite.containers("tconc-b")).toEqual([]);
  expect(await suite.containers("tconc-a")).toHaveLength(replicas);
}, 600_000);

test("with --wait-lock, the second apply waits and starts its changes only after the first ended", async () => {
  const first = suite.spawn(args(suite.writeDesired([{ ...a, replicas: 10, effectiveReplicas: 10 }]), "120"));
  await first.waitFor(() => first.finished() >= 1, "the first apply's first change");
  const second = suite.spawn(args(suite.writeDesired([{ ...b, replicas: 4, effectiveReplicas: 4 }]), "120"));
  let firstLastChange = 0;
  let secondStarted = 0;
  first.waitFor(() => /done (\d+)\/\1 /.test(first.stderr), "first's last change").then(() => (firstLastChange = Date.now()), () => undefined);
  second.waitFor(() => second.finished() >= 1, "second's first change").then(() => (secondStarted = Date.now()), () => undefined);
  const r1 = await first.done;
  const r2 = await second.done;
  expect(r1.code).toBe(2);
  expect(r2.code).toBe(2);
  expect(firstLastChange).toBeGreaterThan(0);
  expect(secondStarted).toBeGreaterThan(firstLastChange);
  expect(await suite.containers("tconc-a")).toHaveLength(10);
  expect(await suite.containers("tconc-b")).toHaveLength(4);
}, 600_000);
