/**
 * Phase 3b, down chains: unpublish-upstream → drain → stop → remove for each container
 * that goes, so consumers stop routing to it before it stops; then the upstream entries
 * and catalog services with no container behind them (e.g. on a lost host).
 */
import { SERVICE_META } from "../../model/host-metadata";
import { Inventory, UpstreamEntry } from "../../model/inventory";
import { manages, PlanContext, usable } from "./context";
import { Removal } from "./instances";
import { Change } from "./types";

export interface DownChains {
  changes: Change[];
  /** `upstream/server` of every entry a down chain takes care of. */
  handledServers: Set<string>;
}

/** What a down chain looks up: the catalog registrations and the upstream entries by server. */
export interface LiveEntries {
  registered: Set<string>;
  upstreamsOf: Map<string, UpstreamEntry[]>;
}

export function liveEntries(inventory: Inventory): LiveEntries {
  const upstreamsOf = new Map<string, UpstreamEntry[]>();
  for (const entry of inventory.upstreams) {
    const list = upstreamsOf.get(entry.server);
    if (list) list.push(entry);
    else upstreamsOf.set(entry.server, [entry]);
  }
  return { registered: new Set((inventory.services ?? []).map((s) => `${s.node}/${s.serviceId}`)), upstreamsOf };
}

export function downChains(ctx: PlanContext, removals: Removal[]): DownChains {
  const live = liveEntries(ctx.inventory);
  const out: DownChains = { changes: [], handledServers: new Set() };
  for (const removal of removals) out.changes.push(...downChain(ctx, removal, live, out.handledServers));
  return out;
}

/** One container's down chain; adds the upstream entries it unpublishes to `handled`. */
export function downChain(ctx: PlanContext, r: Removal, live: LiveEntries, handled: Set<string>): Change[] {
  const { host, container } = r.located;
  const pool = ctx.pools.get(container.pool);
  const base = { wave: r.wave, chain: `down:${container.name}@${host.node}`, direction: "down" as const, node: host.node, reason: r.reason };
  const out: Change[] = [];
  const server = container.ports.length > 0 ? `${host.address}:${container.ports[0]}` : undefined;
  if (server) {
    for (const entry of live.upstreamsOf.get(server) ?? []) {
      handled.add(`${entry.upstream}/${server}`);
      out.push({ ...base, kind: "unpublish-upstream", pool: container.pool, instance: container.instance, upstream: entry.upstream, server });
    }
    if (pool?.upstream) handled.add(`${pool.upstream.name}/${server}`);
  }
  if (live.registered.has(`${host.node}/${container.name}`) || container.health !== "unknown") {
    out.push({ ...base, kind: "drain", pool: container.pool, instance: container.instance, serviceId: container.name, address: host.address, seconds: ctx.settings.drainSeconds });
  }
  const ids = { pool: container.pool, instance: container.instance, containerName: container.name, specHash: container.specHash, containerId: container.id };
  if (container.running) out.push({ ...base, ...ids, kind: "stop", timeoutSeconds: ctx.settings.stopTimeoutSeconds });
  out.push({ ...base, ...ids, kind: "remove" });
  return out;
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
    out.push({ kind: "drain", wave, chain: `down:service:${key}`, direction: "down", node: s.node, reason: "stale", pool, instance: s.meta[SERVICE_META.instance] ?? "", serviceId: s.serviceId, address: s.address, seconds: 0 });
  }
  return out;
}
