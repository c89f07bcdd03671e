/**
 * Prometheus text format (what /metrics endpoints serve, HAProxy's exporter included),
 * read with parse-prometheus-text-format into flat series. Histograms and summaries give
 * their `_count` and `_sum` series, which is what a rate of requests needs.
 */
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { DcpError } from "../../../model/errors";

export interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SPECIAL = new Set(["NaN", "+Inf", "-Inf", "Inf"]);

function number(raw: string | undefined, name: string, source: string): number {
  const value = Number(raw === "+Inf" || raw === "Inf" ? Infinity : raw === "-Inf" ? -Infinity : raw);
  if (raw === undefined || (Number.isNaN(value) && !SPECIAL.has(raw))) {
    throw new DcpError(`${source}: series ${name} has the value ${JSON.stringify(raw)}, which is not a number; is this Prometheus text format?`);
  }
  return value;
}

/** Every series of a text-format page; `source` (a URL) names the page in errors. */
export function parsePrometheus(text: string, source: string): Series[] {
  let families: ReturnType<typeof parsePrometheusTextFormat>;
  try {
    // The parser drops a last line that has no newline after it.
    families = parsePrometheusTextFormat(text.endsWith("\n") ? text : `${text}\n`);
  } catch (err) {
    throw new DcpError(`${source}: not Prometheus text format: ${(err as Error).message}`);
  }
  const series: Series[] = [];
  for (const family of families) {
    for (const sample of family.metrics) {
      const labels = sample.labels ?? {};
      if (family.type === "HISTOGRAM" || family.type === "SUMMARY") {
        series.push({ name: `${family.name}_count`, labels, value: number(sample.count, `${family.name}_count`, source) });
        series.push({ name: `${family.name}_sum`, labels, value: number(sample.sum, `${family.name}_sum`, source) });
      } else {
        series.push({ name: family.name, labels, value: number(sample.value, family.name, source) });
      }
    }
  }
  return series;
}

/** Series named `name` whose labels include every pair of `labels`. */
export function matching(series: Series[], name: string, labels: Record<string, string> = {}): Series[] {
  const wanted = Object.entries(labels);
  return series.filter((s) => s.name === name && wanted.every(([k, v]) => s.labels[k] === v));
}

/** The sum of the matching series; an error naming what was looked for when none matches. */
export function sumOf(series: Series[], name: string, labels: Record<string, string>, source: string): number {
  const found = matching(series, name, labels);
  if (found.length === 0) {
    const selector = Object.keys(labels).length ? `{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(",")}}` : "";
    throw new DcpError(`${source}: no series ${name}${selector}`);
  }
  return found.reduce((sum, s) => sum + s.value, 0);
}
