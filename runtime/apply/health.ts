/** Waiting for a new container to serve: its HTTP health check answers 2xx, or, without one, it runs. */
import { get } from "node:http";
import { DcpError } from "../../model/errors";
import { WaitHealthyChange } from "../plan/types";

/** Health poll interval while no Docker step is running or queued (see waitHealthy). */
const TAIL_POLL_MS = 25;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One health probe: the status code of a GET, without keep-alive (every probe goes to a
 * different container). node:http rather than fetch: a few hundred probes per apply cost
 * a third of the CPU, which the daemons on the same cores need.
 */
function probe(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
  });
}

/**
 * Polls until the container answers its health check (or runs, without one). While other
 * containers are still being created, polls back off: the demo server (busybox httpd) forks
 * per request and the daemons share the machine's cores. Once no Docker step is running or
 * queued (the apply's tail, or chains all waiting), nothing competes for the cores: it polls
 * every 25 ms.
 */
export async function waitHealthy(change: WaitHealthyChange, running: () => Promise<boolean>, dockerIdle: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const hc = change.healthCheck;
  let last = "";
  // No container answers the moment `start` returns: even the first poll waits.
  let delay = 100;
  const pause = () => sleep(dockerIdle() ? TAIL_POLL_MS : delay);
  await pause();
  while (Date.now() < deadline) {
    if (!hc) {
      if (await running()) return;
      last = "container is not running";
    } else {
      const url = `http://${hc.address}:${hc.port}${hc.path.startsWith("/") ? "" : "/"}${hc.path}`;
      try {
        const status = await probe(url, hc.timeoutSeconds * 1000);
        if (status >= 200 && status < 300) return;
        last = `GET ${url} answered ${status}`;
      } catch (err) {
        last = `GET ${url}: ${(err as Error).message}`;
      }
    }
    await pause();
    delay = Math.min(250, delay * 2);
  }
  throw new DcpError(`${change.containerName} on ${change.node} did not become healthy within ${Math.round(timeoutMs / 1000)} s (${last})`);
}
