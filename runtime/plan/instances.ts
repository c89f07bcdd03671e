/**
 * Phase 1, instance diff: for every instance a pool wants (`<pool>-00000` up to its
 * replicas), compare with what is live and decide what to create, what to keep (and
 * repair), and what to remove, with the wave each happens in. Nothing is placed yet.
 */
import { PoolSpec } from "../../model/desired-state";
import { SERVICE_META } from "../../model/host-metadata";
import { InventoryContainer } from "../../model/inventory";
import { instanceKey, Located, manages, PlanContext, usable } from "./context";
import { instanceId, instanceIndex, specHash } from "./spec";
import { ChangeReason } from "./types";

/** A container to create: a missing instance, or the new spec of an instance under rolling update. */
export interface NewContainer {
  pool: PoolSpec;
  hash: string;
  instance: string;
  wave: number;
  reason: ChangeReason;
}

export interface Removal {
  located: Located;
  wave: number;
  reason: ChangeReason;
  /** `pool/instance` whose new container must be placed first; while it cannot be, this container stays. */
  waitsFor?: string;
  /** Taken down in the wave before its instance's new container starts: placement does not count it. */
  inPlace?: boolean;
}

/** A container that stays; its chain brings it back in line (start, register, publish). */
export interface Repair {
  pool: PoolSpec;
  located: Located;
}

export interface InstanceDiff {
  creates: NewContainer[];
  removals: Removal[];
  repairs: Repair[];
  /** Live containers of the pools the plan manages, on usable hosts. */
  live: Map<string, Located[]>;
  /** Instances per pool whose host is lost and that are created elsewhere. */
  replacedLost: Map<string, number>;
  notes: string[];
}

export function diffInstances(ctx: PlanContext): InstanceDiff {
  const diff: InstanceDiff = { creates: [], removals: [], repairs: [], live: liveByPool(ctx), replacedLost: new Map(), notes: lostHostNotes(ctx) };
  for (const [pool, live] of diff.live) {
    if (ctx.pools.has(pool)) continue;
    for (const located of live) diff.removals.push({ located, wave: 1, reason: "pool-removed" });
  }
  const lost = lostInstances(ctx);
  for (const name of ctx.scope) diffPool(ctx, ctx.pools.get(name)!, diff.live.get(name) ?? [], lost, diff);
  return diff;
}

function lostHostNotes(ctx: PlanContext): string[] {
  const lost = ctx.hosts
    .filter((h) => !usable(h))
    .map((h) => {
      const why = h.containers === null ? "its Docker daemon did not answer" : "Consul reports it unhealthy";
      return `host ${h.node} is lost (${why}): its containers are rescheduled on other hosts`;
    });
  const leaving = [...ctx.leaving].map((node) => `host ${node} is leaving (its fleet's hosts no longer list it): its containers move to other hosts first`);
  return [...lost, ...leaving];
}

/** Instances whose last known home is a lost host, from the daemon (when it answered) and the catalog. */
function lostInstances(ctx: PlanContext): Set<string> {
  const lost = new Set<string>();
  for (const h of ctx.hosts) if (!usable(h)) for (const c of h.containers ?? []) lost.add(c.instance);
  for (const s of ctx.inventory.services ?? []) {
    const h = ctx.hostsByNode.get(s.node);
    if ((!h || !usable(h)) && s.meta[SERVICE_META.instance]) lost.add(s.meta[SERVICE_META.instance]);
  }
  return lost;
}

function liveByPool(ctx: PlanContext): Map<string, Located[]> {
  const live = new Map<string, Located[]>();
  for (const host of ctx.hosts) {
    if (!usable(host)) continue;
    for (const container of host.containers!) {
      if (!manages(ctx, container.pool)) continue;
      push(live, container.pool, { host, container });
    }
  }
  return live;
}

