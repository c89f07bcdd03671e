/**
 * Which fleet a pool's containers land on, for cost shares and per-IDC quotas. Uses the
 * same sizing rule as synth (constructs/sizing.ts), so the split matches the hosts the
 * fleets were sized for.
 */
import { sizeDesiredState } from "../constructs/sizing";
import { DesiredState } from "../model/desired-state";

export interface PoolAllocation {
  pool: string;
  fleet: string;
  idc: string;
  replicas: number;
}

export function allocatePools(desired: DesiredState): PoolAllocation[] {
  const { allocations } = sizeDesiredState(desired);
  return allocations.filter((a) => a.containers > 0).map((a) => ({ pool: a.pool, fleet: a.fleet, idc: a.idc, replicas: a.containers }));
}
