/**
 * Scale-out and scale-in on the real test fleet: containers on the daemons, catalog
 * registrations with passing checks, upstream entries with cloud weights, buffer hosts
 * taken first and given back, and a second apply that has nothing to do.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { runtimeEnv } from "../../local-site";
import { CONTAINER_TYPES } from "../../model/container-types";
import { KV } from "../../model/host-metadata";
import { applyDesired } from "../../runtime";
import { cpuLimit } from "../../runtime/docker/cpu-limit";
import { parseAssignment } from "../../runtime/inventory/read";
import { Suite, testDesired, testFleet, testPool } from "./support/apply";

const fleet = testFleet();
const suite = new Suite(fleet, "scale");
const web = testPool(fleet, "tscale-web", 0);

// Leftovers of an interrupted earlier run would change what the first apply does.
beforeAll(() => suite.cleanup([web]), 120_000);
afterAll(() => suite.cleanup([web]), 120_000);

test("scale out 0 → 8: containers run, answer as their instance, are registered and published", async () => {
  const plan = await suite.plan([{ ...web, replicas: 8, effectiveReplicas: 8 }]);
  expect(plan.code).toBe(2);
  expect(plan.stdout).toMatch(/tscale-web\s*│\s*8\s*│\s*0\s*│\s*0\s*│\s*8/);
  // The test hosts have more CPUs than this machine: the plan tells the reviewer limits are scaled.
  expect(plan.stdout).toMatch(/^note: local profile: Docker refuses CPU limits above the machine's \d+ core\(s\)/m);

  const out = await suite.apply([{ ...web, replicas: 8, effectiveReplicas: 8 }]);
  expect(out.stderr).not.toMatch(/^failed /m);
  expect(out.code).toBe(2);

  let containers = await suite.containers("tscale-web");
  expect(containers.map((c) => c.instance).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `tscale-web-${String(i).padStart(5, "0")}`));
  expect(containers.every((c) => c.running)).toBe(true);
  // Registered as passing (apply had just seen them healthy); the host agents sync to the catalog asynchronously.
  for (let i = 0; i < 30 && !containers.every((c) => c.health === "passing"); i++) {
    await new Promise((r) => setTimeout(r, 500));
    containers = await suite.containers("tscale-web");
  }
  expect(containers.map((c) => c.health)).toEqual(Array(8).fill("passing"));
  for (const c of containers) {
    const res = await fetch(`http://${c.address}:${c.ports[0]}/`, { signal: AbortSignal.timeout(3000) });
    expect(await res.text()).toContain(c.instance);
  }
  const entries = await suite.upstreams("tscale_web");
  expect(entries.filter((e) => !e.down).map((e) => e.server).sort()).toEqual(containers.map((c) => `${c.address}:${c.ports[0]}`).sort());
  const inv = await suite.inventory();
  // The daemon got the container type's CPU scaled to this machine (labels keep the full CPU for placement).
  const typeCpu = CONTAINER_TYPES[web.containerType].cpu;
  const first = inv.hosts.find((h) => h.node === containers[0].node)!;
  const inspected = await suite.dockers.get(first.node, first.dockerEndpoint).docker.getContainer(containers[0].id).inspect();
  expect(inspected.HostConfig.NanoCpus).toBe(Math.round(cpuLimit(typeCpu, first.capacity.cpu, { profile: "local" }) * 1e9));
  expect(inspected.HostConfig.NanoCpus).toBeLessThan(typeCpu * 1e9);
  expect(containers[0].resources.cpu).toBe(typeCpu);
  for (const e of entries) {
    const host = inv.hosts.find((h) => e.server.startsWith(`${h.address}:`))!;
    expect(e.weight).toBe(host.cloud ? 16 : 20);
  }
  // Every host is initialised, with the time its bootstrap said ready (cost counts from it).
  for (const h of inv.hosts) {
    expect(h.initialised).toBe(true);
    expect(Date.parse(h.since ?? "")).toBeLessThanOrEqual(Date.now());
  }

  const again = await suite.apply([{ ...web, replicas: 8, effectiveReplicas: 8 }]);
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(/No changes/);
}, 600_000);

test("scale in 8 → 3 removes the highest instances and their upstream entries", async () => {
  const out = await suite.apply([{ ...web, replicas: 3, effectiveReplicas: 3 }]);
  expect(out.code).toBe(2);
  const containers = await suite.containers("tscale-web");
  expect(containers.map((c) => c.instance).sort()).toEqual(["tscale-web-00000", "tscale-web-00001", "tscale-web-00002"]);
  const entries = await suite.upstreams("tscale_web");
  expect(entries.filter((e) => !e.down)).toHaveLength(3);
  const services = (await suite.consul.services()).filter((s) => s.meta.dcp_pool === "tscale-web");
  expect(services).toHaveLength(3);
}, 600_000);

test("with one Docker slot, each container starts right after its own create, and each is stopped right before its removal", async () => {
  const serial = testPool(fleet, "tscale-serial", 4);
  try {
    const order = (stderr: string) => stderr.split("\n").map((l) => /^done \d+\/\d+ (create|start|stop|remove) (\S+)/.exec(l)).filter((m) => m !== null).map((m) => `${m![1]} ${m![2]}`);
    const up = await suite.apply([serial], ["--parallel", "1"]);
    expect(up.code).toBe(2);
    const steps = order(up.stderr);
    expect(steps).toHaveLength(8);
    // Pairs, not four creates then four starts: the slot is held from create to start.
    for (let i = 0; i < steps.length; i += 2) {
      expect([steps[i].split(" ")[0], steps[i + 1]]).toEqual(["create", steps[i].replace("create", "start")]);
    }
    const down = await suite.apply([{ ...serial, replicas: 0, effectiveReplicas: 0 }], ["--parallel", "1"]);
    expect(down.code).toBe(2);
    const removal = order(down.stderr);
    expect(removal).toHaveLength(8);
    for (let i = 0; i < removal.length; i += 2) {
      expect([removal[i].split(" ")[0], removal[i + 1].split(" ")[0]]).toEqual(["stop", "remove"]);
    }
  } finally {
    await suite.cleanup([serial]);
  }
}, 600_000);

test("scale-out beyond the assigned hosts takes buffer hosts (assigned first), and scale-in gives them back", async () => {
  const root = suite.consul.config.kvRoot;
  const assigned = async () => {
    const list = await suite.consul.kvList(KV.assignments(root));
    return list.filter((a) => parseAssignment(a.value).includes("tscale-big")).map((a) => a.key.slice(KV.assignments(root).length)).sort();
  };
  // dP04 (16 cpu) with one per host: 3 replicas need 3 hosts, so buffer hosts must be assigned.
  const big = testPool(fleet, "tscale-big", 3, { containerType: "dP04", placement: { strategy: "spread", constraints: [], antiAffinity: "host" } });
  try {
    const plan = await suite.plan([big]);
    expect(plan.stdout).toMatch(/assign-host/);
    const out = await suite.apply([big]);
    expect(out.code).toBe(2);
    const nodes = (await suite.containers("tscale-big")).map((c) => c.node).sort();
    expect(new Set(nodes).size).toBe(3);
    expect(await assigned()).toEqual(nodes);
    // The assignment was written before the first container landed on the host.
    const lines = out.stderr.split("\n");
    const firstAssign = lines.findIndex((l) => /^done \d+\/\d+ assign-host/.test(l));
    const firstCreate = lines.findIndex((l) => /^done \d+\/\d+ create tscale-big/.test(l));
    expect(firstAssign).toBeGreaterThanOrEqual(0);
    expect(firstAssign).toBeLessThan(firstCreate);
  } finally {
    await suite.cleanup([big]);
  }
  expect(await assigned()).toEqual([]);
}, 600_000);

/** This process's established TCP connections to a host agent's HTTP port (8500), from /proc. */
function agentConnections(): number {
  const inodes = new Set(
    readdirSync("/proc/self/fd").map((fd) => {
      try {
        return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1];
      } catch {
        return undefined; // closed while listing
      }
    }),
  );
  const rows = readFileSync("/proc/self/net/tcp", "utf8").trim().split("\n").slice(1).map((l) => l.trim().split(/\s+/));
  // rem_address is hex ip:port (8500 = 0x2134), st 01 is ESTABLISHED, column 9 the inode.
  return rows.filter((r) => r[2].endsWith(":2134") && r[3] === "01" && inodes.has(r[9])).length;
}

test("an apply that made its own Consul client closes it: no connection to a host agent stays open", async () => {
  const pool = testPool(fleet, "tscale-conn", 4);
  // The apply reads the fleet's Consul address from the environment, as the CLI does.
  const env = runtimeEnv(fleet);
  const before = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    const report = await applyDesired(testDesired([pool]), { profile: "local", progress: "quiet", waitLockSeconds: 120 });
    // It registered through the agents; each agent refuses a client after 200 open connections.
    expect(report.plan.changes.filter((c) => c.kind === "register")).toHaveLength(4);
    expect(agentConnections()).toBe(0);
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await suite.cleanup([pool]);
  }
}, 600_000);
