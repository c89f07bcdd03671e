/**
 * Pure comparison of two synth snapshots: pools (replicas including dependency-ratio
 * effects), fleets (hosts), Terraform resources (by address, with the attributes that
 * change) and cost.
 */
import { CostBreakdown } from "../cost/model";
import { Money, round, sub, ZERO } from "../cost/prices";
import { FleetSpec, PoolSpec } from "../model/desired-state";
import { deepDiff } from "./deep-diff";
import { CostDelta, CostSection, Delta, FleetChange, PoolChange, Presence, ResourceAction, ResourceChange, ResourceSection, SynthSnapshot } from "./types";

export function delta(base: number, head: number): Delta {
  return { base, head, delta: head - base };
}

export function costDelta(base: Money, head: Money): CostDelta {
  return { base: round(base), head: round(head), delta: round(sub(head, base)) };
}

function presence<T>(base: T | undefined, head: T | undefined, same: boolean): Presence {
  if (!base) return "added";
  if (!head) return "removed";
  return same ? "unchanged" : "changed";
}

/** Fields that define a pool, compared one by one; effectiveReplicas is reported as a delta. */
const POOL_FIELDS: Array<keyof PoolSpec> = [
  "image", "containerType", "replicas", "idcs", "ports", "healthCheck", "upstream", "placement", "dependencies", "owner", "costCentre", "env", "command",
];

export function comparePools(base: SynthSnapshot, head: SynthSnapshot, baseCost: CostBreakdown, headCost: CostBreakdown): PoolChange[] {
  const b = new Map(base.desired.pools.map((p) => [p.name, p]));
  const h = new Map(head.desired.pools.map((p) => [p.name, p]));
  const bc = new Map(baseCost.pools.map((p) => [p.pool, p.total]));
  const hc = new Map(headCost.pools.map((p) => [p.pool, p.total]));
  return names(b, h).map((name) => {
    const bp = b.get(name);
    const hp = h.get(name);
    const changedFields = bp && hp ? POOL_FIELDS.filter((f) => JSON.stringify(bp[f]) !== JSON.stringify(hp[f])) : [];
    const effective = delta(bp?.effectiveReplicas ?? 0, hp?.effectiveReplicas ?? 0);
    return {
      pool: name,
      owner: (hp ?? bp)!.owner,
      change: presence(bp, hp, changedFields.length === 0 && effective.delta === 0),
      containerType: { base: bp?.containerType, head: hp?.containerType },
      replicas: delta(bp?.replicas ?? 0, hp?.replicas ?? 0),
      effectiveReplicas: effective,
      changedFields,
      cost: costDelta(bc.get(name) ?? ZERO, hc.get(name) ?? ZERO),
    };
  });
}

export function compareFleets(base: SynthSnapshot, head: SynthSnapshot, baseCost: CostBreakdown, headCost: CostBreakdown): FleetChange[] {
  const b = new Map(base.desired.fleets.map((f) => [f.name, f]));
  const h = new Map(head.desired.fleets.map((f) => [f.name, f]));
  const bc = new Map(baseCost.fleets.map((f) => [f.fleet, f.total]));
  const hc = new Map(headCost.fleets.map((f) => [f.fleet, f.total]));
  // Private fleets are not billed by charge type; the cost model calls them "private".
  const charge = (cost: CostBreakdown, name: string) => cost.fleets.find((f) => f.fleet === name)?.chargeType;
  return names(b, h).map((name) => {
    const bf = b.get(name);
    const hf = h.get(name);
    const same = !!bf && !!hf && (["desiredHosts", "hostsForPools", "bufferHosts", "freeHosts", "instanceTypes", "chargeType", "hostClass", "idc"] as Array<keyof FleetSpec>)
      .every((k) => JSON.stringify(bf[k]) === JSON.stringify(hf[k]));
    return {
      fleet: name,
      idc: (hf ?? bf)!.idc,
      change: presence(bf, hf, same),
      desiredHosts: delta(bf?.desiredHosts ?? 0, hf?.desiredHosts ?? 0),
      hostsForPools: delta(bf?.hostsForPools ?? 0, hf?.hostsForPools ?? 0),
      bufferHosts: delta(bf?.bufferHosts ?? 0, hf?.bufferHosts ?? 0),
      instanceTypes: { base: bf?.instanceTypes ?? [], head: hf?.instanceTypes ?? [] },
      chargeType: { base: charge(baseCost, name), head: charge(headCost, name) },
      cost: costDelta(bc.get(name) ?? ZERO, hc.get(name) ?? ZERO),
    };
  });
}

