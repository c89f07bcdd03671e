/**
 * The placement pipeline, the definition of the scheduler's behaviour: filters in order
 * (a rejected host counts under the first filter that rejects it), then the preference
 * tier (scorers/preference.ts), then the pool's strategy score, then the host's
 * position as the last tie-break.
 * Adding a rule is adding a unit under filters/ or strategies/ and listing it here.
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
import { Strategy } from "./strategy";
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

/**
 * The order in which feasible hosts take a container, over host positions: preference
 * tier, then strategy score, then position; negative when host a goes first. Tiers and
 * scores are looked up by host position (the engine keeps them up to date, the
 * reference computes them for each container).
 */
export function ranking(tier: ArrayLike<number>, score: ArrayLike<number>): (a: number, b: number) => number {
  return (a, b) => tier[a] - tier[b] || score[a] - score[b] || a - b;
}
