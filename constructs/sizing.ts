/**
 * Fleet sizing, pure (no cdktf, no I/O): how many hosts each fleet needs for the pools
 * placed on it, plus its buffer, less private capacity declared free.
 *
 * Rule for pools that list several IDCs (documented in the README):
 *  1. Pools are taken largest container first (then by name), which is first-fit
 *     decreasing packing and makes the result independent of declaration order.
 *  2. A pool walks its IDCs in preference order. In a private IDC that is not the
 *     pool's last choice, it takes only the fleet's declared free hosts, less the
 *     fleet's buffer (the buffer stays free for scale-outs); what does not fit overflows
 *     to the next IDC. A cloud IDC, or the pool's last choice, takes all that remains.
 *  3. Within an IDC, a pool goes to the fleet dedicated to it (an entry pool's fleet
 *     behind a load balancer) if there is one, else to the first fleet that is dedicated
 *     to no pool and whose host class can hold one of its containers.
 * A private fleet whose desiredHosts ends above zero is short of hosts: nothing can be
 * bought there, somebody must add hosts (the summary says so).
 */
import { CONTAINER_TYPES, ContainerTypeName, Resources } from "../model/container-types";
import { DesiredState, PlacementSpec, PortSpec } from "../model/desired-state";
import type { LocalFleetHosts } from "./local-hosts";

export interface SizingPool {
  name: string;
  /** Replicas as declared, for the summary. */
  replicas: number;
  /** Resources of one container. */
  container: Resources;
  /** Replicas after dependency ratios. */
  effectiveReplicas: number;
  /** IDCs in preference order. */
  idcs: string[];
  /** At most one container of this pool per host: anti-affinity, or a fixed host port (host networking). */
  antiAffinity: boolean;
}

export interface SizingIdc {
  name: string;
  kind: "private" | "cloud";
}

export interface SizingFleet {
  name: string;
  idc: string;
  hostClass: Resources;
  bufferHosts: number;
  /** Declared free private hosts; 0 for cloud fleets. */
  freeHosts: number;
  /** The only pool this fleet runs (a load balancer's backends), if any. */
  dedicatedTo?: string;
}

/** One line of the synth summary: pool → replicas → hosts → fleet. */
export interface PoolAllocation {
  pool: string;
  replicas: number;
  effectiveReplicas: number;
  fleet: string;
  idc: string;
  containers: number;
  /** Hosts that hold at least one of these containers (hosts may be shared by pools). */
  hosts: number;
}

export interface FleetSizing {
  fleet: string;
  idc: string;
  kind: "private" | "cloud";
  hostsForPools: number;
  bufferHosts: number;
  freeHosts: number;
  /** hostsForPools + bufferHosts − freeHosts, never below zero. */
  desiredHosts: number;
}

export interface FleetSummary {
  allocations: PoolAllocation[];
  fleets: FleetSizing[];
  /** Local profile: the hosts each fleet gets on the local site (capped). */
  local?: LocalFleetHosts[];
}

interface PackedHost {
  cpu: number;
  memoryMiB: number;
  pools: Map<string, number>;
}

/**
 * First-fit packing of containers onto hosts of one class. Hosts are opened on demand;
 * `place` fills gaps in open hosts before opening new ones.
 */
export class HostPacker {
  readonly hosts: PackedHost[] = [];
  /** Index of the first host that may still have room; hosts before it are full for any shape. */
  private firstOpen = 0;
  private readonly hostsPerPool = new Map<string, number>();

  constructor(readonly hostClass: Resources) {}

  /**
   * Places up to `count` containers of `pool` on the first `hostLimit` hosts (opening them
   * as needed). Hosts beyond the limit were opened by pools with nowhere else to go (a
   * private fleet's shortage); they are not capacity for pools that can go elsewhere.
   * Returns how many were placed.
   */
  place(pool: string, container: Resources, count: number, antiAffinity: boolean, hostLimit = Infinity): number {
    if (!fits(this.hostClass, container)) {
      throw new Error(`a ${fmt(container)} container does not fit a ${fmt(this.hostClass)} host`);
    }
    let remaining = count;
    for (let i = this.firstOpen; i < Math.min(this.hosts.length, hostLimit) && remaining > 0; i++) {
      remaining -= this.fill(this.hosts[i], pool, container, remaining, antiAffinity);
    }
    while (remaining > 0 && this.hosts.length < hostLimit) {
      const host: PackedHost = { cpu: this.hostClass.cpu, memoryMiB: this.hostClass.memoryMiB, pools: new Map() };
      this.hosts.push(host);
      remaining -= this.fill(host, pool, container, remaining, antiAffinity);
    }
    // Hosts that cannot take even the smallest standard shape (1 core) never get another container.
    while (this.firstOpen < this.hosts.length && this.hosts[this.firstOpen].cpu < 1) this.firstOpen++;
    return count - remaining;
  }

  /** Hosts that hold at least one container of `pool`. */
  hostsOf(pool: string): number {
    return this.hostsPerPool.get(pool) ?? 0;
  }

