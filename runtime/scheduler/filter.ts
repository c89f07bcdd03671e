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
}
