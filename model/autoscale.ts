/**
 * A pool's autoscale rule as the runtime reads it: the bounds a reviewer approves (`min`,
 * `max`), the metric the controller tracks and its target per container, how fast it may
 * move (cooldowns), and scheduled minimums for planned events. Its checks are
 * model/pool-rules/autoscale.ts; a pool file writes the same shape (durations as "5m").
 */

/**
 * Requests per second per container, read from the entry tier's own statistics: the
 * entry pool's containers serve HAProxy's stats (CSV, or its Prometheus exporter) on one
 * of their ports, with one backend per upstream.
 */
export interface RequestsPerSecondMetric {
  /** The pool whose containers route this pool's upstream (e.g. nginx-entry). */
  entryPool: string;
  /** Name of the entry pool's port that serves the statistics. */
  port: string;
  /** haproxy-csv: HAProxy's `;csv` stats page; prometheus: HAProxy's Prometheus exporter. */
  format: "haproxy-csv" | "prometheus";
  /** HTTP path of the statistics on that port. */
  path: string;
}

/** Any Prometheus text-format URL: the sum of the series that match `labels`. */
export interface PrometheusMetric {
  url: string;
  /** Metric (series) name, e.g. feed_queue_depth. */
  series: string;
  /** Only series with these label values count. */
  labels: Record<string, string>;
  /** A counter: its rate per second (from two readings) is tracked, not its value. */
  counter: boolean;
  /** pool: the value is the pool's total, divided by its serving containers; container: it is already per container. */
  per: "pool" | "container";
}

/** Exactly one of the two. */
export type AutoscaleMetric = { requestsPerSecond: RequestsPerSecondMetric; prometheus?: undefined } | { prometheus: PrometheusMetric; requestsPerSecond?: undefined };

/** A minimum that holds from each time `cron` fires for `durationSeconds` (a planned event). */
export interface ScheduledMinimum {
  /** Shown in decisions, e.g. "spring-festival-gala". */
  name: string;
  /** Five-field cron expression (minute hour day month weekday) of each window's start. */
  cron: string;
  durationSeconds: number;
  /** At least this many replicas inside the window (never above `max`). */
  min: number;
  /** IANA time zone of the cron expression. */
  timezone: string;
}

export interface AutoscaleSpec {
  min: number;
  max: number;
  metric: AutoscaleMetric;
  /** Target of the metric per container; the controller keeps replicas at ceil(current × metric ÷ target). */
  target: number;
  /** Time after a scale-out before the next scale-out. */
  scaleOutCooldownSeconds: number;
  /** How long the metric must ask for fewer replicas before a scale-in (and the time after any scale-out). */
  scaleInCooldownSeconds: number;
  schedule: ScheduledMinimum[];
}

/** The `autoscale` field as declared: what has a default may be left out. */
export interface AutoscaleDefinition {
  min: number;
  max: number;
  metric: { requestsPerSecond: Partial<RequestsPerSecondMetric> & { entryPool: string } } | { prometheus: Partial<PrometheusMetric> & { url: string; series: string } };
  target: number;
  scaleOutCooldownSeconds?: number;
  scaleInCooldownSeconds?: number;
  schedule?: Array<Partial<ScheduledMinimum> & { cron: string; durationSeconds: number; min: number }>;
}

/** Documented defaults of `autoscale`. */
export const AUTOSCALE_DEFAULTS = {
  /** Scale out fast: a second step may follow 10 s after the first (the new containers' load shows by then). */
  scaleOutCooldownSeconds: 10,
  /** Scale in slowly: only after 5 min of lower load, and not within 5 min of a scale-out. */
  scaleInCooldownSeconds: 300,
  requestsPerSecond: { port: "status", format: "haproxy-csv", path: "/haproxy-stats;csv" } as const,
  prometheus: { counter: false, per: "pool" } as const,
  timezone: "UTC",
} as const;

/** The rule with its defaults applied (the rules in model/pool-rules/autoscale.ts hold). */
export function resolveAutoscale(def: AutoscaleDefinition, poolName: string): AutoscaleSpec {
  const metric: AutoscaleMetric =
    "requestsPerSecond" in def.metric
      ? { requestsPerSecond: { ...AUTOSCALE_DEFAULTS.requestsPerSecond, ...def.metric.requestsPerSecond } }
      : { prometheus: { ...AUTOSCALE_DEFAULTS.prometheus, ...def.metric.prometheus, labels: { ...(def.metric.prometheus?.labels ?? {}) } } };
  return {
    min: def.min,
    max: def.max,
    metric,
    target: def.target,
    scaleOutCooldownSeconds: def.scaleOutCooldownSeconds ?? AUTOSCALE_DEFAULTS.scaleOutCooldownSeconds,
    scaleInCooldownSeconds: def.scaleInCooldownSeconds ?? AUTOSCALE_DEFAULTS.scaleInCooldownSeconds,
    schedule: (Array.isArray(def.schedule) ? def.schedule : []).map((w, i) => ({
      name: w.name ?? `${poolName}-schedule-${i}`,
      cron: w.cron,
      durationSeconds: w.durationSeconds,
      min: w.min,
      timezone: w.timezone ?? AUTOSCALE_DEFAULTS.timezone,
    })),
  };
}

/** Replicas kept within the bounds: what a pool runs when the controller has not decided yet. */
export function clampReplicas(replicas: number, spec: Pick<AutoscaleSpec, "min" | "max">): number {
  return Math.min(spec.max, Math.max(spec.min, replicas));
}

/** The tracked metric's name in decisions and outputs: "requests-per-second" or the Prometheus series. */
export function metricName(metric: AutoscaleMetric): string {
  return metric.prometheus ? metric.prometheus.series : "requests-per-second";
}
