/**
 * Cost of a desired state: each fleet's hosts at the price table's rates, split over
 * the pools on it by their share of the fleet's reserved CPU and memory (so a fleet's
 * buffer and packing waste are paid by the pools that cause them), and summed per owner.
 */
import { CONTAINER_TYPES } from "../model/container-types";
import { DesiredState, FleetSpec } from "../model/desired-state";
import { allocatePools } from "./allocation";
import { add, hostPrice, Money, PriceTable, scale, ZERO } from "./prices";

export interface FleetCost {
  fleet: string;
  idc: string;
  hosts: number;
  chargeType: string;
  /** What one host was priced as; absent when the price table has no price for it. */
  basis?: string;
  perHost: Money;
  total: Money;
}

export interface PoolCost {
  pool: string;
  owner: string;
  total: Money;
}

export interface OwnerCost {
  owner: string;
  total: Money;
}

export interface CostBreakdown {
  currency: string;
  /** The price table says its prices are examples. */
  examplePrices: boolean;
  total: Money;
  fleets: FleetCost[];
  pools: PoolCost[];
  owners: OwnerCost[];
  /** Hosts of fleets that no pool uses (pure buffer): paid by nobody in particular. */
  unallocated: Money;
  notes: string[];
}

/**
 * Hosts a fleet pays for: a cloud fleet its desired hosts; a private fleet the hosts its
 * pools and buffer occupy (its declared free capacity exists and is paid for anyway, so
 * using it is not free, and sizing subtracted it only from what must be bought).
 */
export function paidHosts(fleet: FleetSpec, cloud: boolean): number {
  return cloud ? fleet.desiredHosts : fleet.hostsForPools + fleet.bufferHosts;
}

export function costOfDesired(desired: DesiredState, prices: PriceTable): CostBreakdown {
  const notes: string[] = [];
  const idcs = new Map(desired.idcs.map((i) => [i.name, i]));
  const fleets: FleetCost[] = [];
  for (const f of desired.fleets) {
    const idc = idcs.get(f.idc);
    if (!idc) throw new Error(`fleet ${f.name} refers to unknown IDC ${f.idc}`);
    const hosts = paidHosts(f, idc.kind === "cloud");
    const price = hostPrice(prices, f, idc);
    if ("missing" in price) {
      if (hosts > 0) notes.push(`fleet ${f.name}: ${price.missing}; its ${hosts} hosts are not counted`);
      fleets.push({ fleet: f.name, idc: f.idc, hosts, chargeType: f.chargeType, perHost: ZERO, total: ZERO });
    } else {
      fleets.push({ fleet: f.name, idc: f.idc, hosts, chargeType: idc.kind === "private" ? "private" : f.chargeType, basis: price.basis, perHost: price.perHost, total: scale(price.perHost, hosts) });
    }
  }

  // Reserved resources per pool per fleet → share of that fleet's cost.
  const reserved = new Map<string, Map<string, number>>();
  const owners = new Map(desired.pools.map((p) => [p.name, p.owner]));
  const types = new Map(desired.pools.map((p) => [p.name, CONTAINER_TYPES[p.containerType]]));
  for (const a of allocatePools(desired)) {
    const t = types.get(a.pool)!;
    // CPU and memory weigh equally; the standard types keep them in proportion anyway.
    const weight = a.replicas * (t.cpu + t.memoryMiB / 2048) / 2;
    const m = reserved.get(a.fleet) ?? new Map<string, number>();
    m.set(a.pool, (m.get(a.pool) ?? 0) + weight);
    reserved.set(a.fleet, m);
  }
  const poolTotals = new Map<string, Money>(desired.pools.map((p) => [p.name, ZERO]));
  let unallocated = ZERO;
  for (const fc of fleets) {
    const shares = reserved.get(fc.fleet);
    const sum = shares ? [...shares.values()].reduce((a, b) => a + b, 0) : 0;
    if (!shares || sum === 0) {
      unallocated = add(unallocated, fc.total);
      continue;
    }
    for (const [pool, w] of shares) poolTotals.set(pool, add(poolTotals.get(pool)!, scale(fc.total, w / sum)));
  }
  const pools = desired.pools.map((p) => ({ pool: p.name, owner: p.owner, total: poolTotals.get(p.name)! }));
  const ownerTotals = new Map<string, Money>();
  for (const p of pools) ownerTotals.set(owners.get(p.pool)!, add(ownerTotals.get(p.owner) ?? ZERO, p.total));
  return {
    currency: prices.currency,
    examplePrices: prices.example === true,
    total: fleets.reduce((acc, f) => add(acc, f.total), ZERO),
    fleets,
    pools,
    owners: [...ownerTotals].map(([owner, total]) => ({ owner, total })).sort((a, b) => a.owner.localeCompare(b.owner)),
    unallocated,
    notes,
  };
}
