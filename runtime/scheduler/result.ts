import { ContainerRequest, ScheduleResult, Unplaced } from "./types";

/** What became of each request, by request index. */
export type Outcome = string | Unplaced;

/** Placements and unplaced containers in the order the requests were given. */
export function scheduleResult(requests: ContainerRequest[], outcomes: Outcome[]): ScheduleResult {
  const result: ScheduleResult = { placements: [], unplaced: [] };
  requests.forEach((r, i) => {
    const outcome = outcomes[i];
    if (typeof outcome === "string") result.placements.push({ pool: r.pool, instance: r.instance, node: outcome });
    else result.unplaced.push(outcome);
  });
  return result;
}
