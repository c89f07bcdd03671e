/** The fleet's hosts: each runs hosts/bootstrap.sh inside its network namespace. */
import { join } from "node:path";
import { LocalSite, LocalSiteHost } from "./types";
import { hostStateDir, hostTlsDir } from "./layout";
import { DcpError } from "../model/errors";
import { namespacePids } from "./network";
import { readPid, run, stopProcesses } from "./system";

const REPO_ROOT = join(__dirname, "..");
const BOOTSTRAP = join(REPO_ROOT, "hosts", "bootstrap.sh");

/** The environment contract of hosts/bootstrap.sh, filled in for a local host. */
function bootstrapEnv(fleet: LocalSite, host: LocalSiteHost): Record<string, string> {
  return {
    DCP_NODE_NAME: host.node,
    DCP_HOST_IP: host.ip,
    DCP_IDC: host.idc,
    DCP_ZONE: host.zone,
    DCP_FLEET: host.fleet,
    DCP_CPU: String(host.cpu),
    DCP_MEMORY_MIB: String(host.memoryMiB),
    DCP_CLOUD: String(host.cloud),
    DCP_CONSUL_JOIN: `${fleet.gateway}:8301`,
    DCP_KV_ROOT: "dcp",
    DCP_TLS_DIR: hostTlsDir(fleet, host.node),
    DCP_STATE_DIR: hostStateDir(fleet, host.node),
    DCP_INSECURE_REGISTRY: fleet.registry,
  };
}

/** Runs the bootstrap inside the host's namespace (nsenter, not `ip netns exec`: that remounts /sys and dockerd fails). */
export async function bootstrapHost(fleet: LocalSite, host: LocalSiteHost): Promise<void> {
  const env = { PATH: process.env.PATH, ...bootstrapEnv(fleet, host) };
  await run("nsenter", [`--net=/var/run/netns/${host.netns}`, "bash", BOOTSTRAP], { env, timeoutMs: 150_000 });
}

const dockerPidFile = (fleet: LocalSite, node: string) => join(hostStateDir(fleet, node), "docker.pid");

export function hostOf(fleet: LocalSite, node: string): LocalSiteHost {
  const host = fleet.hosts.find((h) => h.node === node);
  if (!host) throw new DcpError(`fleet ${fleet.name} has no host "${node}" (hosts: ${fleet.hosts.map((h) => h.node).join(", ")})`);
  return host;
}

export async function stopDockerDaemon(fleet: LocalSite, host: LocalSiteHost): Promise<void> {
  const pid = readPid(dockerPidFile(fleet, host.node));
  if (pid !== null) await stopProcesses([pid], 30_000);
}

/** Stops a host's daemons by their pid files (a namespace that is gone leaves no other trace of them), then what is left in its namespace. */
export async function stopHostProcesses(fleet: LocalSite, node: string): Promise<void> {
  const dir = hostStateDir(fleet, node);
  const pids = ["docker.pid", "consul.pid"].map((f) => readPid(join(dir, f))).filter((p): p is number => p !== null);
  await stopProcesses([...pids, ...(await namespacePids(node))]);
}

