/**
 * Drift on the real test fleet: deploy two small pools, induce every kind of drift by
 * hand (Docker API on the hosts' daemons, Consul HTTP API), check `dcp drift` reports
 * each with its kind and exit 2, then `dcp drift --fix` repairs it and drift reports none.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import schema from "../../schema/drift.schema.json";
import { clientTls, LocalSite, readSite, runtimeEnv } from "../../local-site";
import { DesiredState, PoolSpec } from "../../model/desired-state";
import { CONTAINER_LABELS, KV } from "../../model/host-metadata";
import { applyDesired } from "../../runtime";
import { ConsulClient, consulConfigFromEnv } from "../../runtime/consul/client";
import { upstreamKey } from "../../runtime/discovery/upstreams";
import { upstreamValue } from "../../model/upstreams";
import { assignmentValue, parseAssignment, readInventory } from "../../runtime/inventory/read";
import { DockerHosts } from "../../runtime/docker/hosts";
import { Inventory } from "../../model/inventory";
import { DriftReport } from "../../runtime/drift/types";
import { containerName, instanceId, specHash } from "../../runtime/plan/spec";

jest.setTimeout(180_000);

const WEB = "drift-web";
const CACHE = "drift-cache";
const UPSTREAM = "drift_web";
const STRAY_NODE = "drift-stray-node";
const LEFTOVER_KEY = "dcp/drift-test/leftover";
const DEAD_SERVER = "192.168.79.250:8080";
/** Other suites may be applying; under the lock's session TTL (15 s, Consul allows twice that) while waiting. */
const LOCK_WAIT_SECONDS = 25;

let fleet: LocalSite;
let consul: ConsulClient;
let dockers: DockerHosts;
let dir: string;
let desiredFile: string;

function pool(name: string, replicas: number, upstream: boolean): PoolSpec {
  return {
    name,
    image: fleet.image,
    containerType: "dP01",
    replicas,
    effectiveReplicas: replicas,
    idcs: ["yf-private", "aliyun-bj"],
    ports: [{ name: "http", port: 0 }],
    healthCheck: { path: "/health", port: 0, intervalSeconds: 2, timeoutSeconds: 1 },
    upstream: upstream ? { name: UPSTREAM, weight: 20, maxFails: 2, failTimeoutSeconds: 10 } : undefined,
    placement: { strategy: "spread", constraints: [] },
    dependencies: [],
    owner: "platform-team",
    env: {},
    source: `test/fleet/drift.test.ts (${name})`,
  };
}

/** The test fleet's IDCs and fleets as they are, and the two pools of this suite. */
function desiredState(webReplicas: number, cacheReplicas: number): DesiredState {
  const idcNames = [...new Set(fleet.hosts.map((h) => h.idc))];
  const fleetNames = [...new Set(fleet.hosts.map((h) => h.fleet))];
  return {
    version: 1,
    idcs: idcNames.map((name) => {
      const hosts = fleet.hosts.filter((h) => h.idc === name);
      const cloud = hosts[0].cloud;
      return { name, kind: cloud ? "cloud" : "private", zones: [...new Set(hosts.map((h) => h.zone))], consulAddress: fleet.consulHttp, cloudWeightFactor: cloud ? 0.8 : 1 };
    }),
    fleets: fleetNames.map((name) => {
      const h = fleet.hosts.find((x) => x.fleet === name)!;
      const count = fleet.hosts.filter((x) => x.fleet === name).length;
      return { name, idc: h.idc, hostClass: { cpu: h.cpu, memoryMiB: h.memoryMiB }, instanceTypes: [], chargeType: "PostPaid", hostsForPools: count, bufferHosts: 0, freeHosts: 0, desiredHosts: count };
    }),
    pools: [pool(WEB, webReplicas, true), pool(CACHE, cacheReplicas, false)],
  };
}

function docker(node: string): Docker {
  const host = fleet.hosts.find((h) => h.node === node)!;
  return new Docker({ host: host.ip, port: 2376, protocol: "https", ...clientTls(fleet) } as Docker.DockerOptions);
}

