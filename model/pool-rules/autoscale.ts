/**
 * A pool's autoscale rule (model/autoscale.ts): whole-number bounds with min ≤ max, a
 * target > 0, one metric (the entry tier's requests per second, or a Prometheus URL), cooldowns
 * in seconds (named scaleOutCooldown and scaleInCooldown as in a pool file), and schedule
 * windows whose cron expression parses in a real time zone and whose minimum stays within max.
 */
import { CronExpressionParser } from "cron-parser";
import { FieldPath, FieldProblem, describeValue, isMapping } from "../fields";
import { nameProblems } from "./names";
import { NumberRule, PatternRule, SECONDS, listProblems, mappingProblems, numberProblems, oneOfProblems, patternProblems } from "./rule";

/** min, max and a window's min. */
export const AUTOSCALE_COUNT: NumberRule = { integer: true, minimum: 0 };
export const AUTOSCALE_TARGET: NumberRule = { integer: false, exclusiveMinimum: 0 };
export const COOLDOWN: NumberRule = { integer: false, minimum: 0 };
export const METRIC_FORMATS = ["haproxy-csv", "prometheus"] as const;
export const METRIC_PER = ["pool", "container"] as const;
export const SERIES: PatternRule = { pattern: /^[a-zA-Z_:][a-zA-Z0-9_:]*$/, message: "must be a Prometheus metric name, e.g. feed_queue_depth" };
export const STATS_PATH: PatternRule = { pattern: /^\//, message: "must be an HTTP path starting with '/', e.g. /haproxy-stats;csv" };
export const PORT_NAME_REF: PatternRule = { pattern: /^[A-Za-z][A-Za-z0-9_]*$/, message: "must name one of the entry pool's ports, e.g. status" };

export function autoscaleProblems(autoscale: unknown, pool: unknown, upstream: unknown, path: FieldPath = ["autoscale"]): FieldProblem[] {
  return mappingProblems(autoscale, path, (a) => [
    ...numberProblems(AUTOSCALE_COUNT, a.min, [...path, "min"]),
    ...numberProblems(AUTOSCALE_COUNT, a.max, [...path, "max"]),
    ...(typeof a.min === "number" && typeof a.max === "number" && a.min > a.max ? [{ path: [...path, "min"], message: `${a.min} is above max ${a.max}; min is the floor, max the ceiling` }] : []),
    ...numberProblems(AUTOSCALE_TARGET, a.target, [...path, "target"]),
    ...(a.scaleOutCooldownSeconds === undefined ? [] : numberProblems(COOLDOWN, a.scaleOutCooldownSeconds, [...path, "scaleOutCooldown"])),
    ...(a.scaleInCooldownSeconds === undefined ? [] : numberProblems(COOLDOWN, a.scaleInCooldownSeconds, [...path, "scaleInCooldown"])),
    ...metricProblems(a.metric, pool, upstream, [...path, "metric"]),
    ...listProblems(a.schedule, [...path, "schedule"], (windows) => windows.flatMap((w, i) => windowProblems(w, a.max, [...path, "schedule", i]))),
  ]);
}

function metricProblems(metric: unknown, pool: unknown, upstream: unknown, path: FieldPath): FieldProblem[] {
  if (!isMapping(metric)) return [{ path, message: `must be a mapping with requestsPerSecond or prometheus (got ${describeValue(metric)})` }];
  const kinds = ["requestsPerSecond", "prometheus"].filter((k) => metric[k] !== undefined);
  if (kinds.length !== 1) return [{ path, message: `needs exactly one of requestsPerSecond and prometheus (got ${kinds.length === 0 ? "neither" : "both"})` }];
  if (metric.requestsPerSecond !== undefined) {
    const at = [...path, "requestsPerSecond"];
    const needsUpstream = upstream === undefined ? [{ path: at, message: "needs the pool's upstream: the entry tier counts requests per upstream backend; add upstream" }] : [];
    return [...needsUpstream, ...mappingProblems(metric.requestsPerSecond, at, (m) => requestsProblems(m, pool, at))];
  }
  return mappingProblems(metric.prometheus, [...path, "prometheus"], (m) => prometheusProblems(m, [...path, "prometheus"]));
}

function requestsProblems(m: Record<string, unknown>, pool: unknown, path: FieldPath): FieldProblem[] {
  return [
    ...(m.entryPool !== undefined && m.entryPool === pool ? [{ path: [...path, "entryPool"], message: "is this pool itself; name the pool that routes its upstream (e.g. nginx-entry)" }] : nameProblems(m.entryPool, [...path, "entryPool"])),
    ...(m.port === undefined ? [] : patternProblems(PORT_NAME_REF, m.port, [...path, "port"])),
    ...(m.format === undefined ? [] : oneOfProblems(METRIC_FORMATS, m.format, [...path, "format"])),
    ...(m.path === undefined ? [] : patternProblems(STATS_PATH, m.path, [...path, "path"])),
  ];
}

function prometheusProblems(m: Record<string, unknown>, path: FieldPath): FieldProblem[] {
  return [
    ...urlProblems(m.url, [...path, "url"]),
    ...patternProblems(SERIES, m.series, [...path, "series"]),
    ...mappingProblems(m.labels, [...path, "labels"], (labels) =>
      Object.entries(labels).flatMap(([k, v]) => (typeof v === "string" ? [] : [{ path: [...path, "labels", k], message: `must be a string (got ${describeValue(v)})` }])),
    ),
    ...(m.counter === undefined || typeof m.counter === "boolean" ? [] : [{ path: [...path, "counter"], message: `must be true or false (got ${describeValue(m.counter)})` }]),
    ...(m.per === undefined ? [] : oneOfProblems(METRIC_PER, m.per, [...path, "per"])),
  ];
}

function urlProblems(url: unknown, path: FieldPath): FieldProblem[] {
  const wrong = [{ path, message: `must be an http:// or https:// URL, e.g. http://10.0.0.5:9100/metrics (got ${describeValue(url)})` }];
  if (typeof url !== "string") return wrong;
  try {
    const protocol = new URL(url).protocol;
    return protocol === "http:" || protocol === "https:" ? [] : wrong;
  } catch {
    return wrong;
  }
}

function windowProblems(window: unknown, max: unknown, path: FieldPath): FieldProblem[] {
  return mappingProblems(window, path, (w) => {
    const problems = [...numberProblems(AUTOSCALE_COUNT, w.min, [...path, "min"]), ...numberProblems(SECONDS, w.durationSeconds, [...path, "duration"])];
    if (problems.length === 0 && typeof max === "number" && (w.min as number) > max) {
      problems.push({ path: [...path, "min"], message: `${w.min} is above autoscale.max ${max}; raise max (a reviewed ceiling) or lower this minimum` });
    }
    if (w.name !== undefined && typeof w.name !== "string") problems.push({ path: [...path, "name"], message: `must be a string (got ${describeValue(w.name)})` });
    const timezone = w.timezone ?? "UTC";
    if (typeof timezone !== "string" || !isTimeZone(timezone)) return [...problems, { path: [...path, "timezone"], message: `must be an IANA time zone, e.g. Asia/Shanghai (got ${describeValue(timezone)})` }];
    const error = cronError(w.cron, timezone);
    if (error) problems.push({ path: [...path, "cron"], message: `must be a cron expression of five fields (minute hour day month weekday), e.g. "0 19 * * *": ${error} (got ${describeValue(w.cron)})` });
    return problems;
  });
}

/** Why `cron` does not parse, or undefined when it does. */
export function cronError(cron: unknown, timezone: string): string | undefined {
  if (typeof cron !== "string") return "not a string";
  if (cron.trim().split(/\s+/).length !== 5) return "it needs exactly five fields";
  try {
    CronExpressionParser.parse(cron, { tz: timezone });
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
