/**
 * A pool's dependencies: pools that grow with it by a ratio (scaling it by n adds
 * ceil(n × ratio) containers to the dependency). Each pool is listed once, never the pool
 * itself; cycles across pools are found when the stack resolves them (constructs/dependencies.ts).
 */
import { FieldPath, FieldProblem, isMapping } from "../fields";
import { nameProblems } from "./names";
import { NumberRule, listProblems, mappingProblems, numberProblems } from "./rule";

export const RATIO: NumberRule = { integer: false, exclusiveMinimum: 0 };

export function dependencyProblems(dependencies: unknown, pool: unknown, path: FieldPath = ["dependencies"]): FieldProblem[] {
  return listProblems(dependencies, path, (items) => {
    const problems = items.flatMap((d, i) =>
      mappingProblems(d, [...path, i], (dep) => [...nameProblems(dep.pool, [...path, i, "pool"]), ...numberProblems(RATIO, dep.ratio, [...path, i, "ratio"])]),
    );
    const first = new Map<unknown, number>();
    items.forEach((d, i) => {
      if (!isMapping(d) || typeof d.pool !== "string") return;
      if (d.pool === pool) problems.push({ path: [...path, i, "pool"], message: "a pool cannot depend on itself" });
      else if (first.has(d.pool)) problems.push({ path: [...path, i, "pool"], message: `"${d.pool}" is listed twice (also dependencies[${first.get(d.pool)}]); keep one ratio` });
      else first.set(d.pool, i);
    });
    return problems;
  });
}
