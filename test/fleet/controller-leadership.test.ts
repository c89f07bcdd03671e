/**
 * One controller acts per datacenter: two running, only the leader acts; the leader
 * SIGKILLed, the stand-by takes over and acts; the leader rides out a Consul restart; and
 * no controller acts while a deploy holds the apply lock.
 */
import { hostname } from "node:os";
import { restartConsul } from "../../local-site";
import { withApplyLock } from "../../runtime/consul/lock";
import { Leadership } from "../../runtime/controller/leadership";
import { DcpProcess, Suite, testFleet, testPool } from "./support/apply";
import { acted, healthyCount, killContainer, leads, startController, stopController, waitUntil } from "./support/controller";

const fleet = testFleet();
const suite = new Suite(fleet, "controller-leadership");
const web = testPool(fleet, "tlead-web", 3);
let controllers: DcpProcess[] = [];

beforeAll(async () => {
  await suite.cleanup([web]);
  // The apply records this desired state as the deployed one: what the controllers keep.
  expect((await suite.apply([web])).code).toBe(2);
}, 180_000);

afterEach(async () => {
  await Promise.all(controllers.map(stopController));
  controllers = [];
}, 60_000);

afterAll(() => suite.cleanup([web]), 180_000);

const leaderOf = async (a: DcpProcess, b: DcpProcess) => {
  await waitUntil(() => leads(a) || leads(b), "a leader", 30_000);
  return leads(a) ? { leader: a, standby: b } : { leader: b, standby: a };
};

test("two controllers: one leads and only it replaces a killed container", async () => {
  const a = startController(suite, "lead-a");
  const b = startController(suite, "lead-b");
  controllers = [a, b];
  const { leader, standby } = await leaderOf(a, b);
  const current = await Leadership.current(suite.consul);
  expect(current?.holder).toBe(leader === a ? "lead-a" : "lead-b");
  expect(current?.host).toBe(hostname());

  await killContainer(suite, web.name);
  await waitUntil(async () => (await healthyCount(suite, web.name)) === 3 && acted(leader) > 0, "the leader to restart the killed container", 60_000);
  expect(leads(standby)).toBe(false);
  expect(acted(standby)).toBe(0);
}, 180_000);

test("the leader SIGKILLed: the stand-by takes over within 2 × lease and acts", async () => {
  const a = startController(suite, "fail-a");
  const b = startController(suite, "fail-b");
  controllers = [a, b];
  const { leader, standby } = await leaderOf(a, b);
  await waitUntil(() => standby.stderr.includes("started"), "the stand-by to start", 30_000);
  leader.kill();
  await leader.done;
  const tookOver = await waitUntil(() => leads(standby), "the stand-by to lead", 40_000);
  // Lease 10 s: Consul invalidates an unrenewed session within 2 × TTL, then lock-delay 1 s.
  expect(tookOver).toBeLessThan(25_000);
  await killContainer(suite, web.name);
  await waitUntil(async () => (await healthyCount(suite, web.name)) === 3 && acted(standby) > 0, "the new leader to restart the killed container", 60_000);
}, 180_000);

test("the leader keeps leading across a Consul restart and still acts after it", async () => {
  const a = startController(suite, "restart-a");
  controllers = [a];
  await waitUntil(() => leads(a), "the controller to lead", 30_000);
  await restartConsul(fleet);
  await waitUntil(async () => (await Leadership.current(suite.consul))?.holder === "restart-a", "the lock to name the leader after the restart", 60_000);
  expect(a.stderr).not.toMatch(/standing by/);
  const before = acted(a);
  await killContainer(suite, web.name);
  await waitUntil(async () => (await healthyCount(suite, web.name)) === 3 && acted(a) > before, "the controller to restart the killed container", 90_000);
}, 240_000);

test("no controller acts while a deploy holds the apply lock; it acts once the lock is free", async () => {
  const a = startController(suite, "locked-a");
  controllers = [a];
  await waitUntil(() => leads(a), "the controller to lead", 30_000);
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let killed = "";
  const deploy = withApplyLock(suite.consul, "a deploy in the test", async () => {
    killed = (await killContainer(suite, web.name)).name;
    await waitUntil(() => /not acting: Another apply holds the lock/.test(a.stderr), "the controller to be refused by the apply lock", 30_000);
    // Still short while the deploy holds the lock.
    expect(await healthyCount(suite, web.name)).toBe(2);
    await released;
  });
  await new Promise((r) => setTimeout(r, 3_000));
  expect((await suite.containers(web.name)).find((c) => c.name === killed)?.running).toBe(false);
  release();
  await deploy;
  await waitUntil(async () => (await healthyCount(suite, web.name)) === 3, "the controller to act after the deploy", 60_000);
}, 180_000);
