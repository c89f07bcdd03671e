/**
 * The placement pipeline, the definition of the scheduler's behaviour: filters in order
 * (a rejected host counts under the first filter that rejects it), then the preference
 * tier (scorers/preference.ts), then the pool's strategy, then the host's position as the last tie-break.
 * Adding a rule is adding a unit under filters/ or strategies/ and listing it here.
 */
import { PlacementStrategy } from "../../model/desired-state";
import { Filter } from "./filter";
import { antiAffinity } from "./filters/anti-affinity";
import { constraint } from "./filters/constraint";
import { health } from "./filters/health";
import { idc } from "./filters/idc";
import { port } from "./filters/port";
import { resources } from "./filters/resources";
import { HostState } from "./host-state";
import { Strategy } from "./strategy";
import { binpack } from "./strategies/binpack";
import { random } from "./strategies/random";
import { spread } from "./strategies/spread";
import { ContainerRequest } from "./types";

export const FILTERS: readonly Filter[] = [health, idc, constraint, antiAffinity, port, resources];
export const DYNAMIC_FILTERS = FILTERS.filter((f) => !f.static);

export const STRATEGIES: Record<PlacementStrategy, Strategy> = { binpack, spread, random };

/**
 * Negative when host a ranks before b; a total order over feasible hosts. Tiers come
 * from `preferenceTier`, passed in so that the engine can compute them once per host.
 */
export function rank(
  strategy: Strategy,
  request: ContainerRequest,
  a: HostState,
  tierA: number,
  b: HostState,
  tierB: number
): number {
  return tierA - tierB || strategy.compare(a, b, request) || a.index - b.index;
}
