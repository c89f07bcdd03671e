/**
 * `cdktf deploy` of the example (local profile) drives the whole chain on a site of its
 * own, built from nothing: Terraform adds and removes the hosts (terraform_data through
 * `dcp host add/remove`), the runtime resource places containers after them. The example
 * runs with buffers of one host each so that the site stays small (6 hosts). The tests
 * run in order and each starts from where the last one left the site.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { localSiteTarget, readSite, runtimeEnv, siteDown, siteStatus, siteUp } from "../../local-site";
import { BurstEstimate } from "../../model/burst-time";
import { DesiredState } from "../../model/desired-state";
import { Inventory } from "../../model/inventory";
import { ConsulClient, consulConfigFromEnv } from "../../runtime/consul/client";
import { withApplyLock } from "../../runtime/consul/lock";
import { readPage, upstreamShowServers } from "../../runtime/discovery/consumers";
import { readDecisions, writeDeployed } from "../../runtime/controller/state";
import { cdktf, cdktfOk, deployedDesired, firstIndex, lastIndex, makeProject, removeProject, replaceInFile, terraformEvents } from "../support/cdktf";
import { waitUntil } from "./support/controller";
import { deploySiteOptions, liveState } from "./support/deploy";

const options = deploySiteOptions();
const site = options.name!;
let project: string;
const feedApi = () => join(project, "stacks", "pools", "feed-api.yaml");
const stackDir = () => join(project, "cdktf.out", "stacks", "example");

beforeAll(async () => {
  await siteDown(site);
  // The base (bridge, Consul server, registry) with this site's own subnet and ports; hosts come from Terraform.
  await siteUp({ ...options, log: () => undefined });
  project = makeProject((stacks) => {
    replaceInFile(join(stacks, "example.ts"), /"yf-buffer", \{ fleet: yfFleet, hosts: \d+ \}/, '"yf-buffer", { fleet: yfFleet, hosts: 1 }');
    replaceInFile(join(stacks, "example.ts"), /"bj-buffer", \{ fleet: bjFleet, hosts: \d+ \}/, '"bj-buffer", { fleet: bjFleet, hosts: 1 }');
  });
}, 300_000);

afterAll(async () => {
  if (project) removeProject(project);
  await siteDown(site);
}, 300_000);

const hostsOf = (desired: DesiredState) => desired.fleets.flatMap((f) => f.hosts ?? []);
const running = (inventory: Inventory, pool: string) => inventory.hosts.flatMap((h) => (h.containers ?? []).filter((c) => c.pool === pool && c.running));

/** Every pool at its replicas, each instance once, nothing left to do, and the site has exactly the desired hosts. */
async function expectConverged(desired: DesiredState): Promise<Inventory> {
  let state = await liveState(site, desired);
  // A host agent syncs a new check to the catalog a moment after registration.
  for (let i = 0; i < 5 && state.plan.changes.length > 0; i++) {
    await new Promise((r) => setTimeout(r, 2000));
    state = await liveState(site, desired);
  }
  expect(state.plan.changes.map((c) => `${c.kind} ${c.node}`)).toEqual([]);
  for (const pool of desired.pools) {
    const instances = running(state.inventory, pool.name).map((c) => c.instance).sort();
    expect(instances).toEqual(Array.from({ length: pool.effectiveReplicas }, (_, i) => `${pool.name}-${String(i).padStart(5, "0")}`));
  }
  expect(readSite(site).hosts.map((h) => h.node).sort()).toEqual(hostsOf(desired).sort());
  const namespaces = execFileSync("ip", ["netns", "list"], { encoding: "utf8" }).split("\n").map((l) => l.split(" ")[0]).filter((n) => n.startsWith(`${site}-h`));
  expect(namespaces.sort()).toEqual(hostsOf(desired).sort());
  expect((await siteStatus(site)).problems).toEqual([]);
  return state.inventory;
}

