/**
 * The local site (the "local fleet" of `dcp up`): several real Docker hosts on one machine, each in its own network
 * namespace with dockerd (TLS) and a Consul agent, joined to a Consul server, with an
 * image registry and the demo image. `dcp up`/`down`/`status` and the fleet tests use it.
 */
import { randomBytes } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DcpError } from "../model/errors";
import { DEFAULT_SITE, fleetFile, siteLayout, hostStateDir, STATE_ROOT, stateDirOf, validateName } from "./layout";
import { assertSubnetFree, createHostNetwork, deleteLink, deleteNamespace, ensureBridge, hostNetworkOk, namespacePids, ownedLinks, ownedNamespaces } from "./network";
import { ensureFleetCertificates, ensureHostCertificate } from "./tls";
import { ensureConsulServer, ensureRegistry, stopConsulServer } from "./daemons";
import { bootstrapHost, ensureDemoImages, hostOf, stopDockerDaemon } from "./hosts";
import { checkFleet } from "./status";
import { stopSiteController } from "./controller";
import { alive, pidsMentioning, readPid, requireRoot, run, sleep, stopProcesses, waitFor } from "./system";
import { FleetStatus, SiteUpOptions, LocalSite } from "./types";

export * from "./types";
export { siteLayout, DEFAULT_SITE, TEST_SITE } from "./layout";
export { clientTls, dockerPing } from "./status";
export { startSiteController, stopSiteController, controllerFiles } from "./controller";

const INSTALL_DEPS = join(__dirname, "..", "scripts", "install-deps.sh");

/** Reads fleet.json of a fleet by name (default "dcp") or by the path of its fleet.json. */
export function readSite(nameOrPath: string = DEFAULT_SITE): LocalSite {
  const file = nameOrPath.includes("/") ? nameOrPath : fleetFile(stateDirOf(nameOrPath));
  if (!existsSync(file)) {
    const hint = nameOrPath.includes("/") ? "" : `: run \`dcp up --name ${nameOrPath}\``;
    throw new DcpError(`local fleet ${nameOrPath} is not up (no ${file})${hint}`);
  }
  return JSON.parse(readFileSync(file, "utf8")) as LocalSite;
}

/**
 * The demo image in the registry of the local fleet named by env DCP_FLEET (default "dcp"),
 * which the local profile runs for every pool; undefined when that fleet is not up (the
 * desired state is still useful for plans and tests, applying it needs the fleet anyway).
 */
export function localSiteImage(): string | undefined {
  try {
    return readSite(process.env.DCP_FLEET || undefined).image;
  } catch (err) {
    if (err instanceof DcpError) return undefined;
    throw err;
  }
}

/** Where a fleet's fleet.json is (it exists while the fleet is up). */
export function siteJsonPath(name: string = DEFAULT_SITE): string {
  return fleetFile(stateDirOf(name));
}

/** Environment for the runtime to reach this fleet. */
export function runtimeEnv(fleet: LocalSite): { CONSUL_HTTP_ADDR: string; DCP_TLS_DIR: string } {
  return { CONSUL_HTTP_ADDR: fleet.consulHttp, DCP_TLS_DIR: fleet.tlsDir };
}

/**
 * One `up`/`down` of a fleet at a time (several test runs may start the test fleet at
 * once). The lock file sits beside the state dir so that `down` can remove the state dir.
 */
async function withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
  mkdirSync(STATE_ROOT, { recursive: true });
  const lock = join(STATE_ROOT, `${name}.lock`);
  const deadline = Date.now() + 15 * 60_000;
  // The lock appears with its holder's pid already in it (link is atomic and fails when
  // the lock exists), so nobody ever sees an empty lock and takes it as stale.
  const mine = `${lock}.${process.pid}.${randomBytes(4).toString("hex")}`;
  writeFileSync(mine, `${process.pid}\n`);
  try {
    for (;;) {
      try {
        linkSync(mine, lock);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      let holder: number;
      try {
        holder = Number(readFileSync(lock, "utf8").trim());
      } catch {
        continue; // released meanwhile
      }
      if (!alive(holder)) {
        rmSync(lock, { force: true }); // left by a killed run
        continue;
      }
      if (Date.now() > deadline) throw new DcpError(`fleet ${name} is locked by process ${holder} (${lock})`);
      await sleep(200);
    }
  } finally {
    rmSync(mine, { force: true });
  }
  try {
    return await work();
  } finally {
    unlinkSync(lock);
  }
}

