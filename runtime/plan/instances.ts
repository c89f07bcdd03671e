/**
 * Phase 1, instance diff: for every instance a pool wants (`<pool>-00000` up to its
 * replicas), compare with what is live and decide what to create, what to keep (and
 * repair), what to remove, and which instances run an old spec and roll; the rollout
 * (rollout.ts, in placement) decides their waves. Nothing is placed yet.
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

/** An instance whose live container runs an old spec: it rolls, in the wave the rollout gives it. */
export interface Outdated {
  pool: PoolSpec;
  hash: string;
  instance: string;
  old: Located;
}

export interface InstanceDiff {
  creates: NewContainer[];
  removals: Removal[];
  repairs: Repair[];
  outdated: Outdated[];
  /** Old containers that keep serving while their instance's new container has not passed its check. */
  held: Repair[];
  /** Per pool: wanted instances with a healthy container now (any spec), what serves. */
  available: Map<string, number>;
  /** Live containers of the pools the plan manages, on usable hosts. */
  live: Map<string, Located[]>;
  /** Per pool holding a canary: its instances on the new spec after the plan, and how many old ones wait. */
  canary: Map<string, { specHash: string; instances: string[]; waiting: number }>;
  /** Instances per pool whose host is lost and that are created elsewhere. */
  replacedLost: Map<string, number>;
  notes: string[];
}

export function diffInstances(ctx: PlanContext): InstanceDiff {
  const diff: InstanceDiff = {
    ...{ creates: [], removals: [], repairs: [], outdated: [], held: [], available: new Map() },
    ...{ live: liveByPool(ctx), canary: new Map(), replacedLost: new Map(), notes: lostHostNotes(ctx) },
  };
  for (const [pool, live] of diff.live) {
    if (ctx.pools.has(pool)) continue;
    for (const located of live) diff.removals.push({ located, wave: 1, reason: "pool-removed" });
  }
  const lost = lostInstances(ctx);
  for (const name of ctx.scope) diffPool(ctx, ctx.pools.get(name)!, diff.live.get(name) ?? [], lost, diff);
  followersAfterTheirUpstreams(ctx, diff);
  return diff;
}

/**
 * An entry tier created together with the first servers of an upstream it follows starts
 * in the wave after them: its first read of KV then finds them, instead of an empty
 * upstream that it would serve 503 from until its next pull.
 */
function followersAfterTheirUpstreams(ctx: PlanContext, diff: InstanceDiff): void {
  const served = new Set(ctx.inventory.upstreams.filter((u) => !u.down).map((u) => u.upstream));
  const firstWave = new Map<string, number>();
  for (const n of diff.creates) {
    const upstream = n.pool.upstream?.name;
    if (upstream && !served.has(upstream)) firstWave.set(upstream, Math.max(firstWave.get(upstream) ?? 0, n.wave));
  }
  for (const n of diff.creates) {
    const after = Math.max(0, ...(n.pool.follows?.upstreams ?? []).map((u) => firstWave.get(u) ?? 0));
    if (after >= n.wave) n.wave = after + 1;
  }
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
  const wanting: WantedInstance = { pool, hash: specHash(pool), lost, replace: ctx.settings.replace, leaving: ctx.leaving };
  const [outdated, creates] = [diff.outdated.length, diff.creates.length];
  for (let index = 0; index < wanted; index++) {
    const instance = instanceId(pool.name, index);
    diffInstance(wanting, instance, [...(byInstance.get(instance) ?? [])].sort(compareKeepers(pool)), diff);
  }
  if (pool.update?.canary !== undefined && !ctx.settings.promote) holdCanary(pool, wanting.hash, byInstance, { outdated, creates }, diff);
}

/**
 * A canary: at most `update.canary` wanted instances run the new spec (live ones and the
 * ones this plan creates count); the lowest old-spec instances roll up to that, and the
 * others keep their old containers, repaired like any kept one, until an apply promotes.
 */
function holdCanary(pool: PoolSpec, hash: string, byInstance: Map<string, Located[]>, from: { outdated: number; creates: number }, diff: InstanceDiff): void {
  const onNew = new Set(diff.creates.slice(from.creates).map((n) => n.instance));
  for (const [instance, copies] of byInstance) {
    const index = instanceIndex(pool.name, instance);
    if (index !== undefined && index < pool.effectiveReplicas && copies.some((l) => l.container.specHash === hash)) onNew.add(instance);
  }
  const outdated = diff.outdated.splice(from.outdated);
  const rolling = outdated.slice(0, Math.max(0, pool.update!.canary! - onNew.size));
  const waiting = outdated.slice(rolling.length);
  diff.outdated.push(...rolling);
  diff.repairs.push(...waiting.map((o) => ({ pool, located: o.old })));
  if (waiting.length === 0) return;
  const instances = [...onNew, ...rolling.map((o) => o.instance)].sort();
  diff.canary.set(pool.name, { specHash: hash, instances, waiting: waiting.length });
  diff.notes.push(`pool ${pool.name}: canary of ${instances.length} on spec ${hash} (${instances.join(", ")}); ${waiting.length} instance(s) keep the old spec until \`dcp apply --promote\` (\`--abort\` returns the canary)`);
}

interface WantedInstance {
  pool: PoolSpec;
  hash: string;
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
  if (copies.some((l) => isHealthy(pool, l.container))) diff.available.set(pool.name, (diff.available.get(pool.name) ?? 0) + 1);
  if (current.length > 0) {
    const [keeper, ...extra] = current;
    diff.repairs.push({ pool, located: keeper });
    for (const located of extra) diff.removals.push({ located, wave: 1, reason: "duplicate" });
    // A new container whose check fails (a roll that stopped) does not replace a healthy old
    // one: the old one serves until the new one is healthy. One that is stopped or never
    // checked is checked by this apply's up chain, which runs before any take-down.
    const checkedNow = !keeper.container.running || keeper.container.health === "unknown";
    const holdOld = !isHealthy(pool, keeper.container) && !checkedNow && old.some((l) => isHealthy(pool, l.container));
    for (const located of old) {
      if (holdOld) diff.held.push({ pool, located });
      else diff.removals.push({ located, wave: 1, reason: oldReason(located), waitsFor });
    }
    for (const located of replaced) diff.removals.push({ located, wave: 1, reason: "repair" });
    return;
  }
  // A roll is budgeted (and may go in place); a copy on a leaving host must start elsewhere.
  if (old.length > 0 && replaced.length === 0 && !old.some(leaving)) {
    const [first, ...extra] = old;
    diff.outdated.push({ pool, hash, instance, old: first });
    for (const located of extra) diff.removals.push({ located, wave: 1, reason: "duplicate" });
    return;
  }
  // Replaced in place: down in one wave, the new container (which takes its name) in the next.
  const wave = replaced.length > 0 ? 2 : 1;
  for (const located of replaced) diff.removals.push({ located, wave: 1, reason: "repair", waitsFor, inPlace: true });
  for (const located of old) diff.removals.push({ located, wave, reason: oldReason(located), waitsFor });
  const moved = old.length > 0 && old.every((l) => oldReason(l) === "host-leaving");
  const reason = moved ? "host-leaving" : old.length > 0 ? "rolling-update" : replaced.length > 0 ? "repair" : w.lost.has(instance) ? "replace-lost" : "scale-out";
  if (reason === "replace-lost") diff.replacedLost.set(pool.name, (diff.replacedLost.get(pool.name) ?? 0) + 1);
  diff.creates.push({ pool, hash, instance, wave, reason });
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
