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
 *
 * - `canary`: a canary (DCP's 单机灰度): a roll to a new spec moves only this many instances
 *   (the lowest) and stops; `dcp apply --promote` (or a pool file without it) rolls the rest,
 *   `dcp apply --abort` returns them to the old spec. Not part of the spec hash.
 *
 * Both may not be 0 (nothing could move; model/pool-rules/update.ts). Percentages that both round to 0 (a tiny pool)
 * allow one unavailable, as Kubernetes does, so that a roll always progresses.
 */
import { DcpError } from "./errors";
import { formatFieldPath } from "./fields";
import { updateProblems } from "./pool-rules/update";

/** A count (`2`) or a percentage of replicas (`"25%"`). */
export type IntOrPercent = number | string;

export interface UpdateSpec {
  /** @default "25%" */
  maxSurge: IntOrPercent;
  /** @default "25%" */
  maxUnavailable: IntOrPercent;
  /** @default undefined: no canary, the roll goes through */
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

function resolve(value: IntOrPercent, replicas: number, roundUp: boolean): number {
  if (typeof value === "number") return value;
  const share = (Number(PERCENT.exec(value)![1]) * replicas) / 100;
  return roundUp ? Math.ceil(share) : Math.floor(share);
}

/** The budget of a pool of `replicas` (K8s fenceposts: surge rounds up, unavailable down). */
export function updateBudget(update: Partial<UpdateSpec> | undefined, replicas: number): UpdateBudget {
  const spec = { ...UPDATE_DEFAULTS, ...(update ?? {}) };
  const problems = updateProblems(spec);
  if (problems.length > 0) throw new DcpError(problems.map((p) => `${formatFieldPath(p.path)} ${p.message}`).join("; "));
  const surge = resolve(spec.maxSurge, replicas, true);
  let unavailable = Math.min(replicas, resolve(spec.maxUnavailable, replicas, false));
  if (surge === 0 && unavailable === 0 && replicas > 0) unavailable = 1;
  return { surge, unavailable, floor: replicas - unavailable };
}
