/**
 * The scaling rule of one pool, pure: target tracking within the pool's bounds.
 *
 *   recommended = ceil(containers × metric ÷ target), then within [floor, max]
 *
 * where `containers` is what the metric was averaged over and the floor is `min` or an
 * open scheduled minimum, whichever is higher. The bounds apply to the pool's own
 * replicas; replicas that dependents add through their ratio come on top, so the rule
 * subtracts them from the total it wants.
 *
 * Scale out fast: at once, then not again within the scale-out cooldown. Scale in slowly:
 * to the highest recommendation seen during the scale-in cooldown (a brief dip does not
 * scale in), only once the controller has watched the pool that long, and not within that
 * time of a scale-out. A floor that rises (a schedule window opens) or a max that falls
 * (a reviewed change) applies at once.
 */
import { AutoscaleSpec } from "../../model/autoscale";
import { scheduledMinimum } from "./schedule";

/** A metric's total over the pool, and how many serving containers share it. */
export interface MetricReading {
  total: number;
  containers: number;
}

/** The metric per container (the total itself when no container serves). */
export function perContainer(reading: MetricReading): number {
  return reading.containers > 0 ? reading.total / reading.containers : reading.total;
}

/** Recommendations of the last scale-in cooldown, kept by the controller between ticks. */
export interface RecommendationHistory {
  /** Since when (ms) this controller has recommended for the pool: a new leader knows nothing older. */
  since: number;
  entries: Array<{ at: number; replicas: number }>;
}

export interface ScaleInput {
  spec: AutoscaleSpec;
  /** The pool's own replicas now (what the controller or the deploy set). */
  current: number;
  /** Replicas added by pools that depend on this one. */
  contributed: number;
  /** Absent: the metric could not be read (`readError` says why); the bounds still hold. */
  reading?: MetricReading;
  readError?: string;
  now: number;
  lastScaleOutAt?: number;
  history: RecommendationHistory;
}

export type ScaleKind = "scale-out" | "scale-in" | "hold";

export interface ScaleDecision {
  /** The pool's own replicas after this step. */
  replicas: number;
  kind: ScaleKind;
  /** What the metric alone asks for, within the bounds. */
  recommended: number;
  why: string;
  history: RecommendationHistory;
}

/** A reading within 10 % of the target changes nothing, so noise does not move the pool. */
export const TOLERANCE = 0.1;

interface Bounds {
  floor: number;
  ceiling: number;
  /** Why the floor is what it is, e.g. "min 2" or "schedule spring-gala (min 30 until …)". */
  floorWhy: string;
}

function boundsAt(spec: AutoscaleSpec, now: number): Bounds {
  const window = scheduledMinimum(spec.schedule, new Date(now));
  if (window && window.window.min > spec.min) {
    const floor = Math.min(spec.max, window.window.min);
    return { floor, ceiling: spec.max, floorWhy: `schedule ${window.window.name} (min ${window.window.min} until ${window.until.toISOString()})` };
  }
  return { floor: spec.min, ceiling: spec.max, floorWhy: `min ${spec.min}` };
}

const clamp = (n: number, b: Bounds) => Math.min(b.ceiling, Math.max(b.floor, n));
const round = (n: number) => +n.toFixed(2);

/** What the metric alone asks for (own replicas, within the bounds), and the arithmetic behind it. */
function recommend(input: ScaleInput, bounds: Bounds): { replicas: number; why: string } {
  const { reading, spec, current, contributed } = input;
  if (!reading) return { replicas: clamp(current, bounds), why: `no metric reading (${input.readError ?? "none yet"}): holding within the bounds` };
  const value = perContainer(reading);
  if (reading.containers > 0 && Math.abs(value / spec.target - 1) <= TOLERANCE) {
    return { replicas: clamp(current, bounds), why: `${round(value)} per container over ${reading.containers} is within ${TOLERANCE * 100}% of the target ${spec.target}` };
  }
  const wanted = Math.ceil(reading.total / spec.target - 1e-9);
  const own = Math.max(0, wanted - contributed);
  const less = contributed > 0 ? ` − ${contributed} from dependents` : "";
  return {
    replicas: clamp(own, bounds),
    why: `${round(value)} per container over ${reading.containers} against target ${spec.target}: ceil(${round(reading.total)} ÷ ${spec.target})${less} = ${own}`,
  };
}

function pruned(history: RecommendationHistory, now: number, windowMs: number, replicas: number): RecommendationHistory {
  return { since: history.since, entries: [...history.entries.filter((e) => e.at > now - windowMs), { at: now, replicas }] };
}

/** One step of the rule for one pool. */
export function decideScale(input: ScaleInput): ScaleDecision {
  const { spec, current, now } = input;
  const bounds = boundsAt(spec, now);
  const rec = recommend(input, bounds);
  const windowMs = spec.scaleInCooldownSeconds * 1000;
  const history = pruned(input.history, now, windowMs, rec.replicas);
  const decision = (replicas: number, kind: ScaleKind, why: string): ScaleDecision => ({ replicas, kind, recommended: rec.replicas, why, history });

  if (current < bounds.floor) return decision(bounds.floor, "scale-out", `below the floor, ${bounds.floorWhy}; ${rec.why}`);
  if (current > bounds.ceiling) return decision(bounds.ceiling, "scale-in", `above max ${bounds.ceiling}; ${rec.why}`);
  if (rec.replicas > current) return scaleOut(input, rec, decision);
  if (rec.replicas < current) return scaleIn(input, history, rec, decision);
  return decision(current, "hold", rec.why);
}

type Decide = (replicas: number, kind: ScaleKind, why: string) => ScaleDecision;

function scaleOut(input: ScaleInput, rec: { replicas: number; why: string }, decision: Decide): ScaleDecision {
  const since = input.lastScaleOutAt === undefined ? Infinity : (input.now - input.lastScaleOutAt) / 1000;
  if (since < input.spec.scaleOutCooldownSeconds) {
    return decision(input.current, "hold", `${rec.why}; scale-out cooldown: ${Math.ceil(input.spec.scaleOutCooldownSeconds - since)} s left`);
  }
  return decision(rec.replicas, "scale-out", rec.why);
}

function scaleIn(input: ScaleInput, history: RecommendationHistory, rec: { replicas: number; why: string }, decision: Decide): ScaleDecision {
  const { spec, now, current } = input;
  const cooldown = spec.scaleInCooldownSeconds;
  const watched = (now - history.since) / 1000;
  if (watched < cooldown) return decision(current, "hold", `${rec.why}; scale-in waits for ${cooldown} s of lower load (watched ${Math.floor(watched)} s)`);
  const sinceOut = input.lastScaleOutAt === undefined ? Infinity : (now - input.lastScaleOutAt) / 1000;
  if (sinceOut < cooldown) return decision(current, "hold", `${rec.why}; scale-in cooldown: ${Math.ceil(cooldown - sinceOut)} s since the last scale-out left`);
  const highest = Math.max(...history.entries.map((e) => e.replicas));
  if (highest >= current) return decision(current, "hold", `${rec.why}; the last ${cooldown} s asked for up to ${highest}`);
  return decision(highest, "scale-in", `${rec.why}; the highest recommendation of the last ${cooldown} s is ${highest}`);
}
