/**
 * HAProxy's own statistics, per backend (one backend per upstream): the requests it has
 * sent there since it started, and which servers take traffic. Two forms of the same
 * counters: the stats page as CSV (`;csv`, with `stats show-legends` for addresses) and
 * the built-in Prometheus exporter.
 */
import { parse } from "csv-parse/sync";
import { DcpError } from "../../../model/errors";
import { Series, matching, parsePrometheus } from "./prometheus";

export interface BackendCounters {
  /** HTTP requests sent to the backend since HAProxy started (a counter: it resets on restart). */
  requests: number;
  /** Servers that take new requests. */
  serving: number;
  /** Their `ip:port`, when the stats name them (CSV with show-legends). */
  addresses?: string[];
}

/** Server states that take new requests: "UP", "UP 1/3" (going down), "no check" (no health check). */
function takesTraffic(status: string, weight: number): boolean {
  return weight > 0 && (status === "no check" || /^UP\b/.test(status));
}

/** Backends of a `;csv` stats page, by backend (proxy) name. */
export function parseHaproxyCsv(text: string, source: string): Map<string, BackendCounters> {
  if (!text.startsWith("# pxname,")) throw new DcpError(`${source}: not HAProxy's CSV statistics (it starts with "# pxname,"); is the path ";csv"?`);
  let rows: Array<Record<string, string>>;
  try {
    rows = parse(text.slice(2), { columns: true, skip_empty_lines: true, relax_column_count: true });
  } catch (err) {
    throw new DcpError(`${source}: HAProxy CSV: ${(err as Error).message}`);
  }
  const backends = new Map<string, BackendCounters>();
  const get = (name: string) => backends.get(name) ?? backends.set(name, { requests: 0, serving: 0, addresses: [] }).get(name)!;
  for (const row of rows) {
    if (row.svname === "FRONTEND") continue;
    const backend = get(row.pxname);
    if (row.svname === "BACKEND") {
      // req_tot counts HTTP requests; a TCP backend has only sessions.
      backend.requests = Number(row.req_tot || row.stot || 0);
    } else if (takesTraffic(row.status, Number(row.weight || 0))) {
      backend.serving++;
      if (row.addr) backend.addresses!.push(row.addr);
    }
  }
  for (const b of backends.values()) if (b.addresses!.length !== b.serving) delete b.addresses;
  return backends;
}

/** Backends from HAProxy's Prometheus exporter (`http-request use-service prometheus-exporter`). */
export function parseHaproxyPrometheus(text: string, source: string): Map<string, BackendCounters> {
  const series: Series[] = parsePrometheus(text, source);
  const backends = new Map<string, BackendCounters>();
  for (const s of matching(series, "haproxy_backend_http_requests_total")) {
    backends.set(s.labels.proxy, { requests: s.value, serving: 0 });
  }
  for (const s of matching(series, "haproxy_backend_active_servers")) {
    const b = backends.get(s.labels.proxy);
    if (b) b.serving = s.value;
  }
  if (backends.size === 0) throw new DcpError(`${source}: no series haproxy_backend_http_requests_total; is this HAProxy's Prometheus exporter?`);
  return backends;
}
