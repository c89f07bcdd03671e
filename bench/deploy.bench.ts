/**
 * `cdktf deploy` of the example (local profile) on a site of its own (dcpbenchd): from no
 * host until the example serves, then a scale-out by pool file (feed-api 120 → 240). Each
 * run's wall time is split by Terraform's own events into the host phase (first host
 * created … last host done), the runtime phase (the runtime resource) and the rest
 * (cdktf, synth, Terraform itself).
 *
 * What the daemons themselves need is measured on a second site (dcpbenchb) with the same
 * hosts and containers: hosts bootstrapped directly (hosts/bootstrap.sh, as many at once as
 * `dcp host add` allows) and containers pulled, created and started with bare dockerode at
 * the runtime's parallelism. Target: what Terraform and dcp add on top (deploy wall − the
 * daemons' time) ≤ 1.5 × the daemons' time.
 */
import { join } from "node:path";
import pLimit from "p-limit";
import { DesiredState } from "../model/desired-state";
import { Inventory, InventoryContainer } from "../model/inventory";
import { LocalSite, LocalSiteHost, readSite, siteDown, siteUp, SiteUpOptions } from "../local-site";
import { hostAddress, hostSlot } from "../local-site/layout";
import { HOST_SLOTS } from "../local-site/lock";
import { createHostNetwork } from "../local-site/network";
import { ensureHostCertificate } from "../local-site/tls";
import { bootstrapHost } from "../local-site/hosts";
import { ensureImages } from "../local-site/images";
import { planFromLive } from "../runtime";
import { ConsulClient, consulConfigFromEnv } from "../runtime/consul/client";
import { DockerHosts } from "../runtime/docker/hosts";
import { cdktf, deployedDesired, makeProject, removeProject, replaceInFile } from "../test/support/cdktf";
import { Benchmark, Figure } from "./harness";

const DEPLOY: SiteUpOptions = { name: "dcpbenchd", subnet: "192.168.73.0/24", consulHttpPort: 8538, consulDnsPort: 8638, hosts: 0 };
const BARE: SiteUpOptions = { name: "dcpbenchb", subnet: "192.168.72.0/24", consulHttpPort: 8539, consulDnsPort: 8639, hosts: 0 };
/** The runtime's defaults (runtime/index.ts): containers in flight, Docker requests per host. */
const PARALLEL = 16;
const PER_HOST = 8;
const TARGET = 1.5;

const seconds = (ms: number) => ms / 1000;

interface DeployRun {
  wallSeconds: number;
  hostSeconds: number;
  runtimeSeconds: number;
}

