/**
 * Phase 3c, host assignments. Wave 0: a host takes a pool (from the buffer, or one more
 * pool) before anything of it lands there. Last wave: a pool that ends with no container
 * on a host is taken off it, and a host left with none returns to the buffer.
 */
import { instanceKey, PlanContext, usable } from "./context";
import { InstanceDiff } from "./instances";
import { Placement } from "./placement";
import { Change } from "./types";

export function assignHosts(ctx: PlanContext, diff: InstanceDiff, placement: Placement): Change[] {
  const added = new Map<string, Set<string>>();
  for (const n of diff.creates) {
    const node = placement.nodeOf.get(instanceKey(n.pool.name, n.instance));
    if (!node || ctx.hostsByNode.get(node)!.assignedPools.includes(n.pool.name)) continue;
    const pools = added.get(node) ?? new Set<string>();
    pools.add(n.pool.name);
    added.set(node, pools);
  }
  return [...added].map(([node, pools]): Change => {
    const host = ctx.hostsByNode.get(node)!;
    return {
      kind: "assign-host",
      wave: 0,
      chain: `host:${node}`,
      direction: "host",
      node,
      reason: host.assignedPools.length === 0 ? "buffer" : "scale-out",
      pools: [...new Set([...host.assignedPools, ...pools])].sort(),
      previousPools: [...host.assignedPools],
    };
  });
}

export function releaseHosts(ctx: PlanContext, placement: Placement, wave: number): Change[] {
  const counts = finalCounts(ctx, placement);
  const out: Change[] = [];
  for (const h of ctx.hosts) {
    if (!usable(h) || h.assignedPools.length === 0) continue;
    const onHost = counts.get(h.node)!;
    const empty = [...onHost.values()].every((n) => n <= 0);
    // Only pools this plan manages are taken off; an empty host is returned whatever it was assigned to.
    const remaining = empty ? [] : h.assignedPools.filter((p) => !ctx.inScope.has(p) || (onHost.get(p) ?? 0) > 0);
    if (remaining.length === h.assignedPools.length) continue;
    out.push({ kind: "unassign-host", wave, chain: `host:${h.node}`, direction: "host", node: h.node, reason: "buffer", previousPools: [...h.assignedPools], pools: remaining });
  }
  return out;
}

/** Containers per pool on each host once the plan is done: live, less removals, plus placements. */
function finalCounts(ctx: PlanContext, placement: Placement): Map<string, Map<string, number>> {
  const counts = new Map<string, Map<string, number>>(ctx.hosts.map((h) => [h.node, new Map<string, number>()]));
  const bump = (node: string, pool: string, by: number) => counts.get(node)!.set(pool, (counts.get(node)!.get(pool) ?? 0) + by);
  for (const h of ctx.hosts) for (const c of h.containers ?? []) bump(h.node, c.pool, 1);
  for (const r of placement.removals) bump(r.located.host.node, r.located.container.pool, -1);
  for (const p of placement.placements) bump(p.node, p.pool, 1);
  return counts;
}
