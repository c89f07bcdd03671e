/** A strategy ranks feasible hosts (Swarm's strategy package, Nomad's rank iterators). */
import { PlacementStrategy } from "../../model/desired-state";
import { HostState } from "./host-state";
import { ContainerRequest } from "./types";

export interface Strategy {
  readonly name: PlacementStrategy;
  /**
   * Negative when host a should take the container before host b; both are feasible
   * and in the same preference tier. Must depend only on each host's own state, so
   * that a placement on one host never reorders the others.
   */
  compare(a: HostState, b: HostState, request: ContainerRequest): number;
}
