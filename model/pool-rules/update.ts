/**
 * How a pool rolls and stops (model/rollout.ts): maxSurge and maxUnavailable are each a
 * count or a percentage of replicas, and not both 0 (nothing could move); stopGracePeriod
 * (seconds, named as a pool file names it) is more than none; a canary is at least one container.
 */
import { FieldPath, FieldProblem } from "../fields";
import { NumberRule, PatternRule, SECONDS, mappingProblems, numberProblems, patternProblems } from "./rule";

export const BUDGET_COUNT: NumberRule = { integer: true, minimum: 0 };
export const CANARY_COUNT: NumberRule = { integer: true, minimum: 1 };
export const BUDGET_PERCENTAGE: PatternRule = { pattern: /^(100|[1-9]?[0-9])%$/, message: "must be a percentage 0%-100% such as 25%" };

/** A count (`2`) or a percentage (`"25%"`). */
function budgetProblems(value: unknown, path: FieldPath): FieldProblem[] {
  if (value === undefined) return [];
  if (typeof value === "string") return patternProblems(BUDGET_PERCENTAGE, value, path);
  return numberProblems(BUDGET_COUNT, value, path);
}

const isZero = (v: unknown) => v === 0 || v === "0%";

export function updateProblems(update: unknown, path: FieldPath = ["update"]): FieldProblem[] {
  return mappingProblems(update, path, (u) => [
    ...budgetProblems(u.maxSurge, [...path, "maxSurge"]),
    ...budgetProblems(u.maxUnavailable, [...path, "maxUnavailable"]),
    ...(u.canary === undefined ? [] : numberProblems(CANARY_COUNT, u.canary, [...path, "canary"])),
    ...(isZero(u.maxSurge) && isZero(u.maxUnavailable) ? [{ path: [...path, "maxUnavailable"], message: "may not be 0 when maxSurge is 0: nothing could move; allow a surge or one unavailable" }] : []),
  ]);
}

export function stopGraceProblems(seconds: unknown, path: FieldPath = ["stopGracePeriod"]): FieldProblem[] {
  return seconds === undefined ? [] : numberProblems(SECONDS, seconds, path);
}