/** Runs `cdktf deploy` and splits its wall time by Terraform's events (times of the lines as they arrive). */
async function timedDeploy(project: string): Promise<DeployRun> {
  const t0 = Date.now();
  const p = cdktf(project, DEPLOY.name!, ["deploy", "--auto-approve"]);
  const run = await p.done;
  const wall = Date.now() - t0;
  if (run.code !== 0) throw new Error(`cdktf deploy failed (${run.code ?? run.signal}):\n${run.output.slice(-3000)}`);
  const at = (re: RegExp, last = false) => {
    const hits = p.lines().filter((l) => re.test(l.text));
    return hits.length === 0 ? undefined : (last ? hits[hits.length - 1] : hits[0]).at;
  };
  const hostStart = at(/terraform_data\.host\["[^"]+"\]: Creating\.\.\./);
  const hostEnd = at(/terraform_data\.host\["[^"]+"\]: Creation complete/, true);
  const runtimeStart = at(/terraform_data\.runtime: Creating\.\.\./);
  const runtimeEnd = at(/terraform_data\.runtime: Creation complete/, true);
  if (runtimeStart === undefined || runtimeEnd === undefined) throw new Error(`the deploy did not run the runtime:\n${run.output.slice(-3000)}`);
  return {
    wallSeconds: seconds(wall),
    hostSeconds: hostStart !== undefined && hostEnd !== undefined ? seconds(hostEnd - hostStart) : 0,
    runtimeSeconds: seconds(runtimeEnd - runtimeStart),
  };
}

async function withConsul<T>(site: LocalSite, fn: (consul: ConsulClient) => Promise<T>): Promise<T> {
  const consul = new ConsulClient(consulConfigFromEnv({ address: site.consulHttp }));
  try {
    return await fn(consul);
  } finally {
    consul.close();
  }
}

/** The example serves: nothing left to apply, and one GET per upstream pool's container answers 200. */
async function inventoryServing(desired: DesiredState): Promise<Inventory> {
  const site = readSite(DEPLOY.name);
  const { inventory, plan } = await withConsul(site, (consul) => planFromLive(desired, { consul, tlsDir: site.tlsDir, profile: "local" }));
  if (plan.changes.length > 0) throw new Error(`the deploy left ${plan.changes.length} change(s) undone`);
  for (const pool of desired.pools.filter((p) => p.upstream && p.healthCheck)) {
    const located = inventory.hosts.flatMap((h) => (h.containers ?? []).filter((c) => c.pool === pool.name).map((c) => ({ h, c })));
    const { h, c } = located[0];
    const res = await fetch(`http://${h.address}:${c.ports[0]}${pool.healthCheck!.path}`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`${pool.name} on ${h.node} answered ${res.status}`);
  }
  return inventory;
}

/** The same host on the bare site: its slot and identity, the bare site's address. */
function bareHost(bare: LocalSite, host: LocalSiteHost): LocalSiteHost {
  const slot = hostSlot(DEPLOY.name!, host.node)!;
  const { generation: _generation, ...identity } = host;
  return { ...identity, ...hostAddress(bare.name, bare.subnet, slot) };
}

/** Bootstraps the hosts directly, as many at once as `dcp host add` lets run, and pushes the demo images through the first. */
async function bareBootstrap(bare: LocalSite, hosts: LocalSiteHost[], first: boolean): Promise<number> {
  const limit = pLimit(HOST_SLOTS);
  const t0 = Date.now();
  await Promise.all(
    hosts.map((h) =>
      limit(async () => {
        await createHostNetwork(bare, h);
        await ensureHostCertificate(bare, h);
        await bootstrapHost(bare, h);
      }),
    ),
  );
  if (first) await ensureImages({ ...bare, hosts });
  return seconds(Date.now() - t0);
}

/** Pulls, creates and starts these containers on the bare site's hosts (from its own registry) at the runtime's parallelism. */
async function bareContainers(bare: LocalSite, placed: Array<{ host: LocalSiteHost; container: InventoryContainer }>, round: number): Promise<number> {
  const deployRegistry = readSite(DEPLOY.name).registry;
  const dockers = new DockerHosts({ tlsDir: bare.tlsDir });
  const overall = pLimit(PARALLEL);
  const perHost = new Map<string, ReturnType<typeof pLimit>>();
  const cpuLimit = (host: LocalSiteHost, cpu: number) => +(cpu * Math.min(1, require("node:os").cpus().length / host.cpu)).toFixed(4);
  const t0 = Date.now();
  await Promise.all(
    placed.map(({ host, container }, i) => {
      const driver = dockers.get(host.node, host.dockerEndpoint);
      if (!perHost.has(host.node)) perHost.set(host.node, pLimit(PER_HOST));
      return overall(() =>
        perHost.get(host.node)!(async () => {
          const image = container.image.replace(deployRegistry, bare.registry);
          await driver.ensureImage(image);
          const c = await driver.docker.createContainer({
            name: `bench-bare-${round}-${i}`,
            Image: image,
            Env: [`PORT=${container.ports[0] ?? 20000 + i}`],
            HostConfig: {
              NetworkMode: "host",
              SecurityOpt: ["no-new-privileges"],
              NanoCpus: Math.round(cpuLimit(host, container.resources.cpu) * 1e9),
              Memory: container.resources.memoryMiB * 1024 * 1024,
            },
          });
          await c.start();
        }),
      );
    }),
  );
  return seconds(Date.now() - t0);
}

/** What the deploy placed, keyed by container id, on the bare site's hosts. */
function placedOnBare(bare: LocalSite, inventory: Inventory, except: Set<string>): Array<{ host: LocalSiteHost; container: InventoryContainer }> {
  const deployHosts = readSite(DEPLOY.name).hosts;
  return inventory.hosts.flatMap((h) =>
    (h.containers ?? []).filter((c) => !except.has(c.id)).map((container) => ({ host: bareHost(bare, deployHosts.find((d) => d.node === h.node)!), container })),
  );
}

function figures(prefix: string, what: string, run: DeployRun, bootstrap: number, containers: number): Figure[] {
  const daemons = bootstrap + containers;
  const own = run.wallSeconds - daemons;
  return [
    { name: `${prefix}.seconds`, value: run.wallSeconds, unit: "s", note: what },
    { name: `${prefix}.phase.hosts.seconds`, value: run.hostSeconds, unit: "s", note: "first host resource created … last host done (dcp host add: bootstrap, certificate, demo images)" },
    { name: `${prefix}.phase.runtime.seconds`, value: run.runtimeSeconds, unit: "s", note: "the runtime resource (dcp apply)" },
    { name: `${prefix}.phase.terraform.seconds`, value: run.wallSeconds - run.hostSeconds - run.runtimeSeconds, unit: "s", note: "the rest: cdktf, synth, Terraform's init, plan and apply" },
    { name: `${prefix}.daemons.bootstrap.seconds`, value: bootstrap, unit: "s", note: `the same hosts bootstrapped directly, ${HOST_SLOTS} at a time` },
    { name: `${prefix}.daemons.containers.seconds`, value: containers, unit: "s", note: `the same containers pulled, created and started with bare dockerode, parallel ${PARALLEL}, ${PER_HOST} per host` },
    { name: `${prefix}.terraform-and-dcp/daemons`, value: own / daemons, unit: "ratio", target: { op: "<=", value: TARGET }, note: `(deploy ${run.wallSeconds.toFixed(1)} s − daemons ${daemons.toFixed(1)} s) / daemons` },
  ];
}

async function cleanSites(): Promise<void> {
  for (const s of [DEPLOY, BARE]) await siteDown(s.name);
}

const bench: Benchmark = {
  name: "deploy",
  needsFleet: false,
  async run(): Promise<Figure[]> {
    await cleanSites();
    const project = makeProject(() => undefined);
    try {
      const b0 = Date.now();
      await siteUp({ ...DEPLOY, log: () => undefined });
      const baseSeconds = seconds(Date.now() - b0);
      const bare = await siteUp({ ...BARE, log: () => undefined });

      const fromNothing = await timedDeploy(project);
      const first = await inventoryServing(deployedDesired(project));
      const firstHosts = readSite(DEPLOY.name).hosts;
      const bootstrap1 = await bareBootstrap(bare, firstHosts.map((h) => bareHost(bare, h)), true);
      const containers1 = await bareContainers(bare, placedOnBare(bare, first, new Set()), 1);

      replaceInFile(join(project, "stacks", "pools", "feed-api.yaml"), /^replicas: 120 /m, "replicas: 240 ");
      const scaleOut = await timedDeploy(project);
      const second = await inventoryServing(deployedDesired(project));
      const added = readSite(DEPLOY.name).hosts.filter((h) => !firstHosts.some((f) => f.node === h.node));
      const before = new Set(first.hosts.flatMap((h) => (h.containers ?? []).map((c) => c.id)));
      const newContainers = placedOnBare(bare, second, before);
      const bootstrap2 = added.length > 0 ? await bareBootstrap(bare, added.map((h) => bareHost(bare, h)), false) : 0;
      const containers2 = await bareContainers(bare, newContainers, 2);

      const count = (inv: Inventory) => inv.hosts.reduce((n, h) => n + (h.containers ?? []).length, 0);
      return [
        { name: "deploy.base.seconds", value: baseSeconds, unit: "s", note: "the site's base (bridge, Consul server, registry, certificates), made before the timed deploys" },
        ...figures("deploy.from-nothing", `cdktf deploy of the example: ${firstHosts.length} hosts, ${count(first)} containers, until it serves`, fromNothing, bootstrap1, containers1),
        ...figures("deploy.scale-out", `feed-api 120 → 240 in its pool file: ${added.length} more hosts, ${newContainers.length} more containers`, scaleOut, bootstrap2, containers2),
      ];
    } finally {
      removeProject(project);
      await cleanSites();
    }
  },
};

export default bench;
