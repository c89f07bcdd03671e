/**
 * The site as a whole: its base (bridge, Consul server, registry, certificates) and the
 * hosts `dcp up --hosts` makes with it; `dcp up`/`down`/`status` and the fleet tests use it.
 * Hosts added one at a time (by Terraform) are in added-hosts.ts.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DcpError } from "../model/errors";
import { DEFAULT_SITE, fleetFile, siteLayout, STATE_ROOT, stateDirOf, validateName } from "./layout";
import { assertSubnetFree, createHostNetwork, deleteLink, deleteNamespace, ensureBridge, hostNetworkOk, namespacePids, ownedLinks, ownedNamespaces } from "./network";
import { ensureFleetCertificates, ensureHostCertificate } from "./tls";
import { ensureConsulServer, ensureRegistry, stopConsulServer } from "./daemons";
import { bootstrapHost, hostOf, stopDockerDaemon, stopHostProcesses } from "./hosts";
import { ensureImages } from "./images";
import { withSiteLock } from "./lock";
import { addedHosts } from "./records";
import { ensureNeighbourLimits, releaseNeighbourLimits } from "./neighbours";
import { checkFleet } from "./status";
import { stopSiteController } from "./controller";
import { pidsMentioning, readPid, requireRoot, run, stopProcesses, unmountUnder, waitFor } from "./system";
import { FleetStatus, SiteUpOptions, LocalSite } from "./types";

const INSTALL_DEPS = join(__dirname, "..", "scripts", "install-deps.sh");

/** fleet.json as `dcp up` wrote it: the base and the hosts made with it. */
function readSiteFile(file: string): LocalSite {
  return JSON.parse(readFileSync(file, "utf8")) as LocalSite;
}

/**
 * Reads a site by name (default "dcp") or by the path of its fleet.json: its base, the
 * hosts `dcp up --hosts` made and those added one at a time.
 */
export function readSite(nameOrPath: string = DEFAULT_SITE): LocalSite {
  const file = nameOrPath.includes("/") ? nameOrPath : fleetFile(stateDirOf(nameOrPath));
  if (!existsSync(file)) {
    const hint = nameOrPath.includes("/") ? "" : `: run \`dcp up --name ${nameOrPath}\``;
    throw new DcpError(`local fleet ${nameOrPath} is not up (no ${file})${hint}`);
  }
  const site = readSiteFile(file);
  return { ...site, hosts: [...site.hosts, ...addedHosts(site)] };
}

/** The site's base, made with the defaults of its name when it is not up: a deploy from nothing starts here. */
export async function ensureBase(name: string, log: (line: string) => void): Promise<LocalSite> {
  validateName(name);
  if (existsSync(fleetFile(stateDirOf(name)))) return readSite(name);
  await siteUp({ name, hosts: 0, log });
  return readSite(name);
}

/** Creates the fleet, or repairs and reuses what is already running. */
export async function siteUp(options: SiteUpOptions = {}): Promise<LocalSite> {
  requireRoot();
  const fleet = siteLayout(options);
  const log = options.log ?? ((line: string) => process.stderr.write(line + "\n"));
  return withSiteLock(fleet.name, async () => {
    await assertSubnetFree(fleet);
    await run("bash", [INSTALL_DEPS, "--no-npm"], { timeoutMs: 15 * 60_000 });
    const file = fleetFile(fleet.stateDir);
    const raiseNeighbourLimits = () => neighbourLimits(fleet.name, log, () => ensureNeighbourLimits(STATE_ROOT, fleet.name, fleet.hosts.length));
    if (existsSync(file)) {
      const previous = readSiteFile(file);
      if (JSON.stringify(previous) !== JSON.stringify(fleet)) {
        log(`fleet ${fleet.name}: options changed since the last \`dcp up\`; recreating it`);
        await teardown(fleet.name, log);
      } else if ((await checkFleet(fleet)).healthy) {
        await raiseNeighbourLimits();
        await removeLeftovers(fleet, log);
        const pushed = await pushImages(fleet);
        if (pushed.length > 0) log(`fleet ${fleet.name}: pushed ${pushed.join(", ")} (their sources changed)`);
        log(`fleet ${fleet.name}: already up and healthy`);
        return fleet;
      }
    } else {
      // fleet.json is written last: without it, no `up` of this fleet ever completed, and
      // whatever a killed one left (daemons, namespaces, half-made certificates) is removed.
      await teardown(fleet.name, () => undefined);
    }
    // After any teardown above, which gives back what an earlier `up` of this site raised.
    await raiseNeighbourLimits();
    mkdirSync(fleet.stateDir, { recursive: true });
    await removeLeftovers(fleet, log);
    await ensureBridge(fleet);
    await ensureFleetCertificates(fleet);
    if (await ensureConsulServer(fleet)) log(`fleet ${fleet.name}: Consul server on ${fleet.gateway}, HTTP ${fleet.consulHttp}`);
    if (await ensureRegistry(fleet)) log(`fleet ${fleet.name}: registry on ${fleet.registry}`);
    // Two cores: bootstrap a few hosts at a time.
    const queue = [...fleet.hosts];
    await Promise.all(
      [1, 2, 3].map(async () => {
        for (let host = queue.shift(); host; host = queue.shift()) {
          if (!(await hostNetworkOk(fleet, host))) {
            await stopHostProcesses(fleet, host.node);
            await createHostNetwork(fleet, host);
          }
          await ensureHostCertificate(fleet, host);
          await bootstrapHost(fleet, host);
          log(`fleet ${fleet.name}: ${host.node} ${host.ip} ${host.idc}/${host.zone} ready`);
        }
      }),
    );
    const pushed = await pushImages(fleet);
    if (pushed.length > 0) log(`fleet ${fleet.name}: pushed ${pushed.join(", ")}`);
    writeFileSync(file, JSON.stringify(fleet, null, 2) + "\n");
    let status: FleetStatus | undefined;
    await waitFor(`fleet ${fleet.name} to be healthy`, 60_000, async () => (status = await checkFleet(fleet)).healthy).catch(
      (err: Error) => {
        throw new DcpError(`${err.message}:\n  ${status?.problems.join("\n  ")}`);
      },
    );
    return fleet;
  });
}

