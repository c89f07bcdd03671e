/**
 * A host's dockerd stops while an apply runs: the next plan reports the host lost and
 * reschedules its containers on other hosts; when the daemon comes back with the old
 * containers, the duplicates are removed and the pool is exactly as desired again.
 */
import { startHostDocker, stopHostDocker } from "../../local-site";
import { Suite, testFleet, testPool } from "./support/apply";

const fleet = testFleet();
const suite = new Suite(fleet, "lost");
// One per host, so the lost host's container must move to a host that has none.
const web = testPool(fleet, "tlost-web", 3, { placement: { strategy: "spread", constraints: [], antiAffinity: "host" } });
let stopped: string | undefined;

beforeAll(() => suite.cleanup([web]), 120_000);
afterAll(async () => {
  if (stopped) await startHostDocker(fleet, stopped);
  await suite.cleanup([web]);
}, 180_000);

test("containers of a host whose dockerd stopped mid-apply are rescheduled elsewhere and reported", async () => {
  expect((await suite.apply([web])).code).toBe(2);
  const before = await suite.containers("tlost-web");
  expect(before).toHaveLength(3);
  const victim = before[0];

  // Scale to 4 and stop the victim's daemon as soon as the apply has made its first change.
  const four = { ...web, replicas: 4, effectiveReplicas: 4 };
  const running = suite.spawn(["apply", "--desired", suite.writeDesired([four]), "--profile", "local", "--wait-lock", "60", "--progress", "lines"]);
  await running.waitFor(() => running.finished() >= 1, "the first change");
  stopped = victim.node;
  await stopHostDocker(fleet, victim.node);
  await running.done; // it may finish or fail on the lost host; the next run must converge either way

  const plan = await suite.plan([four]);
  expect(plan.stdout).toContain(`host ${victim.node} is lost (its Docker daemon did not answer)`);
  expect(plan.stdout).toMatch(new RegExp(`create +│ tlost-web +│ ${victim.instance} .*replace-lost`));
  expect(plan.code).toBe(2);

  const out = await suite.apply([four]);
  expect(out.code).toBe(2);
  const after = await suite.containers("tlost-web"); // the stopped host's containers are not readable now
  expect(after.map((c) => c.instance).sort()).toEqual(["tlost-web-00000", "tlost-web-00001", "tlost-web-00002", "tlost-web-00003"]);
  expect(after.some((c) => c.node === victim.node)).toBe(false);
  const entries = (await suite.upstreams("tlost_web")).filter((e) => !e.down);
  expect(entries.map((e) => e.server).sort()).toEqual(after.map((c) => `${c.address}:${c.ports[0]}`).sort());

  // The daemon comes back and restarts its containers (restart policy): they are duplicates now.
  await startHostDocker(fleet, victim.node);
  stopped = undefined;
  const back = await suite.containers("tlost-web");
  expect(back.filter((c) => c.instance === victim.instance)).toHaveLength(2);
  const again = await suite.apply([four]);
  expect(again.code).toBe(2);
  expect(again.stdout + again.stderr).toMatch(/remove tlost-web-\d+ on/);
  const final = await suite.containers("tlost-web");
  expect(final.map((c) => c.instance).sort()).toEqual(["tlost-web-00000", "tlost-web-00001", "tlost-web-00002", "tlost-web-00003"]);
  expect((await suite.upstreams("tlost_web")).filter((e) => !e.down)).toHaveLength(4);
  expect((await suite.plan([four])).code).toBe(0);
}, 600_000);
