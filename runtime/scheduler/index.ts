/**
 * The scheduler: pure, deterministic for a seed. It gives exactly the placements of
 * running the pipeline (pipeline.ts) over every host for every container, as the
 * reference in bench/reference-scheduler.ts does, without doing that work:
 *
 * - identical requests are placed as one group (order.ts); the filters run once per
 *   host for the group, and the hosts that pass sit in a heap ordered by the ranking
 *   (preference tier, strategy, position);
 * - only the top of the heap is checked again, against the dynamic filters (the static
 *   ones cannot change). A host that fails them is dropped for the rest of the group:
 *   within a group hosts only fill up, so it can never fit an identical container again;
 * - after a placement only the winner's state (and tier: a buffer host becomes assigned)
 *   changed, so one sift restores the order.
 *
 * A group of n containers over h hosts costs O(h + n·log h) instead of O(n·h).
 */
import { CandidateHeap } from "./candidate-heap";
import { rejections, unplaced } from "./explain";
import { hostStates } from "./host-state";
import { placementGroups } from "./order";
import { DYNAMIC_FILTERS, FILTERS, STRATEGIES, rank } from "./pipeline";
import { Outcome, scheduleResult } from "./result";
import { mulberry32 } from "./rng";
import { preferenceTier } from "./scorers/preference";
import { redrawWinner } from "./strategies/random";
import { ContainerRequest, ScheduleResult, SchedulerHost } from "./types";

export * from "./types";
export { parseConstraint } from "./filters/constraint";

export interface ScheduleOptions {
  /** Seed of the random strategy (default 1). */
  seed?: number;
}

export function schedule(
  hosts: SchedulerHost[],
  requests: ContainerRequest[],
  options: ScheduleOptions = {}
): ScheduleResult {
  const states = hostStates(hosts);
  const rng = mulberry32(options.seed ?? 1);
  const outcomes: Outcome[] = new Array(requests.length);
  const tiers = new Int32Array(states.length);
  for (const group of placementGroups(requests)) {
    const request = requests[group[0]];
    const strategy = STRATEGIES[request.strategy];
    const candidates = states.filter((host) => FILTERS.every((f) => f.accepts(host, request)));
    for (const host of candidates) {
      tiers[host.index] = preferenceTier(host, request);
      if (strategy.name === "random") host.draw = rng();
    }
    const heap = new CandidateHeap(candidates, (a, b) => rank(strategy, request, a, tiers[a.index], b, tiers[b.index]));
    let rejectedBy: Record<string, number> | undefined;
    for (const i of group) {
      let host = heap.peek();
      while (host && !DYNAMIC_FILTERS.every((f) => f.accepts(host!, request))) {
        heap.pop();
        host = heap.peek();
      }
      if (!host) {
        // Nothing changes for the rest of the group either: explain once.
        rejectedBy ??= rejections(states, request);
        outcomes[i] = unplaced(requests[i], states.length, rejectedBy);
        continue;
      }
      host.place(request);
      tiers[host.index] = preferenceTier(host, request);
      if (strategy.name === "random") redrawWinner(host, rng);
      heap.topChanged();
      outcomes[i] = host.host.node;
    }
  }
  return scheduleResult(requests, outcomes);
}
