/**
 * Daemons of the fleet in the root namespace: the Consul server (the IDC's server that
 * host agents join) and the image registry. Each keeps its data, pid file and log under
 * the state dir, so `dcp up` can tell whether it is still running and `dcp down` can stop it.
 */
import { spawn } from "node:child_process";
import { mkdirSync, openSync, writeFileSync, closeSync } from "node:fs";
import { join } from "node:path";
import { LocalSite } from "./types";
import { readPid, stopProcesses, waitFor, withSystemPath } from "./system";

const serverDir = (fleet: LocalSite) => join(fleet.stateDir, "consul-server");
const registryDir = (fleet: LocalSite) => join(fleet.stateDir, "registry");
const consulServerPidFile = (fleet: LocalSite) => join(serverDir(fleet), "consul.pid");
const registryPidFile = (fleet: LocalSite) => join(registryDir(fleet), "registry.pid");

function startDetached(cmd: string, args: string[], logFile: string): number {
  const out = openSync(logFile, "a");
  const child = spawn(cmd, args, { detached: true, stdio: ["ignore", out, out], env: withSystemPath() });
  closeSync(out);
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
  return child.pid;
}

export async function consulLeader(fleet: LocalSite): Promise<string | null> {
  try {
    const res = await fetch(`${fleet.consulHttp}/v1/status/leader`, { signal: AbortSignal.timeout(2000) });
    const leader = res.ok ? ((await res.json()) as string) : "";
    return leader || null;
  } catch {
    return null;
  }
}

/**
 * A leader is not enough after a restart: until it has replayed its raft log, a default
 * read can answer from an empty store. Consistent reads are refused until then.
 */
async function consistentReads(fleet: LocalSite): Promise<boolean> {
  try {
    const res = await fetch(`${fleet.consulHttp}/v1/kv/dcp/?consistent&keys`, { signal: AbortSignal.timeout(2000) });
    return res.status === 200 || res.status === 404;
  } catch {
    return false;
  }
}

export async function ensureConsulServer(fleet: LocalSite): Promise<boolean> {
  if (readPid(consulServerPidFile(fleet)) !== null && (await consulLeader(fleet))) return false;
  await stopConsulServer(fleet);
  const dir = serverDir(fleet);
  mkdirSync(join(dir, "data"), { recursive: true });
  const port = (addr: string) => addr.split(":").pop()!;
  startDetached(
    "consul",
    [
      "agent", "-server", "-bootstrap-expect=1", "-node", `${fleet.name}-consul`,
      "-data-dir", join(dir, "data"), "-pid-file", consulServerPidFile(fleet),
      // Serf and RPC on the bridge, where the hosts' agents join; HTTP and DNS on loopback only.
      "-bind", fleet.gateway, "-advertise", fleet.gateway, "-client", "127.0.0.1",
      "-http-port", port(fleet.consulHttp), "-dns-port", port(fleet.consulDns),
      // A single server: elect fast after a restart.
      "-hcl", "performance { raft_multiplier = 1 }",
    ],
    join(dir, "consul.log"),
  );
  await waitFor(`the Consul server of ${fleet.name} to elect itself (see ${dir}/consul.log)`, 60_000, () => consistentReads(fleet));
  return true;
}

export async function stopConsulServer(fleet: LocalSite): Promise<void> {
  const pid = readPid(consulServerPidFile(fleet));
  if (pid !== null) await stopProcesses([pid]);
}

async function registryAnswers(fleet: LocalSite): Promise<boolean> {
  try {
    return (await fetch(`http://${fleet.registry}/v2/`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

export async function ensureRegistry(fleet: LocalSite): Promise<boolean> {
  if (readPid(registryPidFile(fleet)) !== null && (await registryAnswers(fleet))) return false;
  const old = readPid(registryPidFile(fleet));
  if (old !== null) await stopProcesses([old]);
  const dir = registryDir(fleet);
  mkdirSync(join(dir, "data"), { recursive: true });
  const config = join(dir, "config.yml");
  writeFileSync(
    config,
    [
      "version: 0.1",
      "log: { level: warn }",
      `storage: { filesystem: { rootdirectory: ${join(dir, "data")} }, delete: { enabled: true } }`,
      // Plain HTTP on the bridge: reachable only from this machine's fleet namespaces.
      `http: { addr: "${fleet.registry}" }`,
      "",
    ].join("\n"),
  );
  const pid = startDetached("docker-registry", ["serve", config], join(dir, "registry.log"));
  writeFileSync(registryPidFile(fleet), `${pid}\n`);
  await waitFor(`the registry on ${fleet.registry} (see ${dir}/registry.log)`, 30_000, () => registryAnswers(fleet));
  return true;
}

/** True when the registry holds the tag, e.g. ("dcp/demo", "1"). */
export async function registryHasTag(fleet: LocalSite, repository: string, tag: string): Promise<boolean> {
  try {
    const res = await fetch(`http://${fleet.registry}/v2/${repository}/manifests/${tag}`, {
      method: "HEAD",
      headers: { accept: "application/vnd.docker.distribution.manifest.v2+json" },
      signal: AbortSignal.timeout(2000),
    });
    return res.ok;
  } catch {
    return false;
  }
}
