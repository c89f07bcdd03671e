/**
 * How a pool rolls to a new spec: a disruption budget with the semantics of a Kubernetes
 * Deployment's RollingUpdate strategy.
 *
 * - `maxSurge`: containers the pool may run above its replicas while it rolls (new ones
 *   started beside the old ones they replace). A count or a percentage of replicas,
 *   rounded up.
 * - `maxUnavailable`: containers of the pool that may be out of service at once (old ones
 *   taken down before their replacement serves, where no spare host or port exists). A
 *   count or a percentage of replicas, rounded down. The healthy floor is
 *   replicas − maxUnavailable.
 * - `canary`: roll this many containers and stop, until `--promote` or a change of the pool.
 *
 * Both may not be 0 (nothing could move). Percentages that both round to 0 (a tiny pool)
 * allow one unavailable, as Kubernetes does, so that a roll always progresses.
 */
import { DcpError } from "./errors";

/** A count (`2`) or a percentage of replicas (`"25%"`). */
export type IntOrPercent = number | string;

export interface UpdateSpec {
  /** @default "25%" */
  maxSurge: IntOrPercent;
  /** @default "25%" */
  maxUnavailable: IntOrPercent;
  /** Containers rolled before the roll stops for review. @default none: the whole pool rolls */
  canary?: number;
}

export const UPDATE_DEFAULTS: UpdateSpec = { maxSurge: "25%", maxUnavailable: "25%" };

export interface UpdateBudget {
  /** Containers above replicas at once. */
  surge: number;
  /** Containers out of service at once. */
  unavailable: number;
  /** replicas − unavailable: the pool never serves from fewer through an apply it controls. */
  floor: number;
}

const PERCENT = /^(\d{1,3})%$/;

/** What is wrong with one budget value, or undefined; `field` names it in the message. */
export function intOrPercentProblem(value: unknown, field: string): string | undefined {
  if (typeof value === "number") return Number.isInteger(value) && value >= 0 ? undefined : `${field} must be a whole number >= 0 or a percentage such as "25%" (got ${value})`;
  if (typeof value === "string") {
    const m = PERCENT.exec(value);
    return m && Number(m[1]) <= 100 ? undefined : `${field} must be a whole number >= 0 or a percentage 0%-100% such as "25%" (got "${value}")`;
  }
  return `${field} must be a whole number >= 0 or a percentage such as "25%"`;
}

/** Problems of an update block as written (empty: fine). */
export function updateProblems(update: Partial<UpdateSpec>, at = "update"): string[] {
  const problems: string[] = [];
  for (const field of ["maxSurge", "maxUnavailable"] as const) {
    if (update[field] === undefined) continue;
    const p = intOrPercentProblem(update[field], `${at}.${field}`);
    if (p) problems.push(p);
  }
  const zero = (v: IntOrPercent | undefined) => v === 0 || v === "0%";
  if (zero(update.maxSurge) && zero(update.maxUnavailable)) {
    problems.push(`${at}.maxUnavailable may not be 0 when maxSurge is 0: nothing could move; allow a surge or one unavailable`);
  }
  if (update.canary !== undefined && !(Number.isInteger(update.canary) && update.canary >= 1)) {
    problems.push(`${at}.canary must be a whole number >= 1: the containers rolled before the roll stops (got ${update.canary})`);
  }
  return problems;
}

function resolve(value: IntOrPercent, replicas: number, roundUp: boolean): number {
  if (typeof value === "number") return value;
  const share = (Number(PERCENT.exec(value)![1]) * replicas) / 100;
  return roundUp ? Math.ceil(share) : Math.floor(share);
}

/** The budget of a pool of `replicas` (K8s fenceposts: surge rounds up, unavailable down). */
export function updateBudget(update: Partial<UpdateSpec> | undefined, replicas: number): UpdateBudget {
  const spec = { ...UPDATE_DEFAULTS, ...(update ?? {}) };
  const problems = updateProblems(spec);
  if (problems.length > 0) throw new DcpError(problems.join("; "));
  const surge = resolve(spec.maxSurge, replicas, true);
  let unavailable = Math.min(replicas, resolve(spec.maxUnavailable, replicas, false));
  if (surge === 0 && unavailable === 0 && replicas > 0) unavailable = 1;
  return { surge, unavailable, floor: replicas - unavailable };
}
