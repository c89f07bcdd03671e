/** A strategy scores feasible hosts (Swarm's strategy package, Nomad's rank iterators). */
import { PlacementStrategy } from "../../model/desired-state";
import { HostState } from "./host-state";
import { ContainerRequest } from "./types";

export interface Strategy {
  readonly name: PlacementStrategy;
  /**
   * Lower takes the container first, among feasible hosts of the same preference tier.
   * Depends only on the host's own state, so a placement on one host never changes
   * another host's score.
   */
  score(host: HostState, request: ContainerRequest): number;
}
