/**
 * The decision log: one entry per pool whose replicas a controller step changed, saying
 * why — the metric and its target, the containers before and after, and the arithmetic —
 * and one per buffer refill (`pool` is then the fleet, before/after its hosts).
 */
import { ScaleKind } from "./rule";

export interface Decision {
  /** ISO time of the step. */
  at: string;
  pool: string;
  /** "dependency": the pool moved because a pool that depends on it did (its ratio). */
  kind: Exclude<ScaleKind, "hold"> | "dependency" | "buffer-refill";
  /** The tracked metric, e.g. "requests-per-second" or a Prometheus series name. */
  metric?: string;
  /** The metric per container when the step ran. */
  value?: number;
  target?: number;
  /** The pool's containers (own plus those its dependents add) before and after. */
  before: number;
  after: number;
  why: string;
}

export function formatDecision(d: Decision): string {
  const metric = d.metric === undefined ? "" : ` ${d.metric} ${d.value === undefined ? "?" : +d.value.toFixed(2)}/container (target ${d.target})`;
  return `${d.at} ${d.pool} ${d.kind} ${d.before} → ${d.after}${metric}: ${d.why}`;
}
