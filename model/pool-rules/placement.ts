/** How a pool's containers are spread over hosts: a strategy, anti-affinity, constraints. */
import { PlacementStrategy } from "../desired-state";
import { FieldPath, FieldProblem } from "../fields";
import { constraintProblems } from "./constraints";
import { mappingProblems, oneOfProblems } from "./rule";

/** binpack fills hosts, spread evens them out, random picks any host that fits. */
export const PLACEMENT_STRATEGIES: readonly PlacementStrategy[] = ["binpack", "spread", "random"];

/** host: at most one container of the pool per host. */
export const ANTI_AFFINITIES = ["host"] as const;

export function placementProblems(placement: unknown, path: FieldPath = ["placement"]): FieldProblem[] {
  return mappingProblems(placement, path, (p) => [
    ...(p.strategy === undefined ? [] : oneOfProblems(PLACEMENT_STRATEGIES, p.strategy, [...path, "strategy"])),
    ...(p.antiAffinity === undefined ? [] : oneOfProblems(ANTI_AFFINITIES, p.antiAffinity, [...path, "antiAffinity"])),
    ...constraintProblems(p.constraints, [...path, "constraints"]),
  ]);
}