function drift(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(join(__dirname, "..", "..", "bin", "dcp"), ["drift", "--profile", "local", "--desired", desiredFile, ...args, "--pool", WEB, CACHE], {
    cwd: join(__dirname, "..", ".."),
    env: { ...process.env, ...runtimeEnv(fleet) },
    encoding: "utf8",
    timeout: 170_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function driftJson(...args: string[]): { code: number; report: DriftReport; stderr: string } {
  const r = drift("--json", ...args);
  let report: DriftReport;
  try {
    report = JSON.parse(r.stdout) as DriftReport;
  } catch {
    throw new Error(`dcp drift printed no JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
  return { code: r.code, report, stderr: r.stderr };
}

async function inventory(): Promise<Inventory> {
  return readInventory(consul, dockers);
}

async function consulHttp(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${fleet.consulHttp}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}

/** Node meta back to what the host's own agent is configured with (also done by --fix; here for a failed run). */
async function restoreNodeMeta(node: string): Promise<void> {
  const host = fleet.hosts.find((h) => h.node === node)!;
  const self = (await (await fetch(`http://${host.ip}:8500/v1/agent/self`)).json()) as { Config: { NodeID: string }; Meta: Record<string, string> };
  const current = (await consulHttp("GET", `/v1/catalog/node/${node}`)) as { Node: { TaggedAddresses: Record<string, string> } };
  await consulHttp("PUT", "/v1/catalog/register", { ID: self.Config.NodeID, Node: node, Address: host.ip, TaggedAddresses: current.Node.TaggedAddresses, NodeMeta: self.Meta });
}

let relabelled: string | undefined;

/** A fleet just brought up (or whose Consul was just restarted by another suite) may still be electing. */
async function waitForLeader(): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await consul.ping();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

beforeAll(async () => {
  if (!process.env.DCP_TEST_FLEET) throw new Error("DCP_TEST_FLEET is not set: run fleet tests through jest (test/fleet/setup.ts)");
  fleet = readSite(process.env.DCP_TEST_FLEET);
  consul = new ConsulClient(consulConfigFromEnv({ address: fleet.consulHttp }));
  dockers = new DockerHosts({ tlsDir: fleet.tlsDir });
  dir = mkdtempSync(join(tmpdir(), "dcp-drift-test-"));
  desiredFile = join(dir, "desired.json");
  writeFileSync(desiredFile, JSON.stringify(desiredState(3, 1)));
  await waitForLeader();
  await applyDesired(desiredState(3, 1), { consul, tlsDir: fleet.tlsDir, profile: "local", pools: [WEB, CACHE], progress: "quiet", waitLockSeconds: LOCK_WAIT_SECONDS });
});

afterAll(async () => {
  try {
    await consulHttp("PUT", "/v1/catalog/deregister", { Node: STRAY_NODE });
    await consul.kvDelete(LEFTOVER_KEY);
    if (relabelled) await restoreNodeMeta(relabelled);
    await applyDesired(desiredState(0, 0), { consul, tlsDir: fleet.tlsDir, profile: "local", pools: [WEB, CACHE], progress: "quiet", waitLockSeconds: LOCK_WAIT_SECONDS });
    // Scaled to zero, an upstream keeps its last entry marked down (nginx cannot empty one); the suite's upstream goes entirely.
    await consul.txn([{ verb: "delete-tree", key: `${consul.config.upstreamPrefix}/${UPSTREAM}/` }]);
  } finally {
    consul.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("right after an apply there is no drift (exit 0)", () => {
  const { code, report } = driftJson();
  expect(report.findings).toEqual([]);
  expect(code).toBe(0);
});

test("every induced drift is reported with its kind (exit 2), then --fix repairs it and drift reports none (exit 0)", async () => {
  const before = await inventory();
  const mine = before.hosts.flatMap((h) => (h.containers ?? []).filter((c) => c.pool === WEB || c.pool === CACHE).map((c) => ({ host: h, c })));
  const web0 = mine.find((m) => m.c.instance === instanceId(WEB, 0))!;
  const web1 = mine.find((m) => m.c.instance === instanceId(WEB, 1))!;
  const cache0 = mine.find((m) => m.c.instance === instanceId(CACHE, 0))!;
  expect([web0, web1, cache0].every(Boolean)).toBe(true);
  // Hosts with no drift-web container and no drift-web assignment (other suites' containers may be there).
  const withoutWeb = before.hosts.filter(
    (h) => h.healthy && !mine.some((m) => m.host.node === h.node && m.c.pool === WEB) && !h.assignedPools.includes(WEB),
  );
  expect(withoutWeb.length).toBeGreaterThanOrEqual(2);
  const [extraHost, wrongAssignmentHost] = withoutWeb;
  const labelHost = before.hosts.find((h) => h.node !== extraHost.node && h.node !== wrongAssignmentHost.node)!;
  const web = desiredState(3, 1).pools[0];
  const webHash = specHash(web);
  const prefix = consul.config.upstreamPrefix;

  // 1. missing container: removed behind dcp's back.
  await docker(web0.host.node).getContainer(web0.c.id).remove({ force: true });

  // 2. extra container: started by hand as a copy of a dcp container (labels and env), one instance further.
  await dockers.get(extraHost.node, extraHost.dockerEndpoint).ensureImage(fleet.image);
  const template = await docker(web1.host.node).getContainer(web1.c.id).inspect();
  const extraInstance = instanceId(WEB, 7);
  const extraName = containerName(extraInstance, webHash);
  const extraPort = 29907;
  const extra = await docker(extraHost.node).createContainer({
    name: extraName,
    Image: fleet.image,
    Env: template.Config.Env.map((e) => (/^PORT(_HTTP)?=/.test(e) ? e.replace(/=.*/, `=${extraPort}`) : /^DCP_INSTANCE=/.test(e) ? `DCP_INSTANCE=${extraInstance}` : e)),
    Labels: { ...template.Config.Labels, [CONTAINER_LABELS.instance]: extraInstance, [CONTAINER_LABELS.ports]: String(extraPort) },
    HostConfig: { NetworkMode: "host" },
  });
  await extra.start();

  // 3. wrong image: the cache container recreated by hand from the next image, labels copied.
  const cacheDocker = docker(cache0.host.node);
  const old = await cacheDocker.getContainer(cache0.c.id).inspect();
  await cacheDocker.getContainer(cache0.c.id).remove({ force: true });
  await dockers.get(cache0.host.node, cache0.host.dockerEndpoint).ensureImage(fleet.imageNext);
  const recreated = await cacheDocker.createContainer({ name: old.Name.replace(/^\//, ""), Image: fleet.imageNext, Env: old.Config.Env, Labels: old.Config.Labels, HostConfig: { NetworkMode: "host" } });
  await recreated.start();

  // 4. upstream for an ip:port where nothing runs; 5. a weight edited by hand.
  const deadKey = upstreamKey(prefix, UPSTREAM, DEAD_SERVER);
  await consul.kvPut(deadKey, upstreamValue({ weight: 20, maxFails: 2, failTimeoutSeconds: 10, down: false }));
  const editedKey = upstreamKey(prefix, UPSTREAM, `${web1.host.address}:${web1.c.ports[0]}`);
  await consul.kvPut(editedKey, '{"weight":99,"max_fails":2,"fail_timeout":10,"down":0}');

  // 6. an assignment that disagrees with what runs on the host.
  await consul.kvPut(KV.assignment("dcp", wrongAssignmentHost.node), assignmentValue([...wrongAssignmentHost.assignedPools, WEB]));

  // 7. node meta re-registered differently; a stray node and a stray service with dcp meta.
  const current = (await consulHttp("GET", `/v1/catalog/node/${labelHost.node}`)) as { Node: { ID: string; TaggedAddresses: Record<string, string>; Meta: Record<string, string> } };
  relabelled = labelHost.node;
  await consulHttp("PUT", "/v1/catalog/register", {
    ID: current.Node.ID,
    Node: labelHost.node,
    Address: labelHost.address,
    TaggedAddresses: current.Node.TaggedAddresses,
    NodeMeta: { ...current.Node.Meta, dcp_fleet: "ghost-fleet" },
  });
  await consulHttp("PUT", "/v1/catalog/register", { Node: STRAY_NODE, Address: "192.168.79.251", NodeMeta: { dcp_fleet: "ghost-fleet", dcp_idc: "yf-private" } });
  const strayServiceId = containerName(instanceId(WEB, 42), webHash);
  await consul.agentAt(extraHost.address).registerService({
    serviceId: strayServiceId,
    name: WEB,
    address: extraHost.address,
    port: 29942,
    tags: [],
    meta: { dcp_pool: WEB, dcp_instance: instanceId(WEB, 42), dcp_spec_hash: webHash },
  });

  // 8. a KV key under the dcp root that nothing owns.
  await consul.kvPut(LEFTOVER_KEY, "left by hand");

  const { code, report } = driftJson();
  const has = (kind: string, object: string) => report.findings.some((f) => f.kind === kind && f.object === object);
  const listed = [...report.findings.map((f) => `${f.kind}: ${f.object}`), ...report.notes.map((n) => `note: ${n}`)];
  expect(code).toBe(2);
  const extraFinding = report.findings.find((f) => f.kind === "extra-container" && f.object === `pool ${WEB}`);
  expect(extraFinding?.actual).toContain(extraName);
  const spec = report.findings.find((f) => f.kind === "spec-changed" && f.pool === CACHE);
  expect(spec?.actual).toContain(fleet.imageNext);
  const expected = [
    ["missing-container", `pool ${WEB}`],
    ["dead-upstream", `kv ${deadKey}`],
    ["dead-upstream", `kv ${upstreamKey(prefix, UPSTREAM, `${web0.host.address}:${web0.c.ports[0]}`)}`],
    ["upstream-edited", `kv ${editedKey}`],
    ["assignment-mismatch", `host ${wrongAssignmentHost.node}`],
    ["assignment-mismatch", `host ${extraHost.node}`],
    ["label-mismatch", `host ${labelHost.node}`],
    ["unowned-entry", `node ${STRAY_NODE}`],
    ["unowned-entry", `service ${strayServiceId} on ${extraHost.node}`],
    ["unowned-entry", `kv ${LEFTOVER_KEY}`],
  ];
  // Every expected finding; when one is absent, the failure shows it and everything that was reported.
  const absent = expected.filter(([kind, object]) => !has(kind, object)).map(([kind, object]) => `NOT REPORTED ${kind}: ${object}`);
  expect(absent.length === 0 ? [] : [...absent, "reported:", ...listed]).toEqual([]);
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  expect(ajv.validate(schema, { $schema: schema.$id, ...report }) || ajv.errors).toBe(true);

  const md = drift("--markdown");
  expect(md.code).toBe(2);
  expect(md.stdout).toMatch(/^### dcp drift: \d+ findings\n/);

  // Repair, then look again with a fresh process.
  const fixed = driftJson("--fix", "--wait-lock", String(LOCK_WAIT_SECONDS));
  expect({ remaining: fixed.report.findings, stderr: fixed.stderr }).toMatchObject({ remaining: [] });
  expect(fixed.code).toBe(0);
  // The hand-made cache container is replaced in place by the one plan, applied once.
  expect(fixed.stderr).toMatch(new RegExp(`^fix: replacing ${cache0.c.name} on ${cache0.host.node}: it runs another image`, "m"));
  expect(fixed.stderr.match(/^fix: apply: \d+ change\(s\)$/gm)).toHaveLength(1);
  relabelled = undefined;
  const again = driftJson();
  expect(again.report.findings).toEqual([]);
  expect(again.code).toBe(0);

  // What the repair did, seen from the daemons and Consul.
  const after = await inventory();
  const running = (p: string) => after.hosts.flatMap((h) => (h.containers ?? []).filter((c) => c.pool === p && c.running));
  expect(running(WEB).map((c) => c.instance).sort()).toEqual([0, 1, 2].map((i) => instanceId(WEB, i)));
  expect(running(CACHE).map((c) => c.image)).toEqual([fleet.image]);
  expect(await consul.kvGet(deadKey)).toBeUndefined();
  expect(await consul.kvGet(LEFTOVER_KEY)).toBeUndefined();
  const assigned = parseAssignment((await consul.kvGet(KV.assignment("dcp", wrongAssignmentHost.node))) ?? "");
  const webThere = after.hosts.find((h) => h.node === wrongAssignmentHost.node)!.containers!.some((c) => c.pool === WEB);
  expect(assigned.includes(WEB)).toBe(webThere);
  const edited = await consul.kvGet(editedKey);
  expect(edited).toBe(upstreamValue({ weight: web1.host.cloud ? 16 : 20, maxFails: 2, failTimeoutSeconds: 10, down: false }));
  const node = (await consulHttp("GET", `/v1/catalog/node/${labelHost.node}`)) as { Node: { Meta: Record<string, string> } };
  expect(node.Node.Meta.dcp_fleet).toBe(labelHost.fleet);
  const nodes = (await consulHttp("GET", "/v1/catalog/nodes")) as Array<{ Node: string }>;
  expect(nodes.map((n) => n.Node)).not.toContain(STRAY_NODE);
  expect((await consul.services()).map((s) => s.serviceId)).not.toContain(strayServiceId);
});
