/**
 * Self-healing by a running controller, on the test site: a container whose check fails
 * has its upstream entry marked down within two check intervals of the check failing, and
 * up again when it passes; a killed container's entry goes down and a restarted one
 * serves within a stated time; the containers of a lost host are replaced elsewhere.
 */
import { startHostDocker, stopHostDocker } from "../../local-site";
import { DcpProcess, Suite, testFleet, testPool } from "./support/apply";
import { healthyCount, killContainer, leads, startController, stopController, waitUntil } from "./support/controller";

const fleet = testFleet();
const suite = new Suite(fleet, "controller-healing");
const INTERVAL_S = 2;
const web = testPool(fleet, "theal-web", 3, { healthCheck: { path: "/health", port: 0, intervalSeconds: INTERVAL_S, timeoutSeconds: 1 } });
let controller: DcpProcess;

/** Polls every 100 ms until `condition`, returning when it first held (ms since the epoch). */
async function when(condition: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<number> {
  await waitUntil(condition, what, timeoutMs, 100);
  return Date.now();
}

const entryOf = async (server: string) => (await suite.upstreams("theal_web")).find((e) => e.server === server);
const checkOf = async (name: string) => (await suite.consul.checks()).find((c) => c.serviceId === name)?.status;

async function exec(node: string, name: string, script: string): Promise<void> {
  const host = (await suite.inventory()).hosts.find((h) => h.node === node)!;
  const docker = suite.dockers.get(node, host.dockerEndpoint).docker;
  const run = await docker.getContainer(name).exec({ Cmd: ["sh", "-c", script], AttachStdout: true, AttachStderr: true });
  const stream = await run.start({});
  await new Promise((resolve) => stream.on("end", resolve).resume());
}

beforeAll(async () => {
  await suite.cleanup([web]);
  expect((await suite.apply([web])).code).toBe(2);
  controller = startController(suite, "healing");
  await waitUntil(() => leads(controller), "the controller to lead", 30_000);
}, 180_000);

afterAll(async () => {
  await stopController(controller);
  await suite.cleanup([web]);
}, 180_000);

test("a failing check takes the entry down within two check intervals; passing again brings it back", async () => {
  const c = (await suite.containers(web.name)).find((x) => x.running)!;
  const server = `${c.address}:${c.ports[0]}`;
  await exec(c.node, c.name, "rm /tmp/www/health");
  const failed = await when(async () => (await checkOf(c.name)) === "critical", "the check to fail");
  const down = await when(async () => (await entryOf(server))?.down === true, "the entry to go down");
  expect(down - failed).toBeLessThanOrEqual(2 * INTERVAL_S * 1000);
  // Other servers keep serving.
  expect((await suite.upstreams("theal_web")).filter((e) => !e.down)).toHaveLength(2);

  await exec(c.node, c.name, "echo ok > /tmp/www/health");
  const passed = await when(async () => (await checkOf(c.name)) === "passing", "the check to pass");
  const up = await when(async () => (await entryOf(server))?.down === false, "the entry to come back up");
  expect(up - passed).toBeLessThanOrEqual(2 * INTERVAL_S * 1000);
  process.stderr.write(`[controller-healing] check failed → entry down ${down - failed} ms; check passed → entry up ${up - passed} ms\n`);
}, 120_000);

test("a killed container: its entry goes down within two check intervals and it serves again within 15 s", async () => {
  const killed = await killContainer(suite, web.name);
  const at = Date.now();
  const server = `${killed.address}:${killed.port}`;
  const down = await when(async () => (await entryOf(server))?.down !== false, "the entry to go down or away");
  expect(down - at).toBeLessThanOrEqual(2 * INTERVAL_S * 1000);
  const serving = await when(async () => (await healthyCount(suite, web.name)) === 3 && (await suite.upstreams("theal_web")).filter((e) => !e.down).length === 3, "three containers serving again");
  expect(serving - at).toBeLessThanOrEqual(15_000);
  process.stderr.write(`[controller-healing] killed → entry down ${down - at} ms, serving again ${serving - at} ms\n`);
}, 120_000);

test("the containers of a lost host are replaced on other hosts", async () => {
  const before = (await suite.containers(web.name)).filter((c) => c.running);
  const node = before[0].node;
  const onLost = before.filter((c) => c.node === node).length;
  const at = Date.now();
  await stopHostDocker(fleet, node);
  try {
    await waitUntil(
      async () => {
        const running = (await suite.containers(web.name)).filter((c) => c.running && c.health === "passing" && c.node !== node);
        return running.length === 3;
      },
      `${onLost} container(s) of ${node} replaced elsewhere`,
      120_000,
      500,
    );
    const entries = (await suite.upstreams("theal_web")).filter((e) => !e.down);
    expect(entries.every((e) => !e.server.startsWith(`${before[0].address}:`))).toBe(true);
    process.stderr.write(`[controller-healing] host ${node} stopped → ${onLost} container(s) replaced elsewhere ${Date.now() - at} ms after the stop began\n`);
  } finally {
    await startHostDocker(fleet, node);
  }
  // The host back: its old containers are duplicates, which the controller removes.
  await waitUntil(async () => (await suite.containers(web.name)).length === 3, "the duplicates removed", 120_000, 1000);
}, 360_000);
