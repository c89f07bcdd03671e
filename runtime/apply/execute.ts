/**
 * Executes a RuntimePlan: the one executor of apply, drift --fix and (later) the
 * controller. Waves run in order; in a wave, host changes, then up chains in parallel,
 * which all finish before the down chains start, so nothing is removed before its
 * replacement serves. Parallelism is bounded overall and per host daemon (chains.ts).
 * Every step is idempotent (steps.ts), so a run killed at any point converges when it is
 * run again.
 */
import pLimit from "p-limit";
import { DcpError } from "../../model/errors";
import { Inventory } from "../../model/inventory";
import { ConsulClient } from "../consul/client";
import { DiscoveryPublisher } from "../discovery/publisher";
import { UpstreamBatcher } from "../discovery/upstream-batcher";
import { CpuScaling } from "../docker/cpu-limit";
import { DockerHosts } from "../docker/hosts";
import { Change, RuntimePlan } from "../plan/types";
import { ChainRunner } from "./chains";
import { Progress } from "./progress";
import { performChange, StepContext } from "./steps";
import { PhaseClock, PhaseTiming } from "./timing";

export interface ExecuteOptions extends CpuScaling {
  /** Docker steps in flight at once; chains in flight: four times this. Default 16. */
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

export async function executePlan(plan: RuntimePlan, inventory: Inventory, consul: ConsulClient, dockers: DockerHosts, options: ExecuteOptions): Promise<ExecutionResult> {
  const clock = new PhaseClock();
  const publisher = new DiscoveryPublisher(consul);
  const hosts = new Map(inventory.hosts.map((h) => [h.node, h]));
  const docker = pLimit(options.parallel ?? 16);
  const upstreams = new UpstreamBatcher(publisher, consul.config.upstreamPrefix, inventory.upstreams);
  const steps: StepContext = {
    consul,
    publisher,
    dockers,
    hosts,
    upstreams,
    consulLimit: pLimit(32),
    dockerIdle: () => docker.activeCount + docker.pendingCount === 0,
    healthTimeoutMs: options.healthTimeoutMs ?? 60_000,
    cpu: options,
  };
  const lost = (node: string) => {
    const h = hosts.get(node);
    return !h || !h.healthy || h.containers === null;
  };
  const limits = { docker, perHost: options.perHost ?? 8, chains: 4 * (options.parallel ?? 16) };
  const runner = new ChainRunner((change) => performChange(change, steps), limits, upstreams, clock, options.progress, lost);
  for (const [wave, changes] of waves(plan.changes)) {
    for (const direction of ["host", "up", "down"] as const) {
      const errors = await runner.run(changes.filter((c) => c.direction === direction));
      // Stop here: later steps (removing old containers) rely on these having succeeded.
      if (errors.length > 0) throw stopped(wave, runner.applied, plan.changes.length, errors);
    }
  }
  return { applied: runner.applied, phases: clock.timings(), warnings: runner.warnings };
}

/** The plan's changes by wave, lowest first. */
function waves(changes: Change[]): Array<[number, Change[]]> {
  const byWave = new Map<number, Change[]>();
  for (const c of changes) {
    const list = byWave.get(c.wave);
    if (list) list.push(c);
    else byWave.set(c.wave, [c]);
  }
  return [...byWave].sort(([a], [b]) => a - b);
}

function stopped(wave: number, applied: number, total: number, errors: string[]): DcpError {
  const shown = errors.slice(0, 10).join("\n  ");
  const more = errors.length > 10 ? `\n  … and ${errors.length - 10} more` : "";
  return new DcpError(
    `apply stopped in wave ${wave} after ${applied} of ${total} changes; ${errors.length} failed:\n  ${shown}${more}\nNothing was removed for the failed steps; fix the cause and run apply again.`,
  );
}
