/**
 * Which fleet a pool's containers land on, for cost shares and per-IDC quotas. Uses the
 * same sizing rule as synth (constructs/sizing.ts), so the split matches the hosts the
 * fleets were sized for.
 */
import { sizeFleets } from "../constructs/sizing";
import { CONTAINER_TYPES } from "../model/container-types";
import { DesiredState } from "../model/desired-state";

export interface PoolAllocation {
  pool: string;
  fleet: string;
  idc: string;
  replicas: number;
}

export function allocatePools(desired: DesiredState): PoolAllocation[] {
  const { allocations } = sizeFleets(
    desired.idcs.map((i) => ({ name: i.name, kind: i.kind })),
    desired.fleets.map((f) => ({ name: f.name, idc: f.idc, hostClass: f.hostClass, bufferHosts: f.bufferHosts, freeHosts: f.freeHosts })),
    desired.pools.map((p) => ({
      name: p.name,
      replicas: p.replicas,
      container: CONTAINER_TYPES[p.containerType],
      effectiveReplicas: p.effectiveReplicas,
      idcs: p.idcs,
      antiAffinity: p.placement.antiAffinity === "host",
    })),
  );
  return allocations.filter((a) => a.containers > 0).map((a) => ({ pool: a.pool, fleet: a.fleet, idc: a.idc, replicas: a.containers }));
}
