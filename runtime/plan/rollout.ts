/**
 * Rolling updates within a disruption budget, wave by wave (see model/rollout.ts).
 *
 * Capacity is counted per wave: wave 1 places the new containers of scale-out and lost
 * hosts and, for each rolling pool, up to maxSurge replacements beside the old containers
 * (a surge: the old one stops only once the new one serves). What a wave removes (scale-in,
 * the old containers of its surges) is free for the next wave. An old container whose
 * replacement fits nowhere is replaced in place: taken down first, then created again on
 * the same host with the same ports; at most maxUnavailable of a pool are out at once,
 * counted from the healthy containers at the wave's start, so the pool never serves from
 * fewer than replicas − maxUnavailable. Lost and unhealthy containers count against that
 * budget already: a pool below its floor replaces nothing in place until new containers
 * have brought it back.
 */
import { Resources } from "../../model/container-types";
import { UpdateBudget } from "../../model/rollout";
import { schedule } from "../scheduler";
import { ContainerRequest, SchedulerHost, Unplaced } from "../scheduler/types";

/** A live container as capacity sees it. */
export interface HeldCapacity {
  node: string;
  pool: string;
  resources: Resources;
  ports: number[];
}

/** An instance on an old spec: its new container's request, and the old container it replaces. */
export interface RollCandidate {
  request: ContainerRequest;
  old: HeldCapacity & { healthy: boolean };
}

export interface RolloutInput {
  /** Every usable host with everything live on it. */
  hosts: SchedulerHost[];
  /** New containers that replace nothing live (scale-out, lost hosts): all in wave 1. */
  creates: ContainerRequest[];
  /** Containers removed in wave 1 (scale-in, duplicates, removed pools): free from wave 2. */
  removals: HeldCapacity[];
  /** In roll order, per pool by instance index. */
  candidates: RollCandidate[];
  /** Per rolling pool: its budget and how many of its wanted instances serve now. */
  pools: Map<string, { budget: UpdateBudget; available: number }>;
  seed?: number;
}

export type RollStep =
  | { key: string; wave: number; mode: "surge"; node: string }
  | { key: string; wave: number; mode: "in-place"; node: string; ports: number[] };

export interface RolloutPlan {
  /** Node of each placed create, by `pool/instance`. */
  creates: Map<string, string>;
  steps: RollStep[];
  unplaced: Unplaced[];
}

export const keyOf = (r: { pool: string; instance: string }) => `${r.pool}/${r.instance}`;

/** Hosts as the scheduler sees them, changed as waves reserve and free capacity. */
class Capacity {
  private readonly hosts: Map<string, SchedulerHost>;

  constructor(hosts: SchedulerHost[]) {
    this.hosts = new Map(hosts.map((h) => [h.node, { ...h, reserved: { ...h.reserved }, usedPorts: [...h.usedPorts], poolCounts: { ...h.poolCounts } }]));
  }

  list(): SchedulerHost[] {
    return [...this.hosts.values()];
  }

  has(node: string): boolean {
    return this.hosts.get(node)?.healthy === true;
  }

  hold(c: HeldCapacity, sign: 1 | -1): void {
    const h = this.hosts.get(c.node);
    if (!h) return;
    h.reserved.cpu += sign * c.resources.cpu;
    h.reserved.memoryMiB += sign * c.resources.memoryMiB;
    h.poolCounts[c.pool] = (h.poolCounts[c.pool] ?? 0) + sign;
    if (sign > 0) h.usedPorts.push(...c.ports);
    else for (const p of c.ports) h.usedPorts.splice(h.usedPorts.indexOf(p), 1);
  }

  /** The new container fits where the old one was, once the old one is gone. */
  fitsInPlace(old: HeldCapacity, request: ContainerRequest): boolean {
    const h = this.hosts.get(old.node);
    if (!h || !h.healthy) return false;
    const cpu = h.reserved.cpu - old.resources.cpu + request.resources.cpu;
    const memory = h.reserved.memoryMiB - old.resources.memoryMiB + request.resources.memoryMiB;
    const others = h.usedPorts.filter((p) => !old.ports.includes(p));
    return cpu <= h.capacity.cpu && memory <= h.capacity.memoryMiB && request.ports.every((p) => !others.includes(p));
  }
}

