/**
 * Executes a RuntimePlan. Waves run in order; in a wave, up chains run in parallel and all
 * finish before the down chains start, so nothing is removed before its replacement
 * serves. Parallelism is bounded overall and per host daemon. Every step is idempotent
 * (create reuses a container of the same name, stop/remove/deregister accept "already
 * gone", upstream writes are computed as a diff against what is in KV), so a run killed at
 * any point converges when it is run again.
 */
import { get } from "node:http";
import pLimit from "p-limit";
import { KV, SERVICE_META } from "../../model/host-metadata";
import { DcpError } from "../../model/errors";
import { ConsulClient } from "../consul/client";
import { DiscoveryPublisher } from "../discovery/publisher";
import { diffUpstreams, parseUpstreamKey, parseUpstreamValue, upstreamValue } from "../discovery/upstreams";
import { cpuLimit, CpuScaling } from "../docker/cpu-limit";
import { DockerHosts } from "../docker/hosts";
import { assignmentValue } from "../inventory/read";
import { Inventory, InventoryHost, UpstreamEntry } from "../../model/inventory";
import { Change, RuntimePlan, WaitHealthyChange } from "../plan/types";
import { Progress } from "./progress";

export type Phase = "assign" | "create" | "start" | "healthy" | "publish" | "remove" | "unassign";

const PHASE_OF: Record<Change["kind"], Phase> = {
  "assign-host": "assign",
  create: "create",
  start: "start",
  "wait-healthy": "healthy",
  register: "publish",
  "publish-upstream": "publish",
  "unpublish-upstream": "remove",
  drain: "remove",
  stop: "remove",
  remove: "remove",
  "unassign-host": "unassign",
};

export interface PhaseTiming {
  phase: Phase;
  /** Seconds from the apply's start to the first step of this phase starting. */
  startedAt: number;
  /** Seconds from the apply's start to the last step of this phase ending. */
  endedAt: number;
}

export interface ExecuteOptions extends CpuScaling {
  /** Chains in flight at once. Default 16. */
  parallel?: number;
  /** Docker requests in flight per host daemon. Default 8. */
  perHost?: number;
  /** How long a new container may take to answer its health check. Default 60 s. */
  healthTimeoutMs?: number;
  progress: Progress;
}

export interface ExecutionResult {
  applied: number;
  phases: PhaseTiming[];
  /** Failures tolerated because the host is lost anyway (e.g. removing from a dead daemon). */
  warnings: string[];
}

/** Steps that talk to a host's Docker daemon: bounded overall and per daemon. */
const DOCKER_STEPS = new Set<Change["kind"]>(["create", "start", "stop", "remove"]);

/**
 * How long an upstream edit waits for others to share its transaction. Each transaction is
 * a Raft write with an fsync on the servers; a 300-container scale-out wrote about one per
 * container, and with this about one per 250 ms.
 */