  private fill(host: PackedHost, pool: string, container: Resources, wanted: number, antiAffinity: boolean): number {
    const already = host.pools.get(pool) ?? 0;
    if (antiAffinity && already > 0) return 0;
    let k = Math.min(wanted, Math.floor(host.cpu / container.cpu), Math.floor(host.memoryMiB / container.memoryMiB));
    if (antiAffinity) k = Math.min(k, 1);
    if (k <= 0) return 0;
    host.cpu -= k * container.cpu;
    host.memoryMiB -= k * container.memoryMiB;
    host.pools.set(pool, already + k);
    if (already === 0) this.hostsPerPool.set(pool, this.hostsOf(pool) + 1);
    return k;
  }
}

/** Sizes every fleet for the pools. Throws an Error (the caller adds context) when a pool has nowhere to go. */
export function sizeFleets(idcs: SizingIdc[], fleets: SizingFleet[], pools: SizingPool[]): FleetSummary {
  const idcByName = new Map(idcs.map((i) => [i.name, i]));
  const packers = new Map(fleets.map((f) => [f.name, new HostPacker(f.hostClass)]));
  const allocations: PoolAllocation[] = [];

  const ordered = [...pools].sort(
    (a, b) =>
      b.container.cpu - a.container.cpu ||
      b.container.memoryMiB - a.container.memoryMiB ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  for (const pool of ordered) {
    let remaining = pool.effectiveReplicas;
    const placedIn = new Map<string, number>();
    pool.idcs.forEach((idcName, i) => {
      const idc = idcByName.get(idcName);
      if (!idc) throw new Error(`pool "${pool.name}" names IDC "${idcName}", which is not defined`);
      const inIdc = fleets.filter((f) => f.idc === idcName);
      const fleet = inIdc.find((f) => f.dedicatedTo === pool.name) ?? inIdc.find((f) => !f.dedicatedTo && fits(f.hostClass, pool.container));
      const last = i === pool.idcs.length - 1;
      if (!fleet) {
        if (last && placedIn.size === 0) {
          throw new Error(
            `pool "${pool.name}" needs ${fmt(pool.container)} per container but no fleet in ${pool.idcs.join(", ")} has hosts that large`,
          );
        }
        return;
      }
      if (remaining === 0 && placedIn.size > 0) return;
      const packer = packers.get(fleet.name)!;
      const limit = idc.kind === "private" && !last ? Math.max(0, fleet.freeHosts - fleet.bufferHosts) : Infinity;
      const placed = packer.place(pool.name, pool.container, remaining, pool.antiAffinity, limit);
      remaining -= placed;
      if (placed > 0 || !placedIn.has(fleet.name)) placedIn.set(fleet.name, (placedIn.get(fleet.name) ?? 0) + placed);
    });
    for (const [fleetName, containers] of placedIn) {
      // A pool with no containers in a fleet it merely passed through is not worth a line.
      if (containers === 0 && placedIn.size > 1) continue;
      const fleet = fleets.find((f) => f.name === fleetName)!;
      allocations.push({
        pool: pool.name,
        replicas: pool.replicas,
        effectiveReplicas: pool.effectiveReplicas,
        fleet: fleetName,
        idc: fleet.idc,
        containers,
        hosts: packers.get(fleetName)!.hostsOf(pool.name),
      });
    }
  }

  const sized = fleets.map((f): FleetSizing => {
    const hostsForPools = packers.get(f.name)!.hosts.length;
    return {
      fleet: f.name,
      idc: f.idc,
      kind: idcByName.get(f.idc)?.kind ?? "cloud",
      hostsForPools,
      bufferHosts: f.bufferHosts,
      freeHosts: f.freeHosts,
      desiredHosts: Math.max(0, hostsForPools + f.bufferHosts - f.freeHosts),
    };
  });
  const order = new Map(pools.map((p, i) => [p.name, i]));
  allocations.sort((a, b) => order.get(a.pool)! - order.get(b.pool)!);
  return { allocations, fleets: sized };
}

function fits(host: Resources, container: Resources): boolean {
  return container.cpu <= host.cpu && container.memoryMiB <= host.memoryMiB;
}

function fmt(r: Resources): string {
  return `${r.cpu} cpu / ${r.memoryMiB} MiB`;
}

/** A pool as sizing sees it, with `replicas` and `effectiveReplicas` as they are to be sized. */
export function sizingPoolOf(
  pool: { name: string; containerType: ContainerTypeName; idcs: string[]; placement: Pick<PlacementSpec, "antiAffinity">; ports: Pick<PortSpec, "port">[] },
  replicas: number,
  effectiveReplicas: number,
): SizingPool {
  return {
    name: pool.name,
    replicas,
    container: CONTAINER_TYPES[pool.containerType],
    effectiveReplicas,
    idcs: pool.idcs,
    // Host networking: two containers of a pool with a fixed port cannot share a host.
    antiAffinity: pool.placement.antiAffinity === "host" || pool.ports.some((p) => p.port > 0),
  };
}

/**
 * Sizes the fleets of a desired state again (e.g. with other replicas). The desired state
 * does not say which fleet is dedicated to a pool: those fleets are sized as shared ones.
 */
export function sizeDesiredState(desired: DesiredState): FleetSummary {
  return sizeFleets(
    desired.idcs.map((i) => ({ name: i.name, kind: i.kind })),
    desired.fleets.map((f) => ({ name: f.name, idc: f.idc, hostClass: f.hostClass, bufferHosts: f.bufferHosts, freeHosts: f.freeHosts })),
    desired.pools.map((p) => sizingPoolOf(p, p.replicas, p.effectiveReplicas)),
  );
}