export function planRollout(input: RolloutInput): RolloutPlan {
  const capacity = new Capacity(input.hosts);
  const plan: RolloutPlan = { creates: new Map(), steps: [], unplaced: [] };
  let pending = [...input.candidates];
  const available = new Map([...input.pools].map(([pool, p]) => [pool, p.available]));
  let lastUnplaced = new Map<string, Unplaced>();
  for (let wave = 1; wave === 1 || pending.length > 0; wave++) {
    const surges = pickSurges(pending, input.pools);
    const requests = [...(wave === 1 ? input.creates : []), ...surges.map((c) => c.request)];
    const result = requests.length > 0 ? schedule(capacity.list(), requests, { seed: input.seed }) : { placements: [], unplaced: [] };
    const placed = new Map(result.placements.map((p) => [keyOf(p), p.node]));
    const unplaced = new Map(result.unplaced.map((u) => [keyOf(u), u]));
    if (wave === 1) recordCreates(input.creates, placed, unplaced, capacity, plan);
    const moved = new Set<RollCandidate>();
    for (const c of surges) {
      const node = placed.get(keyOf(c.request));
      if (!node) continue;
      plan.steps.push({ key: keyOf(c.request), wave, mode: "surge", node });
      capacity.hold({ ...c.old, node, resources: c.request.resources, ports: c.request.ports }, 1);
      moved.add(c);
    }
    for (const c of pickInPlace(pending, moved, unplaced, available, input.pools, capacity)) {
      plan.steps.push({ key: keyOf(c.request), wave, mode: "in-place", node: c.old.node, ports: c.old.ports });
      capacity.hold({ ...c.old, resources: c.request.resources, ports: c.request.ports }, 1);
      moved.add(c);
    }
    endWave(wave, input, moved, capacity, available);
    if (moved.size === 0 && wave > 1) {
      const why = (c: RollCandidate) => unplaced.get(keyOf(c.request)) ?? lastUnplaced.get(keyOf(c.request)) ?? [...lastUnplaced.values()].find((u) => u.pool === c.request.pool);
      plan.unplaced.push(...pending.map((c) => blocked(c, why(c), input.pools)));
      break;
    }
    pending = pending.filter((c) => !moved.has(c));
    lastUnplaced = new Map([...lastUnplaced, ...unplaced]);
  }
  return plan;
}

/** Up to maxSurge candidates per pool try a host of their own this wave. */
function pickSurges(pending: RollCandidate[], pools: RolloutInput["pools"]): RollCandidate[] {
  const taken = new Map<string, number>();
  return pending.filter((c) => {
    const n = taken.get(c.request.pool) ?? 0;
    if (n >= pools.get(c.request.pool)!.budget.surge) return false;
    taken.set(c.request.pool, n + 1);
    return true;
  });
}

/**
 * Candidates that found no host this wave go in place (all of a pool without surge, and any
 * that does not serve), within what the pool may lose now; the rest wait for the next
 * wave's capacity.
 */
function pickInPlace(
  pending: RollCandidate[],
  moved: Set<RollCandidate>,
  unplaced: Map<string, Unplaced>,
  available: Map<string, number>,
  pools: RolloutInput["pools"],
  capacity: Capacity,
): RollCandidate[] {
  const chosen: RollCandidate[] = [];
  const spent = new Map<string, number>();
  for (const c of pending) {
    const pool = c.request.pool;
    const { budget } = pools.get(pool)!;
    if (moved.has(c) || !(unplaced.has(keyOf(c.request)) || budget.surge === 0 || !c.old.healthy)) continue;
    const left = (available.get(pool) ?? 0) - budget.floor - (spent.get(pool) ?? 0);
    // A container that does not serve costs nothing to take down.
    if (c.old.healthy && left <= 0) continue;
    if (!capacity.fitsInPlace(c.old, c.request)) continue;
    if (c.old.healthy) spent.set(pool, (spent.get(pool) ?? 0) + 1);
    chosen.push(c);
  }
  return chosen;
}

function recordCreates(creates: ContainerRequest[], placed: Map<string, string>, unplaced: Map<string, Unplaced>, capacity: Capacity, plan: RolloutPlan): void {
  for (const r of creates) {
    const node = placed.get(keyOf(r));
    if (node) {
      plan.creates.set(keyOf(r), node);
      capacity.hold({ node, pool: r.pool, resources: r.resources, ports: r.ports }, 1);
    } else if (unplaced.has(keyOf(r))) {
      plan.unplaced.push(unplaced.get(keyOf(r))!);
    }
  }
}

/** After the wave: what it removed is free, and what it started serves. */
function endWave(wave: number, input: RolloutInput, moved: Set<RollCandidate>, capacity: Capacity, available: Map<string, number>): void {
  if (wave === 1) for (const r of input.removals) capacity.hold(r, -1);
  for (const c of moved) {
    capacity.hold(c.old, -1);
    if (!c.old.healthy) available.set(c.request.pool, (available.get(c.request.pool) ?? 0) + 1);
  }
  if (wave === 1) for (const r of input.creates) if (input.pools.has(r.pool)) available.set(r.pool, (available.get(r.pool) ?? 0) + 1);
}

function blocked(c: RollCandidate, why: Unplaced | undefined, pools: RolloutInput["pools"]): Unplaced {
  const budget = pools.get(c.request.pool)!.budget;
  const inPlace = budget.unavailable === 0 ? "maxUnavailable 0 allows no replacement in place" : "no replacement in place fits its host";
  return {
    pool: c.request.pool,
    instance: c.request.instance,
    rejectedBy: why?.rejectedBy ?? {},
    reason: `no spare host or port for a surge (${why?.reason.replace(/^\S+: /, "") ?? "no host fits"}); ${inPlace}`,
  };
}
