/**
 * A desired state with every autoscaled pool at its max, and the fleets sized for that:
 * what a reviewer approves when they approve the bounds. Policies read this (max-step
 * applies to max; budgets and quotas are computed at max), since between deploys the
 * controller may take any pool up to its max without another review.
 */
import { DesiredState } from "../model/desired-state";
import { withReplicas } from "../runtime/autoscale/replicas";
import { sizeDesiredState } from "./sizing";

export function atAutoscaleMax(desired: DesiredState): DesiredState {
  const max = new Map(desired.pools.filter((p) => p.autoscale).map((p) => [p.name, p.autoscale!.max]));
  if (max.size === 0) return desired;
  const scaled = withReplicas(desired, max);
  const summary = sizeDesiredState(scaled);
  const sized = new Map(summary.fleets.map((f) => [f.fleet, f]));
  return {
    ...scaled,
    fleets: scaled.fleets.map((f) => {
      const s = sized.get(f.name);
      return s ? { ...f, hostsForPools: s.hostsForPools, bufferHosts: s.bufferHosts, freeHosts: s.freeHosts, desiredHosts: s.desiredHosts } : f;
    }),
  };
}

/** "feed-api at 400" for each autoscaled pool, for the note that says policies counted max. */
export function maxNote(desired: DesiredState): string | undefined {
  const pools = desired.pools.filter((p) => p.autoscale).map((p) => `${p.name} at ${p.autoscale!.max}`);
  return pools.length > 0 ? `policies are computed with autoscaled pools at their max (${pools.join(", ")}): the controller may scale to it without another review` : undefined;
}
