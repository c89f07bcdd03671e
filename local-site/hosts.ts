/** The fleet's hosts: each runs hosts/bootstrap.sh inside its network namespace. */
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalSite, LocalSiteHost } from "./types";
import { hostStateDir, hostTlsDir } from "./layout";
import { registryHasTag } from "./daemons";
import { DcpError } from "../model/errors";
import { namespacePids } from "./network";
import { readPid, run, stopProcesses, tryRun } from "./system";

const REPO_ROOT = join(__dirname, "..");
const BOOTSTRAP = join(REPO_ROOT, "hosts", "bootstrap.sh");
const DEMO_IMAGE_DIR = join(REPO_ROOT, "hosts", "demo-image");

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
    // `dcp up` installed everything already (scripts/install-deps.sh).
    DCP_INSTALL: "0",
  };
}

/** Runs the bootstrap inside the host's namespace (nsenter, not `ip netns exec`: that remounts /sys and dockerd fails). */
export async function bootstrapHost(fleet: LocalSite, host: LocalSiteHost): Promise<void> {
  const env = { PATH: process.env.PATH, ...bootstrapEnv(fleet, host) };
  await run("nsenter", [`--net=/var/run/netns/${host.netns}`, "bash", BOOTSTRAP], { env, timeoutMs: 150_000 });
}

const dockerPidFile = (fleet: LocalSite, node: string) => join(hostStateDir(fleet, node), "docker.pid");
const dockerSocket = (fleet: LocalSite, node: string) => `unix://${join(hostStateDir(fleet, node), "docker.sock")}`;

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

/**
 * Builds the demo image from busybox-static and entrypoint.sh, imports it on the daemon of
 * `builder` (a host of the site; the base has no daemon of its own) and pushes dcp/demo:1
 * and dcp/demo:2 to the site's registry. Rebuilt when entrypoint.sh changed since the last push.
 */
export async function ensureDemoImages(fleet: LocalSite, builder: string): Promise<boolean> {
  const source = createHash("sha256").update(readFileSync(join(DEMO_IMAGE_DIR, "entrypoint.sh"))).digest("hex");
  const pushed = join(fleet.stateDir, "registry", "demo-source.sha256");
  const current = existsSync(pushed) && readFileSync(pushed, "utf8").trim() === source;
  if (current && (await registryHasTag(fleet, "dcp/demo", "1")) && (await registryHasTag(fleet, "dcp/demo", "2"))) return false;
  const rootfs = mkdtempSync(join(tmpdir(), "dcp-demo-"));
  try {
    mkdirSync(join(rootfs, "bin"));
    mkdirSync(join(rootfs, "tmp"));
    chmodSync(join(rootfs, "tmp"), 0o1777);
    copyFileSync("/bin/busybox", join(rootfs, "bin", "busybox"));
    chmodSync(join(rootfs, "bin", "busybox"), 0o755);
    const applets = (await run("/bin/busybox", ["--list"])).split("\n").filter((a) => a && a !== "busybox");
    for (const applet of applets) symlinkSync("busybox", join(rootfs, "bin", applet));
    copyFileSync(join(DEMO_IMAGE_DIR, "entrypoint.sh"), join(rootfs, "entrypoint.sh"));
    const tarball = `${rootfs}.tar`;
    await run("tar", ["-C", rootfs, "-cf", tarball, ...readdirSync(rootfs)]);
    const host = dockerSocket(fleet, builder);
    for (const [tag, version] of [[fleet.image, "1"], [fleet.imageNext, "2"]]) {
      await run("docker", [
        "-H", host, "import",
        "--change", 'ENTRYPOINT ["/bin/sh", "/entrypoint.sh"]',
        "--change", "ENV PATH=/bin",
        "--change", `ENV DEMO_VERSION=${version}`,
        tarball, tag,
      ]);
      await run("docker", ["-H", host, "push", tag], { timeoutMs: 120_000 });
    }
    rmSync(tarball, { force: true });
    // Hosts that pulled an older build drop its tags, so their next pull gets this one.
    await Promise.all(
      fleet.hosts.filter((h) => h.node !== builder).map((h) => tryRun("docker", ["-H", dockerSocket(fleet, h.node), "rmi", "-f", fleet.image, fleet.imageNext])),
    );
    writeFileSync(pushed, `${source}\n`);
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
  return true;
}
