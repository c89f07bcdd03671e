/**
 * The order containers are placed in, shared by the engine and the reference: largest
 * first (first-fit-decreasing packs close to optimal), and identical requests next to
 * each other so that the engine can place them as one group.
 */
import { constraintText } from "../../model/pool-rules/constraints";
import { ContainerRequest } from "./types";

/** Everything the filters and strategies read from a request; equal keys place identically. */
function requestKey(r: ContainerRequest): string {
  const constraints = r.constraints.map(constraintText).join(",");
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

/** Same as comparing `requestKey`s. */
function sameRules(a: ContainerRequest, b: ContainerRequest): boolean {
  return (
    a.pool === b.pool &&
    a.strategy === b.strategy &&
    a.antiAffinity === b.antiAffinity &&
    a.resources.cpu === b.resources.cpu &&
    a.resources.memoryMiB === b.resources.memoryMiB &&
    sameList(a.ports, b.ports, (x, y) => x === y) &&
    sameList(a.idcs, b.idcs, (x, y) => x === y) &&
    sameList(a.constraints, b.constraints, (x, y) => constraintText(x) === constraintText(y))
  );
}

function sameList<T>(a: T[], b: T[], same: (x: T, y: T) => boolean): boolean {
  return a === b || (a.length === b.length && a.every((x, i) => same(x, b[i])));
}

/**
 * Request indices in placement order, as groups of identical requests: CPU, then
 * memory, descending; equal sizes in order of first appearance; input order within a group.
 */
export function placementGroups(requests: ContainerRequest[]): number[][] {
  const byKey = new Map<string, number[]>();
  let group: number[] = [];
  requests.forEach((r, i) => {
    // A pool's replicas usually come one after another: skip building their key.
    if (i > 0 && sameRules(requests[i - 1], r)) {
      group.push(i);
      return;
    }
    const key = requestKey(r);
    group = byKey.get(key) ?? [];
    if (group.length === 0) byKey.set(key, group);
    group.push(i);
  });
  // Map iteration follows insertion, so groups start in order of first appearance and the sort is stable.
  return [...byKey.values()].sort((a, b) => {
    const ra = requests[a[0]].resources;
    const rb = requests[b[0]].resources;
    return rb.cpu - ra.cpu || rb.memoryMiB - ra.memoryMiB;
  });
}
