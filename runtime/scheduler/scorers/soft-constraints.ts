import { admits } from "../../../model/pool-rules/constraints";
import { HostState } from "../host-state";
import { ContainerRequest } from "../types";

/**
 * How many of the request's preferences (soft constraints, `key==~value`) the host does
 * not meet, lower first: hosts meeting more preferences take the container first, and
 * the others still take it when those are full. Ranks within a preference tier, before
 * the strategy.
 */
export function unmetPreferences(host: HostState, request: ContainerRequest): number {
  let unmet = 0;
  for (const c of request.constraints) if (c.soft && !admits(c, host.attributes[c.key])) unmet++;
  return unmet;
}
