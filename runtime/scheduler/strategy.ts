/** A strategy ranks feasible hosts (Swarm's strategy package, Nomad's rank iterators). */
import { PlacementStrategy } from "../../model/desired-state";
import { HostState } from "./host-state";
import { ContainerRequest } from "./types";

/**
 * One ranking key of a feasible host: lower takes the container first. Depends only on
 * the host's own state, so a placement on one host never changes another host's keys.
 */
export type Scorer = (host: HostState, request: ContainerRequest) => number;

export interface Strategy {
  readonly name: PlacementStrategy;
  /**
   * Compared in order, among feasible hosts equal in preference tier and unmet
   * preferences: each scorer only breaks the ties of the ones before it, and the last
   * ones break ties the way the strategy means to (binpack: the host with most
   * containers, spread: fewest).
   */
  readonly scorers: readonly Scorer[];
}

/**
 * Equal shares reached along different float paths (3 containers on a 4-core host, 9 on
 * a 12-core one) can differ in the last bit; compared at a resolution of 2^-40 they tie,
 * so that the next scorer decides.
 */
export function shareKey(share: number): number {
  return Math.round(share * 2 ** 40) / 2 ** 40;
}
