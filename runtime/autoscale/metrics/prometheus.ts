/**
 * Prometheus text format (what /metrics endpoints serve, HAProxy's exporter included),
 * read with parse-prometheus-text-format into flat series: one per sample line, so a
 * histogram gives its `_bucket`, `_sum` and `_count` series, which is what a rate of
 * requests needs.
 */
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { DcpError } from "../../../model/errors";

export interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** NaN and infinities as Prometheus reads them: any letter case (prom-client writes "Nan"). */
const SPECIAL: Record<string, number> = { nan: NaN, inf: Infinity, "+inf": Infinity, "-inf": -Infinity };

function number(raw: string | undefined, name: string, source: string): number {
  const special = raw === undefined ? undefined : SPECIAL[raw.toLowerCase()];
  if (special !== undefined) return special;
  const value = Number(raw);
  if (raw === undefined || raw.trim() === "" || Number.isNaN(value)) {
    throw new DcpError(`${source}: series ${name} has the value ${JSON.stringify(raw)}, which is not a number; is this Prometheus text format?`);
  }
  return value;
}

/** Every series of a text-format page; `source` (a URL) names the page in errors. */
export function parsePrometheus(text: string, source: string): Series[] {
  let families: ReturnType<typeof parsePrometheusTextFormat>;
  try {
    // The package groups histogram and summary lines correctly only when they carry no
    // labels (prom-client's do), so TYPE lines are dropped and every line is read as the
    // untyped sample it is. It also drops a last line that has no newline after it.
    const samples = text.split("\n").filter((line) => !line.startsWith("# TYPE ")).join("\n");
    families = parsePrometheusTextFormat(samples.endsWith("\n") ? samples : `${samples}\n`);
  } catch (err) {
    throw new DcpError(`${source}: not Prometheus text format: ${(err as Error).message}`);
  }
  return families.flatMap((family) => family.metrics.map((sample) => ({ name: family.name, labels: sample.labels ?? {}, value: number(sample.value, family.name, source) })));
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
