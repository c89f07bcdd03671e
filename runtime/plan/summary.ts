/** Per-pool figures of a plan: what runs now, what the plan creates and removes, what is up to date after it. */
import { PlanContext } from "./context";
import { InstanceDiff, isHealthy } from "./instances";
import { Change, PoolSummary, UnplacedContainer } from "./types";

export function summarize(ctx: PlanContext, diff: InstanceDiff, changes: Change[], unplaced: UnplacedContainer[]): PoolSummary[] {
  const count = (kind: "create" | "remove") => {
    const byPool = new Map<string, number>();
    for (const c of changes) if (c.kind === kind) byPool.set(c.pool, (byPool.get(c.pool) ?? 0) + 1);
    return byPool;
  };
  const creates = count("create");
  const removes = count("remove");
  return ctx.scope.map((name) => {
    const pool = ctx.pools.get(name)!;
    const live = diff.live.get(name) ?? [];
    const canary = diff.canary.get(name);
    return {
      pool: name,
      desired: pool.effectiveReplicas,
      running: live.filter((l) => l.container.running).length,
      healthy: live.filter((l) => isHealthy(pool, l.container)).length,
      toCreate: creates.get(name) ?? 0,
      toRemove: removes.get(name) ?? 0,
      upToDate: pool.effectiveReplicas - unplaced.filter((u) => u.pool === name).length - (canary?.waiting ?? 0),
      replaced: diff.replacedLost.get(name) ?? 0,
      ...(canary ? { canary } : {}),
      ...(pool.autoscale ? { autoscale: { min: pool.autoscale.min, max: pool.autoscale.max } } : {}),
    };
  });
}
