import { HostState } from "../host-state";
import { ContainerRequest } from "../types";

/**
 * Preference tier of a feasible host, lower first: assigned hosts before buffer hosts
 * (the buffer is only for containers that no assigned host can take), then the
 * request's IDCs in the order listed. The strategy ranks hosts within a tier.
 */
export function preferenceTier(host: HostState, request: ContainerRequest): number {
  const idcRank = request.idcs.indexOf(host.host.idc);
  return (host.buffer ? request.idcs.length : 0) + idcRank;
}
