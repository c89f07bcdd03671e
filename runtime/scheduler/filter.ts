/** A filter decides whether a host can take a container (feasibility), as in Swarm's filter package. */
import { HostState } from "./host-state";
import { ContainerRequest } from "./types";

export interface Filter {
  /** Name used in `Unplaced.rejectedBy` and in reasons. */
  readonly name: string;
  /**
   * The answer depends only on the host as given and the request's rules, never on
   * placements made during the run, so the engine checks it once per host for each
   * group of identical requests and not again before each placement.
   */
  readonly static: boolean;
  accepts(host: HostState, request: ContainerRequest): boolean;
  /**
   * What in the rule the hosts this filter rejected ran into, for an unplaced
   * container's reason (e.g. "8080 in use"). Absent where the name says it all.
   */
  explain?(rejected: readonly HostState[], request: ContainerRequest): string;
}

/** Causes with how many hosts each stopped, most first: "8080 in use", or "8080 in use on 3, 8081 in use on 1". */
export function tally(causes: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const cause of causes) counts.set(cause, (counts.get(cause) ?? 0) + 1);
  if (counts.size === 1) return causes[0];
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([cause, n]) => `${cause} on ${n}`)
    .join(", ");
}
