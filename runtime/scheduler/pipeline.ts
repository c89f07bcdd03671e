/**
 * The placement pipeline, the definition of the scheduler's behaviour: filters in order
 * (a rejected host counts under the first filter that rejects it), then the ranking of
 * the hosts that pass: the preference tier (scorers/preference.ts), then the soft
 * constraints they do not meet (scorers/soft-constraints.ts), then the pool's strategy's
 * scorers, then the host's position in node-name order as the last tie-break.
 * Adding a rule is adding a unit under filters/, scorers/ or strategies/ and listing it here.
 */
import { PlacementStrategy } from "../../model/desired-state";
import { Filter } from "./filter";
import { antiAffinity } from "./filters/anti-affinity";
import { constraint } from "./filters/constraint";
import { health } from "./filters/health";
import { idc } from "./filters/idc";
import { leaving } from "./filters/leaving";
import { port } from "./filters/port";
import { resources } from "./filters/resources";
import { HostState } from "./host-state";
import { preferenceTier } from "./scorers/preference";
import { unmetPreferences } from "./scorers/soft-constraints";
import { Scorer, Strategy } from "./strategy";
import { binpack } from "./strategies/binpack";
import { random } from "./strategies/random";
import { spread } from "./strategies/spread";
import { ContainerRequest } from "./types";

export const FILTERS: readonly Filter[] = [health, leaving, idc, constraint, antiAffinity, port, resources];
export const DYNAMIC_FILTERS = FILTERS.filter((f) => !f.static);

/** Whether every filter accepts the host (a plain loop: this runs for every host of every group). */
export function passes(filters: readonly Filter[], host: HostState, request: ContainerRequest): boolean {
  for (let i = 0; i < filters.length; i++) if (!filters[i].accepts(host, request)) return false;
  return true;
}

export const STRATEGIES: Record<PlacementStrategy, Strategy> = { binpack, spread, random };

/** The ranking keys of each strategy, most significant first. */
const RANKINGS = {} as Record<PlacementStrategy, readonly Scorer[]>;
for (const s of Object.values(STRATEGIES)) RANKINGS[s.name] = [preferenceTier, unmetPreferences, ...s.scorers];

/** Keys per host in a ranking table; a strategy with fewer leaves the rest 0. */
export const RANK_WIDTH = Math.max(...Object.values(RANKINGS).map((r) => r.length));

/** Writes a feasible host's ranking keys into its row of `keys` (RANK_WIDTH numbers per host position). */
export function rank(keys: Float64Array, host: HostState, request: ContainerRequest): void {
  const scorers = RANKINGS[request.strategy];
  const row = host.index * RANK_WIDTH;
  for (let k = 0; k < scorers.length; k++) keys[row + k] = scorers[k](host, request);
}

/**
 * The order in which feasible hosts take a container, over host positions: their keys
 * in order, then position; negative when host a goes first. The engine keeps the keys
 * up to date, the reference computes them for each container.
 */
export function ranking(keys: Float64Array): (a: number, b: number) => number {
  return (a, b) => {
    const ra = a * RANK_WIDTH;
    const rb = b * RANK_WIDTH;
    for (let k = 0; k < RANK_WIDTH; k++) {
      const d = keys[ra + k] - keys[rb + k];
      if (d < 0 || d > 0) return d;
    }
    return a - b;
  };
}
