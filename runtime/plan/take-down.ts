/**
 * Take-down chains: a container leaves without a request failing (model/take-down.ts).
 * Its upstream entries are removed and its catalog service deregistered; the chain then
 * waits until the consumers have stopped routing to it (their status endpoints, bounded by
 * the upstream's followWithin); only then SIGTERM with the pool's grace period, SIGKILL,
 * remove. A container that never served (not published, not registered) is stopped at once.
 */
import { PoolSpec } from "../../model/desired-state";
import { Inventory, InventoryContainer, InventoryHost, UpstreamEntry } from "../../model/inventory";
import { ConsumerStatus, TAKE_DOWN_DEFAULTS } from "../../model/take-down";
import { Change, ChainDirection, ChangeReason } from "./types";

/** What the consumers of one upstream are: how long they may take, and where to ask them. */
export interface UpstreamConsumers {
  withinSeconds: number;
  status: ConsumerStatus[];
}

/** The status page of one container of an entry pool, for one upstream it follows. */
function entryStatus(pool: PoolSpec, host: InventoryHost, c: InventoryContainer): ConsumerStatus | undefined {
  const status = pool.follows?.status;
  const index = status ? pool.ports.findIndex((p) => p.name === status.port) : -1;
  if (!status || index < 0 || c.ports[index] === undefined) return undefined;
  return { url: `http://${host.address}:${c.ports[index]}${status.path}`, format: status.format };
}

/**
 * Consumers per upstream: what the upstream declares, plus every running container of the
 * pools that follow it (an entry tier), found in the inventory.
 */
export function consumersByUpstream(pools: PoolSpec[], inventory: Inventory): Map<string, UpstreamConsumers> {
  const out = new Map<string, UpstreamConsumers>();
  for (const p of pools) {
    if (!p.upstream) continue;
    const declared = p.upstream.consumers;
    out.set(p.upstream.name, { withinSeconds: declared?.followWithinSeconds ?? TAKE_DOWN_DEFAULTS.followWithinSeconds, status: [...(declared?.status ?? [])] });
  }
  for (const p of pools.filter((x) => x.follows)) {
    for (const host of inventory.hosts) {
      for (const c of (host.containers ?? []).filter((x) => x.pool === p.name && x.running)) {
        const status = entryStatus(p, host, c);
        if (!status) continue;
        for (const upstream of p.follows!.upstreams) {
          const entry = out.get(upstream) ?? { withinSeconds: TAKE_DOWN_DEFAULTS.followWithinSeconds, status: [] };
          entry.status.push(status);
          out.set(upstream, entry);
        }
      }
    }
  }
  return out;
}

export interface TakeDown {
  host: InventoryHost;
  container: InventoryContainer;
  /** The container's pool, when it is still desired (its grace period and consumers). */
  pool?: PoolSpec;
  wave: number;
  reason: ChangeReason;
  direction: ChainDirection;
  chain: string;
}

/** What a take-down looks up: the catalog registrations, the upstream entries by server, and each upstream's consumers. */
export interface TakeDownContext {
  registered: Set<string>;
  upstreamsOf: Map<string, UpstreamEntry[]>;
  consumers: Map<string, UpstreamConsumers>;
}

/** The take-down's changes; adds the `upstream/server` entries it removes to `handled`. */
export function takeDownChain(t: TakeDown, ctx: TakeDownContext, handled: Set<string>): Change[] {
  const { host, container } = t;
  const base = { wave: t.wave, chain: t.chain, direction: t.direction, node: host.node, reason: t.reason };
  const ids = { pool: container.pool, instance: container.instance };
  const out: Change[] = [];
  const server = container.ports.length > 0 ? `${host.address}:${container.ports[0]}` : undefined;
  const left = server ? (ctx.upstreamsOf.get(server) ?? []).map((e) => e.upstream) : [];
  for (const upstream of left) {
    handled.add(`${upstream}/${server}`);
    out.push({ ...base, ...ids, kind: "unpublish-upstream", upstream, server: server! });
  }
  if (server && t.pool?.upstream) handled.add(`${t.pool.upstream.name}/${server}`);
  const registered = ctx.registered.has(`${host.node}/${container.name}`) || container.health !== "unknown";
  if (registered) out.push({ ...base, ...ids, kind: "drain", serviceId: container.name, address: host.address });
  if (container.running && (left.length > 0 || registered)) out.push({ ...base, ...ids, ...awaitConsumers(t, left, ctx), kind: "await-consumers", server });
  const named = { ...ids, containerName: container.name, specHash: container.specHash, containerId: container.id };
  const grace = t.pool?.stopGracePeriodSeconds ?? TAKE_DOWN_DEFAULTS.stopGracePeriodSeconds;
  if (container.running) out.push({ ...base, ...named, kind: "stop", timeoutSeconds: grace });
  out.push({ ...base, ...named, kind: "remove" });
  return out;
}

/** The wait of a take-down: the consumers of each upstream it left, at most the longest followWithin (the pool's own for its catalog service). */
function awaitConsumers(t: TakeDown, left: string[], ctx: TakeDownContext): { upstreams: Array<{ upstream: string; status: ConsumerStatus[] }>; seconds: number } {
  const own = t.pool?.upstream ? ctx.consumers.get(t.pool.upstream.name) : undefined;
  const waits = left.map((upstream) => ({ upstream, consumers: ctx.consumers.get(upstream) }));
  const seconds = Math.max(own?.withinSeconds ?? TAKE_DOWN_DEFAULTS.followWithinSeconds, ...waits.map((w) => w.consumers?.withinSeconds ?? 0));
  return { upstreams: waits.map((w) => ({ upstream: w.upstream, status: w.consumers?.status ?? [] })), seconds };
}
