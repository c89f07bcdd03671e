/**
 * The scheduler: pure, deterministic for a seed. For binpack and spread it gives
 * exactly the placements of running the pipeline (pipeline.ts) over every host for
 * every container, as the reference in bench/reference-scheduler.ts does (for random,
 * the same distribution: uniform over feasible hosts), without doing that work:
 *
 * - identical requests are placed as one group (order.ts); the filters run once per
 *   host for the group, and the hosts that pass sit in a heap ordered by the ranking
 *   (pipeline.ts: preference tier, unmet preferences, the strategy's scorers, position),
 *   the keys kept in one typed array;
 * - only the top of the heap is checked again, against the dynamic filters (the static
 *   ones cannot change). A host that fails them is dropped for the rest of the group:
 *   within a group hosts only fill up, so it can never fit an identical container again;
 * - after a placement only the winner's state changed, so its keys (a buffer host
 *   becomes assigned) are recomputed and one sift restores the order.
 *
 * A group of n containers over h hosts costs O(h + n·log h) instead of O(n·h).
 */
import { CandidateHeap } from "./candidate-heap";
import { Rejections, rejections, unplaced } from "./explain";
import { hostStates } from "./host-state";
import { placementGroups } from "./order";
import { DYNAMIC_FILTERS, FILTERS, RANK_WIDTH, passes, rank, ranking } from "./pipeline";
import { Outcome, scheduleResult } from "./result";
import { mulberry32 } from "./rng";
import { freshDraw, redrawWinner } from "./strategies/random";
import { ContainerRequest, ScheduleResult, SchedulerHost } from "./types";

export * from "./types";
export { parseConstraint } from "../../model/pool-rules/constraints";

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
  const keys = new Float64Array(states.length * RANK_WIDTH);
  const before = ranking(keys);
  for (const group of placementGroups(requests)) {
    const request = requests[group[0]];
    const random = request.strategy === "random";
    const candidates: number[] = [];
    for (const host of states) {
      if (!passes(FILTERS, host, request)) continue;
      if (random) host.draw = freshDraw(rng);
      rank(keys, host, request);
      candidates.push(host.index);
    }
    const heap = new CandidateHeap(Int32Array.from(candidates), before);
    let why: Rejections | undefined;
    for (const i of group) {
      let top = heap.top();
      while (top >= 0 && !passes(DYNAMIC_FILTERS, states[top], request)) {
        heap.pop();
        top = heap.top();
      }
      if (top < 0) {
        // Nothing changes for the rest of the group either: explain once.
        why ??= rejections(states, request);
        outcomes[i] = unplaced(requests[i], states.length, why);
        continue;
      }
      const host = states[top];
      host.place(request);
      if (random) redrawWinner(host, rng);
      rank(keys, host, request);
      heap.topChanged();
      outcomes[i] = host.host.node;
    }
  }
  return scheduleResult(requests, outcomes);
}
