/**
 * Phase 3c, host assignments. Wave 0: a host takes a pool (from the buffer, or one more
 * pool) before anything of it lands there, and a host that runs a kept container of a
 * pool it is not assigned to is assigned to it. Last wave: a pool that ends with no
 * container on a host is taken off it, and a host left with none returns to the buffer.
 */
import { instanceKey, manages, PlanContext, usable } from "./context";
import { InstanceDiff } from "./instances";
import { Placement } from "./placement";
import { AssignHostChange, Change } from "./types";

export function assignHosts(ctx: PlanContext, diff: InstanceDiff, placement: Placement): AssignHostChange[] {
  const added = new Map<string, { pools: Set<string>; placed: boolean }>();
  const add = (node: string, pool: string, placed: boolean) => {
    if (ctx.hostsByNode.get(node)!.assignedPools.includes(pool)) return;
    const entry = added.get(node) ?? { pools: new Set<string>(), placed: false };
    entry.pools.add(pool);
    entry.placed ||= placed;
    added.set(node, entry);
  };
  for (const n of placement.creates) {
    const node = placement.nodeOf.get(instanceKey(n.pool.name, n.instance));
    if (node) add(node, n.pool.name, true);
  }
  for (const r of diff.repairs) add(r.located.host.node, r.pool.name, false);
  return [...added].map(([node, { pools, placed }]): AssignHostChange => {
    const host = ctx.hostsByNode.get(node)!;
    return {
      kind: "assign-host",
      wave: 0,
      chain: `host:${node}`,
      direction: "host",
      node,
      reason: !placed ? "repair" : host.assignedPools.length === 0 ? "buffer" : "scale-out",
      pools: [...new Set([...host.assignedPools, ...pools])].sort(),
      previousPools: [...host.assignedPools],
    };
  });
}

/** Takes off each host the managed pools it ends without, starting from its pools after wave 0. */
export function releaseHosts(ctx: PlanContext, placement: Placement, assigns: AssignHostChange[], wave: number): Change[] {
  const counts = finalCounts(ctx, placement);
  const afterAssign = new Map(assigns.map((a) => [a.node, a.pools]));
  const out: Change[] = [];
  for (const h of ctx.hosts) {
    const pools = afterAssign.get(h.node) ?? h.assignedPools;
    if (!usable(h) || pools.length === 0) continue;
    const onHost = counts.get(h.node)!;
    const empty = [...onHost.values()].every((n) => n <= 0);
    // Only pools this plan manages are taken off; an empty host is returned whatever it was assigned to.
    const remaining = empty ? [] : pools.filter((p) => !manages(ctx, p) || (onHost.get(p) ?? 0) > 0);
    if (remaining.length === pools.length) continue;
    out.push({ kind: "unassign-host", wave, chain: `host:${h.node}`, direction: "host", node: h.node, reason: "buffer", previousPools: [...pools], pools: remaining });
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
