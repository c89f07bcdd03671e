/**
 * The replicas a desired state runs with once autoscaling is taken into account: an
 * autoscaled pool runs what the controller last decided (kept in Consul), held within the
 * pool's current bounds, and every pool's effective replicas follow from the dependency
 * ratios. Apply, plan, drift and the controller all build their desired state this way, so
 * a deploy does not undo a scale-out and the controller does not undo a deploy's bounds.
 */
import { clampReplicas } from "../../model/autoscale";
import { resolveDependencies } from "../../model/dependencies";
import { DesiredState } from "../../model/desired-state";

/** Own replicas by pool name, e.g. what the controller decided. */
export type ReplicaCounts = ReadonlyMap<string, number>;

/** `desired` with each pool's own replicas from `own` (others unchanged) and effective replicas re-resolved. */
export function withReplicas(desired: DesiredState, own: ReplicaCounts): DesiredState {
  const replicas = new Map(desired.pools.map((p) => [p.name, own.get(p.name) ?? p.replicas]));
  const effective = resolveDependencies(desired.pools.map((p) => ({ name: p.name, replicas: replicas.get(p.name)!, dependencies: p.dependencies, source: p.source })));
  return { ...desired, pools: desired.pools.map((p) => ({ ...p, replicas: replicas.get(p.name)!, effectiveReplicas: effective.get(p.name)! })) };
}

/**
 * Autoscaled pools at the controller's replicas (`decided`), or at their declared replicas
 * when it has decided nothing yet, within [min, max] either way.
 */
export function withAutoscaledReplicas(desired: DesiredState, decided: ReplicaCounts): DesiredState {
  const own = new Map<string, number>();
  for (const p of desired.pools) if (p.autoscale) own.set(p.name, clampReplicas(decided.get(p.name) ?? p.replicas, p.autoscale));
  return withReplicas(desired, own);
}