/** Resources of every stack, keyed by `stack\u0000type.name`. */
function resourcesOf(s: SynthSnapshot): Map<string, { stack: string; address: string; config: unknown }> {
  const out = new Map<string, { stack: string; address: string; config: unknown }>();
  for (const stack of s.stacks) {
    for (const [type, byName] of Object.entries<Record<string, unknown>>(stack.terraform?.resource ?? {})) {
      for (const [name, config] of Object.entries(byName)) {
        out.set(`${stack.name}\u0000${type}.${name}`, { stack: stack.name, address: `${type}.${name}`, config });
      }
    }
  }
  return out;
}

export function compareResources(base: SynthSnapshot, head: SynthSnapshot): ResourceSection {
  const b = resourcesOf(base);
  const h = resourcesOf(head);
  const items: ResourceChange[] = [];
  for (const key of [...new Set([...b.keys(), ...h.keys()])].sort()) {
    const br = b.get(key);
    const hr = h.get(key);
    const attributes = deepDiff(br?.config, hr?.config);
    if (attributes.length === 0) continue;
    const action: ResourceAction = !br ? "create" : !hr ? "delete" : "update";
    const r = (hr ?? br)!;
    items.push({ address: r.address, stack: r.stack, action, attributes: action === "update" ? attributes : [] });
  }
  return { source: "synth", counts: countActions(items), items };
}

export function countActions(items: ResourceChange[]): Record<ResourceAction, number> {
  const counts: Record<ResourceAction, number> = { create: 0, update: 0, delete: 0, replace: 0 };
  for (const i of items) counts[i.action]++;
  return counts;
}

export function costSection(baseCost: CostBreakdown, headCost: CostBreakdown, priceFile: string, pools: PoolChange[], fleets: FleetChange[]): CostSection {
  const bo = new Map(baseCost.owners.map((o) => [o.owner, o.total]));
  const ho = new Map(headCost.owners.map((o) => [o.owner, o.total]));
  const notes = [...new Set([...baseCost.notes.map((n) => `base: ${n}`), ...headCost.notes.map((n) => `head: ${n}`)])];
  const unallocated = costDelta(baseCost.unallocated, headCost.unallocated);
  if (unallocated.head.monthly > 0 || unallocated.base.monthly > 0) {
    notes.push(`fleets no pool uses cost ${unallocated.head.monthly} ${headCost.currency}/month (base ${unallocated.base.monthly}); not attributed to any owner`);
  }
  if (pools.some((p) => p.change === "unchanged" && p.cost.delta.monthly !== 0)) {
    notes.push("a pool pays its share of its fleets' reserved CPU/memory, buffer included, so an unchanged pool's cost moves when its neighbours change");
  }
  return {
    currency: headCost.currency,
    examplePrices: headCost.examplePrices,
    priceFile,
    total: costDelta(baseCost.total, headCost.total),
    byPool: pools.map((p) => ({ pool: p.pool, owner: p.owner, ...p.cost })),
    byFleet: fleets.map((f) => ({ fleet: f.fleet, hosts: delta(paid(baseCost, f.fleet), paid(headCost, f.fleet)), ...f.cost })),
    byOwner: names(bo, ho).map((owner) => ({ owner, ...costDelta(bo.get(owner) ?? ZERO, ho.get(owner) ?? ZERO) })),
    notes,
  };
}

/** Hosts a fleet pays for (see paidHosts in cost/model.ts). */
function paid(cost: CostBreakdown, fleet: string): number {
  return cost.fleets.find((f) => f.fleet === fleet)?.hosts ?? 0;
}

function names<T>(a: Map<string, T>, b: Map<string, T>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].sort();
}
