/**
 * The autoscale rule of a pool: the bounds a reviewer approves (`min`, `max`), the metric
 * the controller tracks and its target per container, how fast it may move (cooldowns),
 * and scheduled minimums for planned events. One home for the rule: pool files, the
 * ServicePool construct and `--desired` files all check it here.
 */
import { CronExpressionParser } from "cron-parser";

/**
 * Requests per second per container, read from the entry tier's own statistics: the
 * entry pool's containers serve HAProxy's stats (CSV, or its Prometheus exporter) on one
 * of their ports, with one backend per upstream.
 */
export interface RequestsPerSecondMetric {
  kind: "requests-per-second";
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
  kind: "prometheus";
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

export type AutoscaleMetric = RequestsPerSecondMetric | PrometheusMetric;

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

/** The `autoscale` field as declared: the metric's and the schedule's own fields may be left to their defaults. */
export interface AutoscaleDefinition {
  min: number;
  max: number;
  metric: Partial<RequestsPerSecondMetric> & { kind: "requests-per-second"; entryPool: string } | (Partial<PrometheusMetric> & { kind: "prometheus"; url: string; series: string });
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
  requestsPerSecond: { port: "status", format: "haproxy-csv" as const, path: "/haproxy-stats;csv" },
  prometheus: { labels: {}, counter: false, per: "pool" as const },
  timezone: "UTC",
} as const;

/** One problem with the `autoscale` field, at a field path relative to the pool (`autoscale.max`). */
export interface AutoscaleProblem {
  field: string;
  message: string;
}

/** Every problem with a pool's autoscale rule; `pools` are the pool names the desired state defines. */
export function autoscaleProblems(def: AutoscaleDefinition, poolName: string, pools?: ReadonlySet<string>): AutoscaleProblem[] {
  const problems: AutoscaleProblem[] = [];
  const problem = (field: string, message: string) => problems.push({ field: `autoscale.${field}`, message });
  const count = (field: string, value: unknown) => {
    if (!Number.isInteger(value) || (value as number) < 0) problem(field, `must be a whole number >= 0 (got ${JSON.stringify(value)})`);
  };
  count("min", def.min);
  count("max", def.max);
  if (Number.isInteger(def.min) && Number.isInteger(def.max) && def.min > def.max) problem("min", `${def.min} is above max ${def.max}; min is the floor, max the ceiling`);
  if (!(typeof def.target === "number" && def.target > 0 && Number.isFinite(def.target))) problem("target", `must be a number > 0, the metric's target per container (got ${JSON.stringify(def.target)})`);
  for (const key of ["scaleOutCooldownSeconds", "scaleInCooldownSeconds"] as const) {
    const v = def[key];
    if (v !== undefined && !(typeof v === "number" && v >= 0)) problem(key.replace(/Seconds$/, ""), `must be a duration >= 0 (got ${JSON.stringify(v)})`);
  }
  problems.push(...metricProblems(def.metric, poolName, pools));
  (def.schedule ?? []).forEach((window, i) => problems.push(...windowProblems(window, i, def.max)));
  return problems;
}

function metricProblems(metric: AutoscaleDefinition["metric"], poolName: string, pools?: ReadonlySet<string>): AutoscaleProblem[] {
  const problems: AutoscaleProblem[] = [];
  const problem = (field: string, message: string) => problems.push({ field: `autoscale.metric.${field}`, message });
  if (metric.kind === "requests-per-second") {
    if (metric.entryPool === poolName) problem("entryPool", "is this pool itself; name the pool that routes its upstream (e.g. nginx-entry)");
    else if (pools && !pools.has(metric.entryPool)) problem("entryPool", `"${metric.entryPool}" is not a defined pool; name the entry tier's pool`);
    if (metric.path !== undefined && !metric.path.startsWith("/")) problem("path", `must start with "/" (got "${metric.path}")`);
  } else {
    let url: URL | undefined;
    try {
      url = new URL(metric.url);
    } catch {
      problem("url", `"${metric.url}" is not a URL; use e.g. http://10.0.0.5:9100/metrics`);
    }
    if (url && url.protocol !== "http:" && url.protocol !== "https:") problem("url", `must be http:// or https:// (got ${url.protocol})`);
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(metric.series)) problem("series", `"${metric.series}" is not a Prometheus metric name`);
  }
  return problems;
}

function windowProblems(window: NonNullable<AutoscaleDefinition["schedule"]>[number], i: number, max: number): AutoscaleProblem[] {
  const problems: AutoscaleProblem[] = [];
  const problem = (field: string, message: string) => problems.push({ field: `autoscale.schedule[${i}].${field}`, message });
  const timezone = window.timezone ?? AUTOSCALE_DEFAULTS.timezone;
  if (!isTimeZone(timezone)) problem("timezone", `"${timezone}" is not an IANA time zone, e.g. Asia/Shanghai`);
  else {
    const error = cronError(window.cron, timezone);
    if (error) problem("cron", `"${window.cron}" is not a cron expression (${error}); use minute hour day month weekday, e.g. "0 19 * * *"`);
  }
  if (!(window.durationSeconds > 0)) problem("duration", "must be a positive duration, e.g. 6h");
  if (!Number.isInteger(window.min) || window.min < 0) problem("min", `must be a whole number >= 0 (got ${JSON.stringify(window.min)})`);
  else if (Number.isInteger(max) && window.min > max) problem("min", `${window.min} is above autoscale.max ${max}; raise max (a reviewed ceiling) or lower this minimum`);
  return problems;
}

/** Why `cron` does not parse, or undefined when it does. Five fields: seconds are not scheduled. */
export function cronError(cron: string, timezone: string): string | undefined {
  if (cron.trim().split(/\s+/).length !== 5) return "it needs exactly five fields";
  try {
    CronExpressionParser.parse(cron, { tz: timezone, strict: false });
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The rule with its defaults applied (call after autoscaleProblems found nothing). */
export function resolveAutoscale(def: AutoscaleDefinition, poolName: string): AutoscaleSpec {
  const metric: AutoscaleMetric =
    def.metric.kind === "requests-per-second"
      ? { ...AUTOSCALE_DEFAULTS.requestsPerSecond, ...def.metric, kind: "requests-per-second", entryPool: def.metric.entryPool }
      : { ...AUTOSCALE_DEFAULTS.prometheus, ...def.metric, labels: { ...(def.metric.labels ?? {}) }, kind: "prometheus", url: def.metric.url, series: def.metric.series };
  return {
    min: def.min,
    max: def.max,
    metric,
    target: def.target,
    scaleOutCooldownSeconds: def.scaleOutCooldownSeconds ?? AUTOSCALE_DEFAULTS.scaleOutCooldownSeconds,
    scaleInCooldownSeconds: def.scaleInCooldownSeconds ?? AUTOSCALE_DEFAULTS.scaleInCooldownSeconds,
    schedule: (def.schedule ?? []).map((w, i) => ({
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