const UPSTREAM_BATCH_MS = 250;

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
async function waitHealthy(change: WaitHealthyChange, running: () => Promise<boolean>, dockerIdle: () => boolean, timeoutMs: number): Promise<void> {
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

export async function executePlan(plan: RuntimePlan, inventory: Inventory, consul: ConsulClient, dockers: DockerHosts, options: ExecuteOptions): Promise<ExecutionResult> {
  const publisher = new DiscoveryPublisher(consul);
  const hosts = new Map<string, InventoryHost>(inventory.hosts.map((h) => [h.node, h]));
  const lost = (node: string) => {
    const h = hosts.get(node);
    return !h || !h.healthy || h.containers === null;
  };
  const prefix = consul.config.upstreamPrefix;
  // What KV holds, by upstream then server: each flush reads only its own upstream.
  const upstreams = new Map<string, Map<string, UpstreamEntry>>();
  const upstreamEntries = (upstream: string) => {
    let entries = upstreams.get(upstream);
    if (!entries) upstreams.set(upstream, (entries = new Map()));
    return entries;
  };
  for (const u of inventory.upstreams) upstreamEntries(u.upstream).set(u.server, u);
  const hostLimits = new Map<string, ReturnType<typeof pLimit>>();
  const perHost = options.perHost ?? 8;
  // Docker is the bottleneck: its requests are bounded overall and per daemon. Waiting for
  // health, registering and publishing hold no slot, so the daemons stay busy meanwhile.
  const dockerLimit = pLimit(options.parallel ?? 16);
  const dockerIdle = () => dockerLimit.activeCount + dockerLimit.pendingCount === 0;
  const consulLimit = pLimit(32);
  // Chains in flight: enough to keep Docker busy while others wait for health, few enough
  // that a chain's start is not queued behind every other chain's create.
  const chainLimit = pLimit(4 * (options.parallel ?? 16));
  const hostLimit = (node: string) => {
    let l = hostLimits.get(node);
    if (!l) hostLimits.set(node, (l = pLimit(perHost)));
    return l;
  };
  const t0 = Date.now();
  const phases = new Map<Phase, PhaseTiming>();
  const warnings: string[] = [];
  let applied = 0;

  /**
   * Upstream edits are queued per upstream and written together: one diff against what KV
   * holds, one transaction (split at 64 operations), for all edits that arrived within
   * UPSTREAM_BATCH_MS, or at once when every chain in flight is waiting on a queue (nothing
   * more can arrive, e.g. at the end of an apply).
   */
  type Edit = { edit: (entries: UpstreamEntry[]) => UpstreamEntry[]; resolve: () => void; reject: (err: unknown) => void };
  const queues = new Map<string, Edit[]>();
  const flushing = new Set<string>();
  let chainsInFlight = 0;
  let queuedEdits = 0;
  const wakers = new Set<() => void>();
  const wakeIfAllWaiting = () => {
    if (queuedEdits >= chainsInFlight) for (const wake of [...wakers]) wake();
  };
  const batchWindow = () =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, UPSTREAM_BATCH_MS);
      wakers.add(wake);
      wakeIfAllWaiting();
    });
  const flush = async (upstream: string) => {
    flushing.add(upstream);
    const queue = queues.get(upstream)!;
    while (queue.length > 0) {
      await batchWindow();
      const batch = queue.splice(0);
      queuedEdits -= batch.length;
      try {
        const entries = upstreamEntries(upstream);
        const live = [...entries.values()];
        const desired = batch.reduce((entries, e) => e.edit(entries), live.filter((u) => !u.down));
        const ops = diffUpstreams(desired, live, prefix);
        if (ops.length > 0) await publisher.apply(ops);
        for (const op of ops) {
          const k = parseUpstreamKey(prefix, op.key);
          if (!k) continue;
          if (op.verb === "set") {
            const v = parseUpstreamValue(op.value);
            entries.set(k.server, { ...k, weight: v.weight, maxFails: v.maxFails, failTimeoutSeconds: v.failTimeoutSeconds, down: v.down, raw: op.value });
          } else {
            entries.delete(k.server);
          }
        }
        batch.forEach((e) => e.resolve());
      } catch (err) {
        batch.forEach((e) => e.reject(err));
      }
    }
    flushing.delete(upstream);
  };
  const changeUpstream = (upstream: string, edit: Edit["edit"]) =>
    new Promise<void>((resolve, reject) => {
      if (!queues.has(upstream)) queues.set(upstream, []);
      queues.get(upstream)!.push({ edit, resolve, reject });
      queuedEdits++;
      if (!flushing.has(upstream)) void flush(upstream);
      else wakeIfAllWaiting();
    });

  /** Runs a change; Docker steps must hold a slot of their host (see runChains). */
  const run = async (change: Change): Promise<void> => {
    const host = hosts.get(change.node);
    const docker = () => dockers.get(change.node, host!.dockerEndpoint);
    switch (change.kind) {
      case "assign-host":
        return consul.kvPut(KV.assignment(consul.config.kvRoot, change.node), assignmentValue(change.pools));
      case "unassign-host":
        if (change.pools.length > 0) return consul.kvPut(KV.assignment(consul.config.kvRoot, change.node), assignmentValue(change.pools));
        return consul.kvDelete(KV.assignment(consul.config.kvRoot, change.node));
      case "create":
        await docker().create(change, cpuLimit(change.resources.cpu, host!.capacity.cpu, options));
        return;
      case "start":
        return docker().start(change.containerName);
      case "wait-healthy":
        return waitHealthy(change, () => docker().running(change.containerName), dockerIdle, options.healthTimeoutMs ?? 60_000);
      case "register":
        return consulLimit(() => publisher.registerContainer(
          { node: change.node, address: change.address },
          {
            serviceId: change.containerName,
            name: change.pool,
            port: change.port,
            tags: [],
            meta: { [SERVICE_META.pool]: change.pool, [SERVICE_META.instance]: change.instance, [SERVICE_META.specHash]: change.specHash },
            check: change.healthCheck && { ...change.healthCheck, initialStatus: change.healthVerified ? "passing" : undefined },
          },
        ));
      case "publish-upstream": {
        const entry: UpstreamEntry = {
          upstream: change.upstream,
          server: change.server,
          weight: change.weight,
          maxFails: change.maxFails,
          failTimeoutSeconds: change.failTimeoutSeconds,
          down: false,
          raw: "",
        };
        entry.raw = upstreamValue(entry);
        return changeUpstream(change.upstream, (entries) => [...entries.filter((e) => e.server !== change.server), entry]);
      }
      case "unpublish-upstream":
        return changeUpstream(change.upstream, (entries) => entries.filter((e) => e.server !== change.server));
      case "drain":
        await consulLimit(() => publisher.deregisterContainer({ node: change.node, address: change.address }, change.serviceId));
        if (change.seconds > 0) await sleep(change.seconds * 1000);
        return;
      case "stop":
        return docker().stop(change.containerId, change.timeoutSeconds);
      case "remove":
        return docker().remove(change.containerId);
    }
  };

  const timed = async (change: Change) => {
    const phase = PHASE_OF[change.kind];
    const started = (Date.now() - t0) / 1000;
    const timing = phases.get(phase) ?? { phase, startedAt: started, endedAt: started };
    timing.startedAt = Math.min(timing.startedAt, started);
    phases.set(phase, timing);
    await run(change);
    timing.endedAt = Math.max(timing.endedAt, (Date.now() - t0) / 1000);
  };

  const runChains = async (changes: Change[]): Promise<string[]> => {
    const chains = new Map<string, Change[]>();
    for (const c of changes) chains.set(c.chain, [...(chains.get(c.chain) ?? []), c]);
    const errors: string[] = [];
    const runChain = async (chain: Change[]): Promise<void> => {
      for (let i = 0; i < chain.length; ) {
        // Consecutive Docker steps of one container (create → start, stop → remove) share one
        // slot, as `docker run` does: a created container starts at once instead of queueing
        // behind every other chain's create.
        const onDocker = DOCKER_STEPS.has(chain[i].kind);
        let end = i + 1;
        if (onDocker) while (end < chain.length && DOCKER_STEPS.has(chain[end].kind)) end++;
        const steps = chain.slice(i, end);
        const node = chain[i].node;
        const runSteps = async (): Promise<boolean> => {
          for (const change of steps) {
            try {
              await timed(change);
              applied++;
              options.progress.done(change);
            } catch (err) {
              options.progress.done(change, err);
              const message = `${change.kind} ${"instance" in change ? change.instance ?? "" : ""} on ${change.node}: ${(err as Error).message ?? err}`;
              // A lost host cannot be cleaned up now; the next apply retries when it is back.
              if (change.direction === "down" && lost(change.node)) warnings.push(message);
              else errors.push(message);
              return false;
            }
          }
          return true;
        };
        const ok = onDocker ? await dockerLimit(() => hostLimit(node)(runSteps)) : await runSteps();
        if (!ok) return;
        i = end;
      }
    };
    await Promise.all(
      [...chains.values()].map((chain) =>
        chainLimit(async () => {
          chainsInFlight++;
          try {
            await runChain(chain);
          } finally {
            chainsInFlight--;
            wakeIfAllWaiting();
          }
        }),
      ),
    );
    return errors;
  };

  const waves = [...new Set(plan.changes.map((c) => c.wave))].sort((a, b) => a - b);
  for (const wave of waves) {
    const inWave = plan.changes.filter((c) => c.wave === wave);
    for (const direction of ["host", "up", "down"] as const) {
      const errors = await runChains(inWave.filter((c) => c.direction === direction));
      if (errors.length > 0) {
        // Stop here: later steps (removing old containers) rely on these having succeeded.
        throw new DcpError(
          `apply stopped in wave ${wave} after ${applied} of ${plan.changes.length} changes; ${errors.length} failed:\n  ${errors.slice(0, 10).join("\n  ")}${errors.length > 10 ? `\n  … and ${errors.length - 10} more` : ""}\nNothing was removed for the failed steps; fix the cause and run apply again.`,
        );
      }
    }
  }
  return { applied, phases: [...phases.values()], warnings };
}
