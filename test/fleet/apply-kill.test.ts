/**
 * `dcp apply` killed with SIGKILL at different points (after a number of changes, and
 * after a random delay): the next apply converges with containers, catalog services and
 * upstream entries exactly as desired — no duplicate, no lost container.
 */
import { PoolSpec } from "../../model/desired-state";
import { Suite, testFleet, testPool } from "./support/apply";

const fleet = testFleet();
const suite = new Suite(fleet, "kill");
const web = testPool(fleet, "tkill-web", 0);

beforeAll(() => suite.cleanup([web]), 120_000);
afterAll(() => suite.cleanup([web]), 120_000);

async function expectConverged(pool: PoolSpec): Promise<void> {
  const containers = await suite.containers(pool.name);
  const instances = containers.map((c) => c.instance).sort();
  expect(instances).toEqual(Array.from({ length: pool.effectiveReplicas }, (_, i) => `${pool.name}-${String(i).padStart(5, "0")}`));
  expect(containers.every((c) => c.running && c.image === pool.image)).toBe(true);
  const entries = (await suite.upstreams(pool.upstream!.name)).filter((e) => !e.down);
  expect(entries.map((e) => e.server).sort()).toEqual(containers.map((c) => `${c.address}:${c.ports[0]}`).sort());
  const services = (await suite.consul.services()).filter((s) => s.meta.dcp_pool === pool.name);
  expect(services.map((s) => s.serviceId).sort()).toEqual(containers.map((c) => c.name).sort());
  // Host agents sync new checks to the catalog a moment after registration: give the plan a few tries.
  let plan = await suite.plan([pool]);
  for (let i = 0; i < 3 && plan.code !== 0; i++) {
    await new Promise((r) => setTimeout(r, 3000));
    plan = await suite.plan([pool]);
  }
  if (plan.code !== 0) throw new Error(`not converged, plan (${plan.code}):\n${plan.stdout}\n${plan.stderr}`);
}

/** Starts an apply, SIGKILLs it when `when` says so, then applies again (waiting for the dead holder's lock to expire). */
async function killThenConverge(pool: PoolSpec, when: { afterChanges?: number; afterMs?: number }): Promise<void> {
  const p = suite.spawn(["apply", "--desired", suite.writeDesired([pool]), "--profile", "local", "--progress", "lines", "--wait-lock", "90"]);
  if (when.afterChanges !== undefined) await p.waitFor(() => p.finished() >= when.afterChanges!, `${when.afterChanges} changes`);
  else await new Promise((r) => setTimeout(r, when.afterMs));
  p.kill();
  const killed = await p.done;
  expect(killed.code).not.toBe(0); // killed, not finished: otherwise the case tests nothing
  const again = await suite.apply([pool], ["--wait-lock", "90"]);
  if (again.code !== 0 && again.code !== 2) throw new Error(`re-apply failed (${again.code}):\n${again.stderr}`);
  expect(again.stderr).not.toMatch(/^failed /m);
  await expectConverged(pool);
}

test("killed during scale-out after 7 changes (mid create/start)", async () => {
  await killThenConverge({ ...web, replicas: 10, effectiveReplicas: 10 }, { afterChanges: 7 });
}, 600_000);

test("killed during a rolling update after 23 changes (new containers up, old ones partly removed)", async () => {
  await killThenConverge({ ...web, replicas: 10, effectiveReplicas: 10, image: fleet.imageNext }, { afterChanges: 23 });
}, 600_000);

test("killed during scale-in after 5 changes (mid unpublish/drain)", async () => {
  await killThenConverge({ ...web, replicas: 4, effectiveReplicas: 4, image: fleet.imageNext }, { afterChanges: 5 });
}, 600_000);

test("killed after a random delay during scale-out with an image change", async () => {
  const delay = 2500 + Math.floor(Math.random() * 2500);
  await killThenConverge({ ...web, replicas: 9, effectiveReplicas: 9 }, { afterMs: delay });
}, 600_000);
