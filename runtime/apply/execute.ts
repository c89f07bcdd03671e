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
import { ChainDirection, Change, CreateChange, RuntimePlan } from "../plan/types";
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
    warnings: [],
  };
  const lost = (node: string) => {
    const h = hosts.get(node);
    return !h || !h.healthy || h.containers === null;
  };
  const limits = { docker, perHost: options.perHost ?? 8, chains: 4 * (options.parallel ?? 16) };
  const runner = new ChainRunner((change) => performChange(change, steps), limits, upstreams, clock, options.progress, lost);
  for (const [wave, changes] of waves(plan.changes)) {
    // In-place replacements run beside the up chains: each takes down only its own old container.
    for (const directions of STEPS_OF_A_WAVE) {
      const errors = await runner.run(changes.filter((c) => directions.includes(c.direction)));
      // Stop here: later steps (removing old containers) rely on these having succeeded.
      if (errors.length > 0) throw stopped(plan, wave, runner.applied, errors);
    }
  }
  return { applied: runner.applied, phases: clock.timings(), warnings: [...runner.warnings, ...steps.warnings] };
}

const STEPS_OF_A_WAVE: ChainDirection[][] = [["host"], ["up", "in-place"], ["down"]];

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

function stopped(plan: RuntimePlan, wave: number, applied: number, errors: string[]): DcpError {
  const shown = errors.slice(0, 10).join("\n  ");
  const more = errors.length > 10 ? `\n  … and ${errors.length - 10} more` : "";
  return new DcpError(
    `apply stopped in wave ${wave} after ${applied} of ${plan.changes.length} changes; ${errors.length} failed:\n  ${shown}${more}\n${rollsStopped(plan, wave)}Nothing was removed for the failed steps; fix the cause and run apply again.`,
  );
}

/** Rolls cut short by a failure in `wave`: what they had not replaced yet serves the old spec. */
function rollsStopped(plan: RuntimePlan, wave: number): string {
  const creates = plan.changes.filter((c): c is CreateChange => c.kind === "create" && c.reason === "rolling-update");
  const pools = [...new Set(creates.filter((c) => c.wave >= wave).map((c) => c.pool))];
  return pools
    .map((pool) => {
      const own = creates.filter((c) => c.pool === pool);
      const left = own.filter((c) => c.wave >= wave).length;
      return `roll of ${pool} stopped in wave ${wave}: ${left} of ${own.length} containers not yet replaced keep serving their old spec\n`;
    })
    .join("");
}