async function waitForOutput(p: ReturnType<typeof cdktf>, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(p.output())) {
    if (Date.now() > deadline) throw new Error(`cdktf never printed ${pattern}:\n${p.output().slice(-4000)}`);
    if (p.child.exitCode !== null) throw new Error(`cdktf ended (${p.child.exitCode}) before ${pattern}:\n${p.output().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

let firstHosts: string[] = [];

test("deploy from nothing: Terraform makes the hosts, then the runtime places every pool; cdktf diff then shows no change", async () => {
  const events = terraformEvents(await cdktfOk(project, site, ["deploy", "--auto-approve"]));
  expect(lastIndex(events, /^create-done host\[/)).toBeGreaterThanOrEqual(0);
  expect(lastIndex(events, /^create-done host\[/)).toBeLessThan(firstIndex(events, /^create-start runtime$/));
  const desired = deployedDesired(project);
  firstHosts = hostsOf(desired);
  // The same sizing as the cloud: hosts the pools need plus the buffer, per fleet.
  expect(firstHosts).toHaveLength(desired.fleets.reduce((n, f) => n + f.hostsForPools + f.bufferHosts, 0));
  await expectConverged(desired);

  expect(await cdktfOk(project, site, ["diff"])).toMatch(/No changes\. Your infrastructure matches the configuration\./);
  const plan = spawnSync("terraform", ["plan", "-detailed-exitcode", "-input=false", "-lock=false", "-no-color"], { cwd: stackDir(), encoding: "utf8" });
  expect({ status: plan.status, out: plan.status === 0 ? "" : plan.stdout }).toEqual({ status: 0, out: "" });
}, 600_000);

test("raise feed-api in its pool file, kill -9 the deploy twice midway, deploy again: Terraform adds hosts, then the runtime adds containers, nothing lost or doubled", async () => {
  replaceInFile(feedApi(), /^replicas: 120 /m, "replicas: 240 ");
  // Once while a new host is being made (a second into its bootstrap), once as the runtime's first change is done.
  const midway: Array<[RegExp, number]> = [
    [/terraform_data\.host\["[^"]+"\]: Creating\.\.\./, 1000],
    [/terraform_data\.runtime \(local-exec\): done 1\//, 0],
  ];
  for (const [pattern, delayMs] of midway) {
    const p = cdktf(project, site, ["deploy", "--auto-approve"]);
    await waitForOutput(p, pattern, 300_000);
    await new Promise((r) => setTimeout(r, delayMs));
    p.kill();
    // Killed, not finished: otherwise this case tests nothing.
    expect((await p.done).signal).toBe("SIGKILL");
  }
  const out = await cdktfOk(project, site, ["deploy", "--auto-approve"]);
  const events = terraformEvents(out);
  const desired = deployedDesired(project);
  const added = hostsOf(desired).filter((n) => !firstHosts.includes(n));
  expect(added.length).toBeGreaterThan(0);
  // 240 / 40 on the local profile; port 8080 takes a host each.
  expect(desired.pools.find((p) => p.name === "feed-api")!.effectiveReplicas).toBe(6);
  // Whatever the killed runs left undone: hosts first, the runtime after the last of them.
  const runtimeStart = firstIndex(events, /^create-start runtime$/);
  expect(runtimeStart).toBeGreaterThan(lastIndex(events, /^create-done host\[/));
  const inventory = await expectConverged(desired);
  expect(inventory.hosts.filter((h) => added.includes(h.node)).some((h) => (h.containers ?? []).length > 0)).toBe(true);
}, 900_000);

test("lower it again with two deploys at once: Terraform's state lock refuses one; the other moves the containers off, then removes the hosts", async () => {
  const before = hostsOf(deployedDesired(project));
  const { inventory: was } = await liveState(site, deployedDesired(project));
  const containersOn = (node: string) => (was.hosts.find((h) => h.node === node)?.containers ?? []).map((c) => c.instance);
  replaceInFile(feedApi(), /^replicas: 240 /m, "replicas: 120 ");
  const runs = await Promise.all([cdktf(project, site, ["deploy", "--auto-approve"]).done, cdktf(project, site, ["deploy", "--auto-approve"]).done]);
  const refused = runs.filter((r) => r.code !== 0);
  expect(refused).toHaveLength(1);
  expect(refused[0].output).toMatch(/Error acquiring the state lock/);
  const ok = runs.find((r) => r.code === 0)!;
  const desired = deployedDesired(project);
  const leaving = before.filter((n) => !hostsOf(desired).includes(n));
  expect(leaving.length).toBeGreaterThan(0);
  const events = terraformEvents(ok.output);
  const runtimeDone = firstIndex(events, /^create-done runtime$/);
  expect(leaving.flatMap(containersOn).length).toBeGreaterThan(0);
  for (const node of leaving) {
    const destroyed = firstIndex(events, new RegExp(`^destroy-start host\\["${node}"\\]$`));
    expect(destroyed).toBeGreaterThan(runtimeDone);
    expect(ok.output).toContain(`note: host ${node} is leaving`);
    // The runtime took that host's containers down (unpublish, drain, stop, remove) before Terraform removed it.
    for (const instance of containersOn(node)) expect(ok.output).toMatch(new RegExp(`terraform_data\\.runtime \\(local-exec\\): done \\d+/\\d+ remove ${instance} on ${node}`));
  }
  await expectConverged(desired);
}, 900_000);

test("a scale-out's burst-time estimate (dcp plan --base, the local profile's rates) is within a factor of 3 of the real deploy, until the entry tier routes to the new containers", async () => {
  const base = makeProject((stacks) => cpSync(join(project, "stacks"), stacks, { recursive: true }));
  try {
    replaceInFile(feedApi(), /^replicas: 120 /m, "replicas: 240 ");
    const plan = spawnSync(join(project, "bin", "dcp"), ["plan", "--profile", "local", "--site", site, "--base", base, "--head", project, "--json", "--no-terraform", "--no-runtime"], { cwd: project, encoding: "utf8", env: { ...process.env, DCP_SITE: site } });
    expect({ status: plan.status, stderr: plan.stderr }).toEqual({ status: 2, stderr: "" });
    const burst = JSON.parse(plan.stdout).burst as BurstEstimate & { summary: string; change: { newHostsByGroup: Record<string, number>; newContainers: number } };
    expect(Object.values(burst.change.newHostsByGroup).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    // 3 more feed-api (240 ÷ 40), and feed-cache follows by its dependency ratio.
    expect(burst.change.newContainers).toBeGreaterThan(3);

    // Served: every entry container's upstream_show lists the 6 feed-api servers.
    const { inventory } = await liveState(site, deployedDesired(project));
    const statusPages = inventory.hosts.flatMap((h) => (h.containers ?? []).filter((c) => c.pool === "nginx-entry" && c.running).map((c) => `http://${h.address}:${c.ports[1]}/upstream_show`));
    expect(statusPages.length).toBeGreaterThan(0);
    const routedBy = async () => (await Promise.all(statusPages.map((url) => readPage(url, 2_000).catch(() => "")))).every((page) => (upstreamShowServers(page, "feed_api")?.size ?? 0) >= 6);
    const deploy = cdktf(project, site, ["deploy", "--auto-approve"]);
    let firstRouted: number | undefined;
    const routed = async () => {
      if (firstRouted === undefined && (await routedBy())) firstRouted = Date.now();
      return firstRouted !== undefined;
    };
    await waitUntil(async () => (await routed()) || deploy.child.exitCode !== null, "the entry tier to route to 6 feed-api servers, or the deploy to end", 600_000, 100);
    const run = await deploy.done;
    if (run.code !== 0) throw new Error(`deploy failed:\n${run.output.slice(-6000)}`);
    await waitUntil(routed, "every entry container routing to 6 feed-api servers after the deploy", 10_000, 100);
    const routedAt = firstRouted!;
    const at = (pattern: RegExp, last = false) => {
      const hits = deploy.lines().filter((l) => pattern.test(l.text));
      if (hits.length === 0) throw new Error(`no line ${pattern} in the deploy's output`);
      return (last ? hits[hits.length - 1] : hits[0]).at;
    };
    // From Terraform's first new host to the entry tier routing to the new containers.
    const hostsStart = at(/terraform_data\.host\["[^"]+"\]: Creating\.\.\./);
    const hostsDone = at(/terraform_data\.host\["[^"]+"\]: Creation complete/, true);
    const runtimeDone = at(/terraform_data\.runtime: Creation complete/);
    const measured = (routedAt - hostsStart) / 1000;
    const s = (from: number, to: number) => ((to - from) / 1000).toFixed(1);
    process.stderr.write(
      `[deploy] burst estimate ${burst.summary} (${burst.totalSeconds.toFixed(1)} s); measured ${measured.toFixed(1)} s: hosts ${s(hostsStart, hostsDone)} s, runtime ${s(hostsDone, runtimeDone)} s, routed ${s(runtimeDone, routedAt)} s after\n`,
    );
    expect(measured / burst.totalSeconds).toBeGreaterThanOrEqual(1 / 3);
    expect(measured / burst.totalSeconds).toBeLessThanOrEqual(3);
    await expectConverged(deployedDesired(project));
  } finally {
    removeProject(base);
  }
}, 600_000);

test("a host removed by hand: dcp drift reports it; cdktf deploy (waiting for an apply lock someone holds) makes it again", async () => {
  const desired = deployedDesired(project);
  const { inventory } = await liveState(site, desired);
  const victim = inventory.hosts.find((h) => (h.containers ?? []).length > 0)!.node;
  for (const pid of execFileSync("ip", ["netns", "pids", victim], { encoding: "utf8" }).split("\n").filter(Boolean)) {
    try {
      process.kill(Number(pid), "SIGKILL");
    } catch {
      // ended meanwhile
    }
  }
  execFileSync("ip", ["netns", "del", victim]);

  const dcp = join(project, "bin", "dcp");
  const drift = spawnSync(dcp, ["drift", "--profile", "local", "--site", site, "--json"], { cwd: project, encoding: "utf8", env: { ...process.env, DCP_SITE: site } });
  expect(drift.status).toBe(2);
  expect(JSON.parse(drift.stdout).findings).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "infrastructure", object: `host ${victim}` })]));

  // Someone else holds the apply lock while the deploy starts: the runtime waits for it.
  const s = readSite(site);
  const consul = new ConsulClient(consulConfigFromEnv({ address: s.consulHttp }));
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const holding = withApplyLock(consul, "deploy test", () => held);
  const p = cdktf(project, site, ["deploy", "--auto-approve"]);
  try {
    await waitForOutput(p, /waiting up to \d+ s for the apply lock, held by "deploy test"/, 300_000);
  } finally {
    release();
    await holding;
    consul.close();
  }
  const run = await p.done;
  if (run.code !== 0) throw new Error(`deploy failed:\n${run.output.slice(-6000)}`);
  const events = terraformEvents(run.output);
  expect(firstIndex(events, new RegExp(`^create-done host\\["${victim}"\\]$`))).toBeLessThan(firstIndex(events, /^create-start runtime$/));
  expect(readSite(site).hosts.find((h) => h.node === victim)!.generation).toBe(1);
  await expectConverged(deployedDesired(project));
  const after = spawnSync(dcp, ["drift", "--profile", "local", "--site", site], { cwd: project, encoding: "utf8", env: { ...process.env, DCP_SITE: site } });
  expect({ status: after.status, out: after.status === 0 ? "" : after.stdout }).toEqual({ status: 0, out: "" });
}, 900_000);

