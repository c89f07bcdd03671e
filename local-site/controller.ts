/**
 * The local site's controller: `dcp up` starts one `dcp controller` for the site as a
 * background process (log and pid file in the site's state dir), and `dcp down` stops it
 * before anything else, so it does not try to replace containers that are being torn down.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync, rmSync } from "node:fs";
import { join } from "node:path";
import { readPid, sleep, stopProcesses } from "./system";
import { LocalSite } from "./types";

const DCP = join(__dirname, "..", "bin", "dcp");

export const controllerFiles = (stateDir: string) => ({ pid: join(stateDir, "controller.pid"), log: join(stateDir, "controller.log") });

/** Starts the site's controller unless it runs already (it refills buffers through the Terraform of `projectDir`); returns its pid and log file. */
export async function startSiteController(site: LocalSite, projectDir: string): Promise<{ pid: number; log: string; started: boolean }> {
  const files = controllerFiles(site.stateDir);
  const running = readPid(files.pid);
  if (running !== null) return { pid: running, log: files.log, started: false };
  const out = openSync(files.log, "a");
  try {
    const args = ["controller", "--profile", "local", "--site", site.name, "--project", projectDir, "--name", `${site.name} controller`, "--listen", "127.0.0.1:0", "--pid-file", files.pid];
    const child = spawn(DCP, args, {
      env: { ...process.env, CONSUL_HTTP_ADDR: site.consulHttp, DCP_TLS_DIR: site.tlsDir },
      detached: true,
      stdio: ["ignore", out, out],
    });
    child.unref();
  } finally {
    closeSync(out);
  }
  const deadline = Date.now() + 30_000;
  for (;;) {
    const pid = readPid(files.pid);
    if (pid !== null) return { pid, log: files.log, started: true };
    if (Date.now() > deadline) throw new Error(`the controller of ${site.name} did not start within 30 s; see ${files.log}`);
    await sleep(200);
  }
}

/** Stops the site's controller (SIGTERM: it resigns leadership), if it runs. */
export async function stopSiteController(stateDir: string): Promise<void> {
  const files = controllerFiles(stateDir);
  const pid = readPid(files.pid);
  if (pid !== null) await stopProcesses([pid], 15_000);
  rmSync(files.pid, { force: true });
}
