/**
 * The order containers are placed in, shared by the engine and the reference: largest
 * first (first-fit-decreasing packs close to optimal), and identical requests next to
 * each other so that the engine can place them as one group.
 */
import { ContainerRequest } from "./types";

/** Everything the filters and strategies read from a request; equal keys place identically. */
function requestKey(r: ContainerRequest): string {
  const constraints = r.constraints.map((c) => `${c.key}${c.op}${c.value}`).join(",");
  return [
    r.pool,
    r.strategy,
    r.antiAffinity ? 1 : 0,
    r.resources.cpu,
    r.resources.memoryMiB,
    r.ports.join(","),
    r.idcs.join(","),
    constraints,
  ].join("\u0000");
}

/**
 * Request indices in placement order, as groups of identical requests: CPU, then
 * memory, descending; equal sizes in order of first appearance; input order within a group.
 */
export function placementGroups(requests: ContainerRequest[]): number[][] {
  const byKey = new Map<string, number[]>();
  requests.forEach((r, i) => {
    const key = requestKey(r);
    const group = byKey.get(key);
    if (group) group.push(i);
    else byKey.set(key, [i]);
  });
  // Map iteration follows insertion, so groups start in order of first appearance and the sort is stable.
  return [...byKey.values()].sort((a, b) => {
    const ra = requests[a[0]].resources;
    const rb = requests[b[0]].resources;
    return rb.cpu - ra.cpu || rb.memoryMiB - ra.memoryMiB;
  });
}
