/**
 * Phase 3b, down chains: the take-down of each container that goes (take-down.ts:
 * unpublish-upstream → drain → await-consumers → stop → remove), so consumers stop routing
 * to it before it stops; then the upstream entries and catalog services with no container
 * behind them (e.g. on a lost host).
 */
import { SERVICE_META } from "../../model/host-metadata";
import { PoolSpec } from "../../model/desired-state";
import { Inventory, UpstreamEntry } from "../../model/inventory";
import { consumersByUpstream, takeDownChain, TakeDownContext } from "./take-down";
import { manages, PlanContext, usable } from "./context";
import { Removal } from "./instances";
import { Change } from "./types";

export interface DownChains {
  changes: Change[];
  /** `upstream/server` of every entry a down chain takes care of. */
  handledServers: Set<string>;
}

/** What a take-down looks up: the catalog registrations, the upstream entries by server, each upstream's consumers. */
export type LiveEntries = TakeDownContext;

export function liveEntries(inventory: Inventory, pools: PoolSpec[]): LiveEntries {
  const upstreamsOf = new Map<string, UpstreamEntry[]>();
  for (const entry of inventory.upstreams) {
    const list = upstreamsOf.get(entry.server);
    if (list) list.push(entry);
    else upstreamsOf.set(entry.server, [entry]);
  }
  return { registered: new Set((inventory.services ?? []).map((s) => `${s.node}/${s.serviceId}`)), upstreamsOf, consumers: consumersByUpstream(pools, inventory) };
}

export function downChains(ctx: PlanContext, removals: Removal[]): DownChains {
  const live = liveEntries(ctx.inventory, [...ctx.pools.values()]);
  const out: DownChains = { changes: [], handledServers: new Set() };
  for (const removal of removals) out.changes.push(...downChain(ctx, removal, live, out.handledServers));
  return out;
}

/** One container's down chain; adds the upstream entries it unpublishes to `handled`. */
export function downChain(ctx: PlanContext, r: Removal, live: LiveEntries, handled: Set<string>): Change[] {
  const { host, container } = r.located;
  const chain = `down:${container.name}@${host.node}`;
  return takeDownChain({ host, container, pool: ctx.pools.get(container.pool), wave: r.wave, reason: r.reason, direction: "down", chain }, live, handled);
}

/**
 * Entries of the planned pools' upstreams (with prune, also of upstreams no desired pool
 * owns) that no container of the plan stands behind and no down chain handles. The kept
 * last entry of an emptied upstream (marked down) stays.
 */
export function staleUpstreams(ctx: PlanContext, wanted: Set<string>, handled: Set<string>, wave: number): Change[] {
  const nameOf = (pool: string) => ctx.pools.get(pool)!.upstream?.name;
  const planned = new Set(ctx.scope.map(nameOf));
  const owned = new Set([...ctx.pools.keys()].map(nameOf));
  const judged = (upstream: string) => planned.has(upstream) || (ctx.settings.prune && !owned.has(upstream));
  const out: Change[] = [];
  for (const entry of ctx.inventory.upstreams) {
    const key = `${entry.upstream}/${entry.server}`;
    if (!judged(entry.upstream) || wanted.has(key) || handled.has(key)) continue;
    if (entry.down && ![...wanted].some((s) => s.startsWith(`${entry.upstream}/`))) continue;
    const node = ctx.hosts.find((h) => entry.server.startsWith(`${h.address}:`))?.node ?? "";
    out.push({ kind: "unpublish-upstream", wave, chain: `down:upstream:${key}`, direction: "down", node, reason: "stale", upstream: entry.upstream, server: entry.server });
  }
  return out;
}

/** Catalog services of managed pools whose container is neither live on a usable host nor removed by a down chain. */
export function staleServices(ctx: PlanContext, removals: Removal[], wave: number): Change[] {
  const live = new Set<string>();
  for (const h of ctx.hosts) for (const c of h.containers ?? []) if (usable(h)) live.add(`${h.node}/${c.name}`);
  for (const r of removals) live.add(`${r.located.host.node}/${r.located.container.name}`);
  const out: Change[] = [];
  for (const s of ctx.inventory.services ?? []) {
    const pool = s.meta[SERVICE_META.pool];
    if (!pool || !manages(ctx, pool)) continue;
    const key = `${s.node}/${s.serviceId}`;
    if (live.has(key)) continue;
    out.push({ kind: "drain", wave, chain: `down:service:${key}`, direction: "down", node: s.node, reason: "stale", pool, instance: s.meta[SERVICE_META.instance] ?? "", serviceId: s.serviceId, address: s.address });
  }
  return out;
}
