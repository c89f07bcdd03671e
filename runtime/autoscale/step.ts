/**
 * One autoscale step over a whole desired state, pure: the rule for every autoscaled pool,
 * then the dependency ratios in the same step, so that feed-api scaling out brings its
 * feed-cache along in the same plan. Pools are decided dependents first: by the time a
 * pool is reached, the replicas its dependents add are final.
 */
import { dependentsFirst } from "../../model/dependencies";
import { metricName } from "../../model/autoscale";
import { DesiredState } from "../../model/desired-state";
import { Decision } from "./decision";
import { withReplicas } from "./replicas";
import { decideScale, MetricReading, perContainer, RecommendationHistory, ScaleDecision } from "./rule";

/** What the controller knows about one autoscaled pool when a step runs. */
export interface PoolObservation {
  reading?: MetricReading;
  readError?: string;
  /** ms since the epoch. */
  lastScaleOutAt?: number;
  /** Absent: nothing recommended yet (a new leader); it starts now. */
  history?: RecommendationHistory;
}

export interface StepResult {
  /** The desired state with the step's replicas (own and effective). */
  desired: DesiredState;
  /** Pools whose containers change, and why. */
  decisions: Decision[];
  /** The rule's outcome for every autoscaled pool, holds included. */
  rule: Map<string, ScaleDecision>;
}

/** `desired` must already carry the current replicas (see withAutoscaledReplicas). */
export function autoscaleStep(desired: DesiredState, observations: ReadonlyMap<string, PoolObservation>, now: number): StepResult {
  const byName = new Map(desired.pools.map((p) => [p.name, p]));
  const own = new Map(desired.pools.map((p) => [p.name, p.replicas]));
  const rule = new Map<string, ScaleDecision>();
  for (const name of dependentsFirst(desired.pools)) {
    const pool = byName.get(name)!;
    if (!pool.autoscale) continue;
    const effective = withReplicas(desired, own).pools.find((p) => p.name === name)!.effectiveReplicas;
    const seen = observations.get(name) ?? {};
    const decision = decideScale({
      spec: pool.autoscale,
      current: own.get(name)!,
      contributed: effective - own.get(name)!,
      reading: seen.reading,
      readError: seen.readError,
      now,
      lastScaleOutAt: seen.lastScaleOutAt,
      history: seen.history ?? { since: now, entries: [] },
    });
    rule.set(name, decision);
    own.set(name, decision.replicas);
  }
  const after = withReplicas(desired, own);
  return { desired: after, decisions: decisionsOf(desired, after, rule, observations, now), rule };
}

function decisionsOf(before: DesiredState, after: DesiredState, rule: Map<string, ScaleDecision>, observations: ReadonlyMap<string, PoolObservation>, now: number): Decision[] {
  const at = new Date(now).toISOString();
  const was = new Map(before.pools.map((p) => [p.name, p]));
  const decisions: Decision[] = [];
  for (const pool of after.pools) {
    const old = was.get(pool.name)!;
    if (old.effectiveReplicas === pool.effectiveReplicas) continue;
    const own = rule.get(pool.name);
    const base = { at, pool: pool.name, before: old.effectiveReplicas, after: pool.effectiveReplicas };
    if (own && own.kind !== "hold" && pool.autoscale) {
      const reading = observations.get(pool.name)?.reading;
      decisions.push({ ...base, kind: own.kind, metric: metricName(pool.autoscale.metric), value: reading && perContainer(reading), target: pool.autoscale.target, why: own.why });
    } else {
      decisions.push({ ...base, kind: "dependency", why: dependencyWhy(pool.name, before, after) });
    }
  }
  return decisions;
}

/** "feed-api 3 → 10 with ratio 0.2" for every dependent whose containers changed. */
function dependencyWhy(name: string, before: DesiredState, after: DesiredState): string {
  const was = new Map(before.pools.map((p) => [p.name, p.effectiveReplicas]));
  const moves = after.pools
    .filter((p) => p.effectiveReplicas !== was.get(p.name))
    .flatMap((p) => p.dependencies.filter((d) => d.pool === name).map((d) => `${p.name} ${was.get(p.name)} → ${p.effectiveReplicas} with ratio ${d.ratio}`));
  return `dependency ratio: ${moves.join(", ") || "its dependents changed"}`;
}
