/**
 * Executes a RuntimePlan: the one executor of apply, drift --fix and (later) the
 * controller. Waves run in order; in a wave, host changes, then up chains in parallel,
 * which all finish before the down chains start, so nothing is removed before its
 * replacement serves. Parallelism is bounded overall and per host daemon (chains.ts).
 * Every step is idempotent (steps.ts), so a run killed at any point converges when it is
 * run again.
 */
import { DcpError } from "../../model/errors";
import { Inventory } from "../../model/inventory";
import { AGENT_SOCKETS_PER_HOST, ConsulClient } from "../consul/client";
import { DiscoveryPublisher } from "../discovery/publisher";
import { UpstreamBatcher } from "../discovery/upstream-batcher";
import { CpuScaling } from "../docker/cpu-limit";
import { DockerHosts } from "../docker/hosts";
import { AssignHostChange, ChainDirection, Change, CreateChange, RuntimePlan, UnassignHostChange } from "../plan/types";
import { ChainRunner, isDockerStep } from "./chains";
import { HostLimit } from "./limits";
import { Progress } from "./progress";
import { assignHosts, performChange, StepContext } from "./steps";
import { PhaseClock, PhaseTiming } from "./timing";

/**
 * Docker steps in flight on one host by default. A daemon works at a few containers at a
 * time; two keep it from idling between one answer and the next request, four also use a
 * cloud host's spare cores. It is also the most connections kept to each daemon.
 */
export const DEFAULT_PER_HOST = 4;

/**
 * The default per-host bound for a plan: DEFAULT_PER_HOST while the fleet bound can give
 * every host of the plan that many, else the fleet bound shared out, at least two. On a
 * thousand hosts a third and fourth step per host bought nothing but a connection more
 * (a TLS handshake each) and let some hosts hold slots that left others idle.
 */
export function defaultPerHost(parallel: number, hosts: number): number {
  return Math.min(DEFAULT_PER_HOST, Math.max(2, Math.floor(parallel / Math.max(1, hosts))));
}

/**
 * Docker steps in flight over all hosts by default: two on each of a thousand hosts, so
 * that none idles between one answer and dcp's next request (the per-host bound is what
 * protects each daemon); low enough to bound dcp's own sockets (one connection per step)
 * and memory. With 1,024, a thousand simulated hosts each waited about 3 s for dcp in an
 * apply of 20 s of work; with 2,048, about 1 s (bench/scale-sim).
 */
export const DEFAULT_PARALLEL = 2048;

/**
 * Chains in flight per Docker slot. A chain keeps its place through its health wait,
 * registration and publishing, long after its Docker steps: with four per slot, a host's
 * later chains waited behind other hosts' finishing ones while its daemon had nothing to do.
 */
const CHAINS_PER_SLOT = 8;

/** Calls to one host's agent at once (as many as its client keeps connections), and over all agents. */
const AGENT_CALLS_PER_HOST = AGENT_SOCKETS_PER_HOST;
const AGENT_CALLS_PARALLEL = 256;

export interface ExecuteOptions extends CpuScaling {
  /** Docker steps in flight over all hosts; chains in flight: CHAINS_PER_SLOT times this. Default DEFAULT_PARALLEL. */
  parallel?: number;
  /** Docker steps in flight per host daemon. Default defaultPerHost(parallel, hosts with Docker steps). */
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
  const parallel = options.parallel ?? DEFAULT_PARALLEL;
  const hostsWithDockerSteps = new Set(plan.changes.filter(isDockerStep).map((c) => c.node)).size;
  const docker = new HostLimit(options.perHost ?? defaultPerHost(parallel, hostsWithDockerSteps), parallel);
  const upstreams = new UpstreamBatcher(publisher, consul.config.upstreamPrefix, inventory.upstreams);
  const steps: StepContext = {
    consul,
    publisher,
    dockers,
    hosts,
    upstreams,
    agents: new HostLimit(AGENT_CALLS_PER_HOST, AGENT_CALLS_PARALLEL),
    dockerIdle: () => docker.idle(),
    healthTimeoutMs: options.healthTimeoutMs ?? 60_000,
    cpu: options,
    warnings: [],
  };
  const lost = (node: string) => {
    const h = hosts.get(node);
    return !h || !h.healthy || h.containers === null;
  };
  const runner = new ChainRunner((change) => performChange(change, steps), { docker, chains: CHAINS_PER_SLOT * parallel }, upstreams, clock, options.progress, lost);
  for (const [wave, changes] of waves(plan.changes)) {
    // In-place replacements run beside the up chains: each takes down only its own old container.
    for (const directions of STEPS_OF_A_WAVE) {
      const inStep = changes.filter((c) => directions.includes(c.direction));
      const errors = directions[0] === "host" ? await runner.runTogether(inStep.filter(isHostChange), (hosts) => assignHosts(hosts, steps)) : await runner.run(inStep);
      // Stop here: later steps (removing old containers) rely on these having succeeded.
      if (errors.length > 0) throw stopped(plan, wave, runner.applied, errors);
    }
  }
  return { applied: runner.applied, phases: clock.timings(), warnings: [...runner.warnings, ...steps.warnings] };
}

const STEPS_OF_A_WAVE: ChainDirection[][] = [["host"], ["up", "in-place"], ["down"]];
function isHostChange(c: Change): c is AssignHostChange | UnassignHostChange {
  return c.kind === "assign-host" || c.kind === "unassign-host";
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
