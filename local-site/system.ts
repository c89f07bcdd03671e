/** Running commands and handling the fleet's processes. */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { DcpError } from "../model/errors";

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
}

/** Where ip, dockerd, nsenter and consul live, whatever PATH the caller (a CI job, jest) has. */
const SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export function withSystemPath(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, PATH: env.PATH ? `${env.PATH}:${SYSTEM_PATH}` : SYSTEM_PATH };
}

/** Runs a command; failures become a DcpError naming the command and its stderr. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      { env: withSystemPath(opts.env), timeout: opts.timeoutMs ?? 120_000, maxBuffer: 32 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const detail = (stderr || stdout || err.message).trim().split("\n").slice(-5).join("\n  ");
        reject(new DcpError(`\`${cmd} ${args.join(" ")}\` failed:\n  ${detail}`));
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Like `run`, for commands whose failure is an answer (e.g. "no such namespace"): null when it fails. */
export function tryRun(cmd: string, args: string[], opts: RunOptions = {}): Promise<string | null> {
  return run(cmd, args, opts).catch(() => null);
}

export function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new DcpError("the local fleet needs root (network namespaces, dockerd): run as root, e.g. `sudo dcp up`");
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The live process a pid file names, or null. The process must mention the pid file's
 * directory on its command line (every fleet daemon does): after a reboot the pid may
 * belong to an unrelated process, which must never be signalled.
 */
export function readPid(file: string): number | null {
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, "utf8").trim());
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return null;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(dirname(file)) ? pid : null;
  } catch {
    return null;
  }
}

/** Pids of processes whose command line mentions `path` (daemons, containerd shims of a fleet). */
export function pidsMentioning(path: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(path)) pids.push(pid);
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** SIGTERM, then SIGKILL what is still alive after `graceMs`. */
export async function stopProcesses(pids: number[], graceMs = 20_000): Promise<void> {
  const signal = (sig: NodeJS.Signals) =>
    pids.forEach((pid) => {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    });
  signal("SIGTERM");
  const deadline = Date.now() + graceMs;
  while (pids.some(alive) && Date.now() < deadline) await sleep(100);
  signal("SIGKILL");
  while (pids.some(alive)) await sleep(50);
}

/** Lazily unmounts everything mounted under `dir` (a stopped dockerd can leave its data root's mounts), deepest first. */
export async function unmountUnder(dir: string): Promise<void> {
  const mounts = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((point) => point?.startsWith(dir + "/"))
    .sort((a, b) => b.length - a.length);
  for (const point of mounts) await run("umount", ["-l", point]).catch(() => undefined);
}

/** Polls `check` until it returns true; throws `what` after `timeoutMs`. */
export async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new DcpError(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(200);
  }
}