export async function siteStatus(name: string = DEFAULT_SITE): Promise<FleetStatus> {
  validateName(name);
  if (!existsSync(fleetFile(stateDirOf(name)))) {
    return { name, healthy: false, problems: [`fleet ${name} is not up (run \`dcp up --name ${name}\`)`], consulLeader: null, registry: false, hosts: [] };
  }
  return checkFleet(readSite(name));
}

/** Removes exactly what `up` made: daemons, containers, namespaces, links, state dir. Safe to run twice. */
export async function siteDown(name: string = DEFAULT_SITE, log: (line: string) => void = () => {}): Promise<void> {
  requireRoot();
  validateName(name);
  await withSiteLock(name, () => teardown(name, log));
}

/** Restarts the fleet's Consul server (KV and catalog survive in its data dir) and waits until every agent is back. */
export async function restartConsul(fleet: LocalSite): Promise<void> {
  // Under the fleet lock: two restarts at once would start two servers on one data dir.
  await withSiteLock(fleet.name, async () => {
    await stopConsulServer(fleet);
    await ensureConsulServer(fleet);
  });
  await waitFor(`the agents of ${fleet.name} to rejoin`, 60_000, async () =>
    (await checkFleet(fleet)).hosts.every((h) => h.inCatalog && h.serfHealthy),
  );
}

/** Stops one host's dockerd (SIGTERM, as an orderly daemon stop); the host stays in Consul. For fault tests. */
export async function stopHostDocker(fleet: LocalSite, node: string): Promise<void> {
  await withSiteLock(fleet.name, () => stopDockerDaemon(fleet, hostOf(fleet, node)));
}

/** Starts a stopped dockerd again by re-running the host's bootstrap (which keeps what runs). */
export async function startHostDocker(fleet: LocalSite, node: string): Promise<void> {
  await withSiteLock(fleet.name, () => bootstrapHost(fleet, hostOf(fleet, node)));
}

/** The site's images, pushed through its first host; a base alone has no daemon to build them with (its first host pushes them). */
async function pushImages(fleet: LocalSite): Promise<string[]> {
  const all = [...fleet.hosts, ...addedHosts(fleet)];
  return all.length > 0 ? ensureImages({ ...fleet, hosts: all }) : [];
}

/**
 * Namespaces and links named with the fleet's prefix that are neither in this layout nor
 * added on their own: from a killed run or a larger fleet.
 */
async function removeLeftovers(fleet: LocalSite, log: (line: string) => void): Promise<void> {
  const wanted = new Set([...fleet.hosts.map((h) => h.node), ...addedHosts(fleet).map((h) => h.node), fleet.bridge]);
  for (const ns of await ownedNamespaces(fleet.name)) {
    if (wanted.has(ns)) continue;
    log(`fleet ${fleet.name}: removing leftover namespace ${ns}`);
    await stopProcesses(await namespacePids(ns));
    await deleteNamespace(ns);
  }
  for (const link of await ownedLinks(fleet.name)) {
    if (wanted.has(link)) continue;
    log(`fleet ${fleet.name}: removing leftover link ${link}`);
    await deleteLink(link);
  }
}

async function teardown(name: string, log: (line: string) => void): Promise<void> {
  const stateDir = stateDirOf(name);
  // The controller first: it would replace the containers that stop next.
  await stopSiteController(stateDir);
  const namespaces = await ownedNamespaces(name);
  // dockerd first and gracefully: it stops its containers and containerd.
  const dockerds = namespaces
    .map((ns) => readPid(join(stateDir, "hosts", ns, "docker.pid")))
    .filter((p): p is number => p !== null);
  await stopProcesses(dockerds, 30_000);
  const rest = new Set(pidsMentioning(stateDir + "/"));
  for (const ns of namespaces) for (const pid of await namespacePids(ns)) rest.add(pid);
  await stopProcesses([...rest]);
  await unmountUnder(stateDir);
  for (const ns of namespaces) await deleteNamespace(ns);
  for (const link of await ownedLinks(name)) await deleteLink(link);
  rmSync(stateDir, { recursive: true, force: true });
  await neighbourLimits(name, log, () => releaseNeighbourLimits(STATE_ROOT, name));
  log(`fleet ${name}: down (${namespaces.length} hosts removed)`);
}

/** Changes the kernel's neighbour-table limits under a lock of their own: every site shares them. */
export async function neighbourLimits(name: string, log: (line: string) => void, change: () => string | undefined): Promise<void> {
  const line = await withSiteLock("neighbour-limits", async () => change());
  if (line) log(`fleet ${name}: ${line}`);
}