test("the controller refills a short buffer through the local Terraform; the next deploy keeps the new host in its fleet", async () => {
  const desired = deployedDesired(project);
  const s = readSite(site);
  const consul = new ConsulClient(consulConfigFromEnv({ address: s.consulHttp }));
  const fleet = "bj-standard";
  const started = Date.now();
  // A buffer short, as a scale-out that took buffer hosts leaves it: the deployed target raised by one.
  const short = { ...desired, fleets: desired.fleets.map((f) => (f.name === fleet ? { ...f, bufferHosts: f.bufferHosts + 1 } : f)) };
  await writeDeployed(consul, short);
  const controller = spawn(join(project, "bin", "dcp"), ["controller", "--profile", "local", "--site", site, "--project", project, "--listen", "", "--interval", "1", "--resync", "2"], {
    env: { ...process.env, ...runtimeEnv(s) },
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  controller.stderr!.on("data", (b: Buffer) => (log += b.toString()));
  let added: string[] = [];
  try {
    await waitUntil(() => /refill: local Terraform (made|failed)/.test(log), "the refill's Terraform apply", 240_000, 1000).catch((err: Error) => {
      throw new Error(`${err.message}:\n${log.slice(-4000)}`);
    });
    expect(log).toMatch(/refill: local Terraform made/);
    // The decision says why and which hosts; as many as the buffer lacked (a deploy may have placed on its host).
    const refill = (await readDecisions(consul)).find((d) => d.kind === "buffer-refill" && d.pool === fleet && Date.parse(d.at) >= started)!;
    const m = refill.why.match(/^buffer (\d+) of (\d+) host\(s\): asked for (\d+): local Terraform \(stack example\) making (.+)$/);
    expect(m).not.toBeNull();
    const [, buffer, target, asked, nodes] = m!;
    expect(Number(asked)).toBe(Number(target) - Number(buffer));
    added = nodes.split(", ");
    expect(added).toHaveLength(Number(asked));
    expect(added.every((n) => !hostsOf(desired).includes(n))).toBe(true);
    // Terraform made them (its state has the nodes) and they run; they joined their fleet as buffer hosts.
    const ledger = localSiteTarget(site, join(project, "cdktf.out")).ledger;
    for (const node of added) expect({ node, ...ledger[node] }).toEqual({ node, generation: 0, live: true });
    let joined: Inventory["hosts"] = [];
    const allJoined = async () => (joined = (await liveState(site, short)).inventory.hosts.filter((h) => added.includes(h.node) && h.healthy && h.initialised)).length === added.length;
    await waitUntil(allJoined, `${added.join(", ")} in the catalog, healthy and initialised`, 60_000, 1000);
    const byNode = (a: { node: string }, b: { node: string }) => a.node.localeCompare(b.node);
    expect(joined.map((h) => ({ node: h.node, fleet: h.fleet, pools: h.assignedPools })).sort(byNode)).toEqual(added.map((node) => ({ node, fleet, pools: [] })).sort(byNode));
  } finally {
    process.kill(-controller.pid!, "SIGTERM");
    await new Promise((r) => controller.once("close", r));
    consul.close();
  }
  // The next deploy lists it in its fleet: Terraform leaves it as it is, and the runtime does not take it for leaving.
  const events = terraformEvents(await cdktfOk(project, site, ["deploy", "--auto-approve"]));
  expect(events.filter((e) => added.some((node) => e.includes(`host["${node}"]`)))).toEqual([]);
  const after = deployedDesired(project);
  expect(after.fleets.find((f) => f.name === fleet)!.hosts).toEqual(expect.arrayContaining(added));
  await expectConverged(after);
}, 600_000);

test("cdktf destroy takes every container down first, then the hosts", async () => {
  const desired = deployedDesired(project);
  const out = await cdktfOk(project, site, ["destroy", "--auto-approve"]);
  const events = terraformEvents(out);
  expect(firstIndex(events, /^destroy-done teardown$/)).toBeGreaterThanOrEqual(0);
  expect(firstIndex(events, /^destroy-done teardown$/)).toBeLessThan(firstIndex(events, /^destroy-start host\[/));
  expect(readSite(site).hosts).toEqual([]);
  const s = readSite(site);
  const consul = new ConsulClient(consulConfigFromEnv({ address: s.consulHttp }));
  try {
    expect((await consul.services()).filter((svc) => svc.meta.dcp_pool)).toEqual([]);
    // nginx-upsync-module keeps routing to the last server of an emptied upstream: it stays, marked down.
    for (const pool of desired.pools.filter((p) => p.upstream)) {
      const entries = (await consul.kvList(`upstreams/${pool.upstream!.name}/`)).map((e) => ({ key: e.key, ...JSON.parse(e.value) }));
      expect(entries.filter((e) => e.down !== 1)).toEqual([]);
    }
  } finally {
    consul.close();
  }
}, 600_000);