function diffPool(ctx: PlanContext, pool: PoolSpec, live: Located[], lost: Set<string>, diff: InstanceDiff): void {
  const wanted = pool.effectiveReplicas;
  const byInstance = new Map<string, Located[]>();
  for (const l of live) push(byInstance, l.container.instance, l);
  for (const [instance, list] of byInstance) {
    const index = instanceIndex(pool.name, instance);
    if (index === undefined || index >= wanted) for (const located of list) diff.removals.push({ located, wave: 1, reason: "scale-in" });
  }
  const wanting: WantedInstance = { pool, hash: specHash(pool), nextWave: rollingWaves(wanted, ctx.settings.batchPercent), lost, replace: ctx.settings.replace, leaving: ctx.leaving };
  for (let index = 0; index < wanted; index++) {
    const instance = instanceId(pool.name, index);
    diffInstance(wanting, instance, [...(byInstance.get(instance) ?? [])].sort(compareKeepers(pool)), diff);
  }
}

interface WantedInstance {
  pool: PoolSpec;
  hash: string;
  nextWave: () => number;
  lost: Set<string>;
  replace: Set<string>;
  leaving: Set<string>;
}

/** One wanted instance and its live copies, keepers first: keep one, or create one (and what goes when). */
function diffInstance(w: WantedInstance, instance: string, copies: Located[], diff: InstanceDiff): void {
  const { pool, hash } = w;
  const replaced = copies.filter((l) => w.replace.has(l.container.id));
  const rest = copies.filter((l) => !w.replace.has(l.container.id));
  // A copy on a leaving host goes like an old spec's: its replacement starts elsewhere first.
  const leaving = (l: Located) => w.leaving.has(l.host.node);
  const current = rest.filter((l) => l.container.specHash === hash && !leaving(l));
  const old = rest.filter((l) => l.container.specHash !== hash || leaving(l));
  const oldReason = (l: Located) => (l.container.specHash === hash ? "host-leaving" : "rolling-update");
  const waitsFor = instanceKey(pool.name, instance);
  if (current.length > 0) {
    const [keeper, ...extra] = current;
    diff.repairs.push({ pool, located: keeper });
    for (const located of extra) diff.removals.push({ located, wave: 1, reason: "duplicate" });
    for (const located of old) diff.removals.push({ located, wave: 1, reason: oldReason(located), waitsFor });
    for (const located of replaced) diff.removals.push({ located, wave: 1, reason: "repair" });
    return;
  }
  // Replaced in place: down in one wave, the new container (which takes its name) in the next.
  const downWave = old.length > 0 ? w.nextWave() : 1;
  const wave = replaced.length > 0 ? downWave + 1 : downWave;
  for (const located of replaced) diff.removals.push({ located, wave: downWave, reason: "repair", waitsFor, inPlace: true });
  for (const located of old) diff.removals.push({ located, wave, reason: oldReason(located), waitsFor });
  const moved = old.length > 0 && old.every((l) => oldReason(l) === "host-leaving");
  const reason = moved ? "host-leaving" : old.length > 0 ? "rolling-update" : replaced.length > 0 ? "repair" : w.lost.has(instance) ? "replace-lost" : "scale-out";
  if (reason === "replace-lost") diff.replacedLost.set(pool.name, (diff.replacedLost.get(pool.name) ?? 0) + 1);
  diff.creates.push({ pool, hash, instance, wave, reason });
}

/** Rolling update: `batchPercent` of the pool per wave, waves 1, 2, …; each call gives the next instance's wave. */
export function rollingWaves(replicas: number, batchPercent: number): () => number {
  const batchSize = Math.max(1, Math.ceil((replicas * batchPercent) / 100));
  let updates = 0;
  return () => 1 + Math.floor(updates++ / batchSize);
}

export function isHealthy(pool: PoolSpec, c: InventoryContainer): boolean {
  if (!c.running) return false;
  return c.health === "passing" || (!pool.healthCheck && c.health !== "critical");
}

/** Which copy of an instance stays: healthy, then running, then on a host assigned to the pool, then by node. */
function compareKeepers(pool: PoolSpec) {
  const rank = (l: Located) => [isHealthy(pool, l.container) ? 0 : 1, l.container.running ? 0 : 1, l.host.assignedPools.includes(pool.name) ? 0 : 1];
  return (a: Located, b: Located): number => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i] - rb[i];
    return a.host.node < b.host.node ? -1 : a.host.node > b.host.node ? 1 : 0;
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
