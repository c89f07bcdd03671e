/**
 * The inventory of 1,000 hosts, read through a real Consul server from SIMULATED hosts
 * (bench/sim/: Docker Engine API stand-ins over TLS on loopback addresses). Three daemons
 * take the request and never answer: they are reported as lost, and every other host is
 * read as usual. (How fast a read is, is the scale-sim benchmark's business.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KV } from "../../model/host-metadata";
import { ConsulClient, consulConfigFromEnv } from "../../runtime/consul/client";
import { DockerHosts } from "../../runtime/docker/hosts";
import { readInventory } from "../../runtime/inventory/read";
import { SimFleet, simHosts, startConsulServer } from "../../bench/sim/control";

const NET = { octet: 210 };
const hosts = simHosts(1000, NET);
const HUNG = ["sim-h7", "sim-h500", "sim-h1000"];
/** The per-daemon timeout of the read: long enough for every live stand-in to answer on a loaded machine. */
const TIMEOUT_MS = 15_000;
const dir = mkdtempSync(join(tmpdir(), "dcp-inventory-scale-"));
let server: Awaited<ReturnType<typeof startConsulServer>>;
let fleet: SimFleet;
let consul: ConsulClient;

beforeAll(async () => {
  server = await startConsulServer(dir, NET);
  fleet = await SimFleet.start(hosts, { consulAddress: server.address, latencyFactor: 1, image: "registry.sim/dcp/demo:1", shards: 2, seed: 7, hungNodes: HUNG });
  consul = new ConsulClient(consulConfigFromEnv({ address: server.address }));
  await fleet.join();
  const at = new Date().toISOString();
  await consul.txn(hosts.map((h) => ({ verb: "set" as const, key: KV.hostInit(consul.config.kvRoot, h.node), value: JSON.stringify({ stage: "ready", ok: true, at }) })));
}, 300_000);

afterAll(async () => {
  consul?.close();
  await fleet?.stop();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

test("1,000 hosts are read in parallel; hung daemons are reported lost and the read still completes", async () => {
  const dockers = new DockerHosts({ tlsDir: fleet.tlsDir });
  // The hung daemons never answer: that this returns at all is their timeout at work.
  const inventory = await readInventory(consul, dockers, { daemonTimeoutMs: TIMEOUT_MS });
  dockers.close();
  expect(inventory.hosts).toHaveLength(1000);
  const lost = inventory.hosts.filter((h) => !h.healthy);
  expect(lost.map((h) => h.node).sort()).toEqual([...HUNG].sort());
  expect(lost.every((h) => h.containers === null)).toBe(true);
  expect(inventory.hosts.filter((h) => h.healthy).every((h) => Array.isArray(h.containers) && h.initialised)).toBe(true);
}, 300_000);
