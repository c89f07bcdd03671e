/**
 * Why a container could not be placed: the full filter pipeline over every host, each
 * rejected host counted under the first filter that rejects it, and what in each
 * filter's rule those hosts ran into. Run only for containers that found no host, so
 * its cost does not matter.
 */
import { Filter } from "./filter";
import { HostState } from "./host-state";
import { FILTERS } from "./pipeline";
import { ContainerRequest, Unplaced } from "./types";

export interface Rejections {
  /** Hosts rejected by each filter, by filter name. */
  rejectedBy: Record<string, number>;
  /** e.g. "idc: 1200, port: 3 (8080 in use), resources: 5 (closest: yf-0012, short 0.5 CPU)" */
  summary: string;
}

export function rejections(hosts: HostState[], request: ContainerRequest): Rejections {
  const rejected = new Map<Filter, HostState[]>();
  for (const host of hosts) {
    const filter = FILTERS.find((f) => !f.accepts(host, request));
    if (!filter) continue;
    const stopped = rejected.get(filter);
    if (stopped) stopped.push(host);
    else rejected.set(filter, [host]);
  }
  const rejectedBy: Record<string, number> = {};
  const counts: string[] = [];
  for (const filter of FILTERS) {
    const stopped = rejected.get(filter);
    if (!stopped) continue;
    rejectedBy[filter.name] = stopped.length;
    const cause = filter.explain?.(stopped, request);
    counts.push(`${filter.name}: ${stopped.length}${cause ? ` (${cause})` : ""}`);
  }
  return { rejectedBy, summary: counts.join(", ") };
}

/** e.g. "feed-api/17: no host fits: 3000 hosts — idc: 1200, anti-affinity: 1795, resources: 5 (closest: …)" */
export function unplaced(request: ContainerRequest, hostCount: number, why: Rejections): Unplaced {
  const reason = `${request.pool}/${request.instance}: no host fits: ${hostCount} hosts` + (why.summary ? ` — ${why.summary}` : "");
  return { pool: request.pool, instance: request.instance, rejectedBy: { ...why.rejectedBy }, reason };
}
