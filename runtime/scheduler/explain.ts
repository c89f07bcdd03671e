/**
 * Why a container could not be placed: the full filter pipeline over every host, each
 * rejected host counted under the first filter that rejects it. Run only for
 * containers that found no host, so its cost does not matter.
 */
import { HostState } from "./host-state";
import { FILTERS } from "./pipeline";
import { ContainerRequest, Unplaced } from "./types";

export function rejections(hosts: HostState[], request: ContainerRequest): Record<string, number> {
  const rejectedBy: Record<string, number> = {};
  for (const host of hosts) {
    const filter = FILTERS.find((f) => !f.accepts(host, request));
    if (filter) rejectedBy[filter.name] = (rejectedBy[filter.name] ?? 0) + 1;
  }
  return rejectedBy;
}

/** e.g. "feed-api/17: no host fits: 3000 hosts — idc: 1200, anti-affinity: 1795, resources: 5" */
export function unplaced(request: ContainerRequest, hostCount: number, rejectedBy: Record<string, number>): Unplaced {
  const counts = FILTERS.filter((f) => rejectedBy[f.name]).map((f) => `${f.name}: ${rejectedBy[f.name]}`);
  const reason =
    `${request.pool}/${request.instance}: no host fits: ${hostCount} hosts` +
    (counts.length ? ` — ${counts.join(", ")}` : "");
  return { pool: request.pool, instance: request.instance, rejectedBy, reason };
}