/** Creates the fleet, or repairs and reuses what is already running. */
export async function siteUp(options: SiteUpOptions = {}): Promise<LocalSite> {
  requireRoot();
  const fleet = siteLayout(options);
  const log = options.log ?? ((line: string) => process.stderr.write(line + "\n"));
  return withLock(fleet.name, async () => {
    await assertSubnetFree(fleet);
    await run("bash", [INSTALL_DEPS, "--no-npm"], { timeoutMs: 15 * 60_000 });
    const file = fleetFile(fleet.stateDir);
    if (existsSync(file)) {
      const previous = readSite(file);
      if (JSON.stringify(previous) !== JSON.stringify(fleet)) {
        log(`fleet ${fleet.name}: options changed since the last \`dcp up\`; recreating it`);
        await teardown(fleet.name, log);
      } else if ((await checkFleet(fleet)).healthy) {
        await removeLeftovers(fleet, log);
        if (await ensureDemoImages(fleet)) log(`fleet ${fleet.name}: pushed ${fleet.image} and ${fleet.imageNext} (entrypoint changed)`);
        log(`fleet ${fleet.name}: already up and healthy`);
        return fleet;
      }
    } else {
      // fleet.json is written last: without it, no `up` of this fleet ever completed, and
      // whatever a killed one left (daemons, namespaces, half-made certificates) is removed.
      await teardown(fleet.name, () => undefined);
    }
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
    if (await ensureDemoImages(fleet)) log(`fleet ${fleet.name}: pushed ${fleet.image} and ${fleet.imageNext}`);
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
  await withLock(name, () => teardown(name, log));
}

/** Restarts the fleet's Consul server (KV and catalog survive in its data dir) and waits until every agent is back. */
export async function restartConsul(fleet: LocalSite): Promise<void> {
  // Under the fleet lock: two restarts at once would start two servers on one data dir.
  await withLock(fleet.name, async () => {
    await stopConsulServer(fleet);
    await ensureConsulServer(fleet);
  });
  await waitFor(`the agents of ${fleet.name} to rejoin`, 60_000, async () =>
    (await checkFleet(fleet)).hosts.every((h) => h.inCatalog && h.serfHealthy),
  );
}

/** Stops one host's dockerd (SIGTERM, as an orderly daemon stop); the host stays in Consul. For fault tests. */
export async function stopHostDocker(fleet: LocalSite, node: string): Promise<void> {
  await withLock(fleet.name, () => stopDockerDaemon(fleet, hostOf(fleet, node)));
}

/** Starts a stopped dockerd again by re-running the host's bootstrap (which keeps what runs). */
export async function startHostDocker(fleet: LocalSite, node: string): Promise<void> {
  await withLock(fleet.name, () => bootstrapHost(fleet, hostOf(fleet, node)));
}

/** Stops a host's daemons by their pid files (a namespace that is gone leaves no other trace of them). */
async function stopHostProcesses(fleet: LocalSite, node: string): Promise<void> {
  const dir = hostStateDir(fleet, node);
  const pids = ["docker.pid", "consul.pid"].map((f) => readPid(join(dir, f))).filter((p): p is number => p !== null);
  await stopProcesses([...pids, ...(await namespacePids(node))]);
}

/** Namespaces and links named with the fleet's prefix that this layout does not have: from a killed run or a larger fleet. */
async function removeLeftovers(fleet: LocalSite, log: (line: string) => void): Promise<void> {
  const wanted = new Set([...fleet.hosts.map((h) => h.node), fleet.bridge]);
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
  const namespaces = await ownedNamespaces(name);
  // The controller first: it would replace the containers that stop next.
  await stopSiteController(stateDir);
  // dockerd first and gracefully: it stops its containers and containerd.
  const dockerds = namespaces
    .map((ns) => readPid(join(stateDir, "hosts", ns, "docker.pid")))
    .filter((p): p is number => p !== null);
  await stopProcesses(dockerds, 30_000);
  const rest = new Set(pidsMentioning(stateDir + "/"));
  for (const ns of namespaces) for (const pid of await namespacePids(ns)) rest.add(pid);
  await stopProcesses([...rest]);
  const mounts = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((point) => point?.startsWith(stateDir + "/"))
    .sort((a, b) => b.length - a.length);
  for (const point of mounts) await run("umount", ["-l", point]).catch(() => undefined);
  for (const ns of namespaces) await deleteNamespace(ns);
  for (const link of await ownedLinks(name)) await deleteLink(link);
  rmSync(stateDir, { recursive: true, force: true });
  log(`fleet ${name}: down (${namespaces.length} hosts removed)`);
}
