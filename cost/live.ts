/**
 * Cost of the live fleet, read from the inventory: every host at its fleet's price, its
 * cost shared by the pools whose containers run on it (by reserved CPU/memory; a host
 * with none is buffer), and what each host has cost since it joined.
 */
import { DesiredState } from "../model/desired-state";
import { Inventory } from "../model/inventory";
import { CostBreakdown } from "./model";
import { add, hostPrice, Money, PriceTable, scale, ZERO } from "./prices";

/** Cost lines of pools, owners and fleets: what they cost per hour/month now, and so far. */
export interface CostLine {
  name: string;
  hosts?: number;
  runRate: Money;
  /** Cost since the hosts joined; absent when no host's join time is known. */
  accrued?: number;
}

export interface LiveCost {
  version: 1;
  kind: "dcp-cost";
  /** live: from the inventory; desired: Consul unreachable, cost of what synth asks for. */
  source: "live" | "desired";
  at: string;
  currency: string;
  examplePrices: boolean;
  priceFile: string;
  total: CostLine;
  byPool: Array<CostLine & { owner: string }>;
  byOwner: CostLine[];
  byFleet: CostLine[];
  hosts: Array<{ node: string; fleet: string; idc: string; pools: string[]; perHost: Money; since?: string; hours?: number; accrued?: number }>;
  notes: string[];
}

/** The pseudo-pool that pays for hosts with no dcp containers. */
export const BUFFER = "(buffer)";

export function costOfInventory(inventory: Inventory, desired: DesiredState, prices: PriceTable, priceFile: string, now: Date = new Date(inventory.at)): LiveCost {
  const notes: string[] = [];
  const fleets = new Map(desired.fleets.map((f) => [f.name, f]));
  const idcs = new Map(desired.idcs.map((i) => [i.name, i]));
  const owners = new Map(desired.pools.map((p) => [p.name, p.owner]));
  const pools = new Map<string, { runRate: Money; accrued: number; accruedKnown: boolean }>();
  const fleetLines = new Map<string, CostLine & { accruedKnown: boolean }>();
  const hosts: LiveCost["hosts"] = [];
  let estimatedSince = 0;

  for (const h of inventory.hosts) {
    const fleet = fleets.get(h.fleet);
    const idc = idcs.get(h.idc) ?? { name: h.idc, kind: h.cloud ? ("cloud" as const) : ("private" as const), zones: [], consulAddress: "", cloudWeightFactor: 1 };
    const price = hostPrice(prices, fleet ?? { instanceTypes: [], chargeType: "PostPaid" }, idc);
    if ("missing" in price) notes.push(`host ${h.node} (fleet ${h.fleet}): ${fleet ? price.missing : "fleet not in the desired state"}; not counted`);
    const perHost = "missing" in price ? ZERO : price.perHost;
    // Join time: inventory's `since`, else the oldest container as a lower bound.
    let since = h.since;
    if (!since && h.containers?.length) {
      since = h.containers.map((c) => c.createdAt).sort()[0];
      estimatedSince++;
    }
    const hours = since ? Math.max(0, (now.getTime() - Date.parse(since)) / 3_600_000) : undefined;
    const accrued = hours === undefined ? undefined : perHost.hourly * hours;

    const weights = new Map<string, number>();
    for (const c of h.containers ?? []) weights.set(c.pool, (weights.get(c.pool) ?? 0) + (c.resources.cpu + c.resources.memoryMiB / 2048) / 2);
    if (weights.size === 0) weights.set(BUFFER, 1);
    const sum = [...weights.values()].reduce((a, b) => a + b, 0);
    for (const [pool, w] of weights) {
      const p = pools.get(pool) ?? { runRate: ZERO, accrued: 0, accruedKnown: false };
      p.runRate = add(p.runRate, scale(perHost, w / sum));
      if (accrued !== undefined) {
        p.accrued += (accrued * w) / sum;
        p.accruedKnown = true;
      }
      pools.set(pool, p);
    }
    const f = fleetLines.get(h.fleet) ?? { name: h.fleet, hosts: 0, runRate: ZERO, accrued: 0, accruedKnown: false };
    f.hosts!++;
    f.runRate = add(f.runRate, perHost);
    if (accrued !== undefined) {
      f.accrued! += accrued;
      f.accruedKnown = true;
    }
    fleetLines.set(h.fleet, f);
    hosts.push({ node: h.node, fleet: h.fleet, idc: h.idc, pools: [...weights.keys()], perHost, ...(since ? { since, hours, accrued } : {}) });
  }
  if (estimatedSince > 0) notes.push(`${estimatedSince} host(s) report no join time; their lifetime starts at their oldest container, so their accrued cost is a lower bound`);

  const byPool = [...pools].map(([name, p]) => ({ name, owner: name === BUFFER ? BUFFER : owners.get(name) ?? "(unknown)", runRate: p.runRate, ...(p.accruedKnown ? { accrued: p.accrued } : {}) }));
  const ownerLines = new Map<string, CostLine>();
  for (const p of byPool) {
    const o = ownerLines.get(p.owner) ?? { name: p.owner, runRate: ZERO };
    o.runRate = add(o.runRate, p.runRate);
    if (p.accrued !== undefined) o.accrued = (o.accrued ?? 0) + p.accrued;
    ownerLines.set(p.owner, o);
  }
  const byFleet = [...fleetLines.values()].map(({ accruedKnown, accrued, ...f }) => ({ ...f, ...(accruedKnown ? { accrued } : {}) }));
  const accruedTotal = byFleet.some((f) => f.accrued !== undefined) ? byFleet.reduce((a, f) => a + (f.accrued ?? 0), 0) : undefined;
  return {
    version: 1,
    kind: "dcp-cost",
    source: "live",
    at: inventory.at,
    currency: prices.currency,
    examplePrices: prices.example === true,
    priceFile,
    total: { name: "total", hosts: inventory.hosts.length, runRate: byFleet.reduce((a, f) => add(a, f.runRate), ZERO), ...(accruedTotal !== undefined ? { accrued: accruedTotal } : {}) },
    byPool: byPool.sort((a, b) => a.name.localeCompare(b.name)),
    byOwner: [...ownerLines.values()].sort((a, b) => a.name.localeCompare(b.name)),
    byFleet: byFleet.sort((a, b) => a.name.localeCompare(b.name)),
    hosts,
    notes,
  };
}

/** When the fleet cannot be read: the desired state's cost, in the same shape. */
export function desiredAsLive(cost: CostBreakdown, priceFile: string, at: Date, why: string): LiveCost {
  return {
    version: 1,
    kind: "dcp-cost",
    source: "desired",
    at: at.toISOString(),
    currency: cost.currency,
    examplePrices: cost.examplePrices,
    priceFile,
    total: { name: "total", hosts: cost.fleets.reduce((a, f) => a + f.hosts, 0), runRate: cost.total },
    byPool: cost.pools.map((p) => ({ name: p.pool, owner: p.owner, runRate: p.total })),
    byOwner: cost.owners.map((o) => ({ name: o.owner, runRate: o.total })),
    byFleet: cost.fleets.map((f) => ({ name: f.fleet, hosts: f.hosts, runRate: f.total })),
    hosts: [],
    notes: [`${why}: this is the cost of the desired state, not of the live fleet`, ...cost.notes],
  };
}
