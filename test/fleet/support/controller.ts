/**
 * Helpers of the controller fleet tests: `dcp controller` run as real child processes
 * against the test site, containers killed through their host's daemon, and polling for
 * what the controller is expected to bring about.
 */
import { Decision } from "../../../runtime/autoscale/decision";
import { readDecisions } from "../../../runtime/controller/state";
import { DcpProcess, Suite } from "./apply";

/** Starts `bin/dcp controller` named `name` (metrics on a free loopback port, one-second interval). */
export function startController(suite: Suite, name: string, extra: string[] = []): DcpProcess {
  return suite.spawn(["controller", "--profile", "local", "--site", suite.fleet.name, "--name", name, "--listen", "127.0.0.1:0", "--interval", "1", "--resync", "5", ...extra]);
}

/** SIGTERM (the controller resigns leadership), then waits for it to end. */
export async function stopController(p: DcpProcess): Promise<void> {
  try {
    process.kill(-p.child.pid!, "SIGTERM");
  } catch {
    return; // already gone
  }
  await p.done;
}

/** Decisions logged since `since` (ms): the decision log keeps those of earlier runs on a reused site too. */
export async function decisionsSince(suite: Suite, since: number): Promise<Decision[]> {
  return (await readDecisions(suite.consul)).filter((d) => Date.parse(d.at) >= since);
}

export const leads = (p: DcpProcess) => /controller \S+: leading/.test(p.stderr);
export const acted = (p: DcpProcess) => (p.stderr.match(/^\S+ applied \d+ change/gm) ?? []).length;

export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000, pollMs = 250): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return Date.now() - started;
}

/** SIGKILLs one running container of `pool` (as a crash would); returns its name and host. */
export async function killContainer(suite: Suite, pool: string): Promise<{ name: string; node: string; address: string; port: number }> {
  const inventory = await suite.inventory();
  for (const host of inventory.hosts) {
    const victim = (host.containers ?? []).find((c) => c.pool === pool && c.running);
    if (!victim) continue;
    await suite.dockers.get(host.node, host.dockerEndpoint).docker.getContainer(victim.name).kill();
    return { name: victim.name, node: host.node, address: host.address, port: victim.ports[0] };
  }
  throw new Error(`no running container of ${pool} to kill`);
}

/** Running containers of `pool` whose catalog check passes. */
export async function healthyCount(suite: Suite, pool: string): Promise<number> {
  return (await suite.containers(pool)).filter((c) => c.running && c.health === "passing").length;
}
