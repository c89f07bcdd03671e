/**
 * The host buffer, pure: a scale-out takes hosts from the buffer first (the scheduler
 * assigns them in seconds), and afterwards the buffer is refilled to each fleet's target
 * (minutes: new hosts boot). This module says how many hosts each fleet lacks, which
 * refills are already on their way, and how a refill spreads over a fleet's scaling
 * groups in zone priority order within each group's max.
 */
import { DesiredState, FleetSpec } from "../../model/desired-state";
import { InventoryHost } from "../../model/inventory";

export interface BufferShortfall {
  fleet: string;
  /** The fleet's buffer target (hosts kept unassigned). */
  target: number;
  /** Healthy, initialised hosts of the fleet assigned to no pool. */
  buffer: number;
  missing: number;
}

/**
 * The desired state with hosts added to fleets since it was made (the local site's
 * refills): a fleet that lists its hosts counts them as its own, not as leaving.
 */
export function withAddedHosts(desired: DesiredState, added: ReadonlyMap<string, string[]>): DesiredState {
  if (added.size === 0) return desired;
  const fleets = desired.fleets.map((f) => (f.hosts && added.has(f.name) ? { ...f, hosts: [...new Set([...f.hosts, ...added.get(f.name)!])] } : f));
  return { ...desired, fleets };
}

export function bufferShortfalls(fleets: FleetSpec[], hosts: InventoryHost[]): BufferShortfall[] {
  return fleets
    .map((f) => {
      const buffer = hosts.filter((h) => h.fleet === f.name && h.healthy && h.initialised && h.assignedPools.length === 0).length;
      return { fleet: f.name, target: f.bufferHosts, buffer, missing: Math.max(0, f.bufferHosts - buffer) };
    })
    .filter((s) => s.missing > 0);
}

/** A refill asked for and not yet arrived: `hosts` more than the fleet had when asked. */
export interface RefillInFlight {
  fleet: string;
  /** The fleet's host count when the refill was asked for, and how many it asked for. */
  hostsBefore: number;
  hosts: number;
  /** ms since the epoch. */
  at: number;
}

/**
 * Hosts to ask for now, per fleet: the shortfall less what is on its way. A refill counts
 * as on its way until the fleet has grown by it or `patienceMs` has passed (a host that
 * never boots is asked for again).
 */
export function refillsDue(shortfalls: BufferShortfall[], inFlight: RefillInFlight[], fleetSizes: ReadonlyMap<string, number>, now: number, patienceMs: number): Array<{ fleet: string; hosts: number }> {
  return shortfalls
    .map((s) => {
      const pending = inFlight
        .filter((r) => r.fleet === s.fleet && now - r.at < patienceMs)
        .reduce((sum, r) => sum + Math.max(0, r.hostsBefore + r.hosts - (fleetSizes.get(s.fleet) ?? 0)), 0);
      return { fleet: s.fleet, hosts: Math.max(0, s.missing - pending) };
    })
    .filter((r) => r.hosts > 0);
}

export interface GroupCapacity {
  id: string;
  desired: number;
  max: number;
}

/**
 * New desired capacities that add `hosts` to the groups, filling them in the given (zone
 * priority) order up to each max; `unplaced` is what no group had room for.
 */
export function spreadRefill(groups: GroupCapacity[], hosts: number): { changes: Array<{ id: string; desired: number }>; unplaced: number } {
  let left = hosts;
  const changes: Array<{ id: string; desired: number }> = [];
  for (const g of groups) {
    if (left === 0) break;
    const room = Math.max(0, g.max - g.desired);
    const take = Math.min(room, left);
    if (take === 0) continue;
    changes.push({ id: g.id, desired: g.desired + take });
    left -= take;
  }
  return { changes, unplaced: left };
}
