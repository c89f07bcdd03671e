/**
 * Reads each autoscaled pool's metric and keeps the previous reading of every source, so
 * that counters become rates. Requests per second come from the entry pool's own
 * statistics, fetched from every running entry container (the port and path the pool's
 * rule names); a Prometheus metric from its URL.
 */
import pLimit from "p-limit";
import { PrometheusMetric, RequestsPerSecondMetric } from "../../model/autoscale";
import { DesiredState, PoolSpec } from "../../model/desired-state";
import { Inventory } from "../../model/inventory";
import { BackendCounters, parseHaproxyCsv, parseHaproxyPrometheus } from "../autoscale/metrics/haproxy";
import { parsePrometheus, sumOf } from "../autoscale/metrics/prometheus";
import { CounterSample, SamplePair, ValueSample, prometheusReading, requestsPerSecond } from "../autoscale/metrics/rate";
import { MetricReading } from "../autoscale/rule";
import { PageReader, readPage } from "../discovery/consumers";

export interface PoolReading {
  reading?: MetricReading;
  readError?: string;
}

/** Running containers of a pool on usable hosts, with their host's address. */
function liveContainers(inventory: Inventory, pool: string) {
  return inventory.hosts
    .filter((h) => h.healthy && h.containers)
    .flatMap((h) => h.containers!.filter((c) => c.pool === pool && c.running).map((c) => ({ host: h, container: c })));
}

export class MetricSources {
  /** By source URL: the last two readings of an entry instance's counters. */
  private readonly counters = new Map<string, SamplePair>();
  /** By source URL and series: the last reading of a Prometheus value. */
  private readonly values = new Map<string, ValueSample>();
  private readonly limit = pLimit(8);

  constructor(
    private readonly fetch: PageReader = readPage,
    private readonly timeoutMs = 2_000,
  ) {}

  async read(desired: DesiredState, inventory: Inventory, now = Date.now()): Promise<Map<string, PoolReading>> {
    const byName = new Map(desired.pools.map((p) => [p.name, p]));
    const readings = new Map<string, PoolReading>();
    await Promise.all(
      desired.pools
        .filter((p) => p.autoscale)
        .map(async (pool) => {
          const { prometheus, requestsPerSecond } = pool.autoscale!.metric;
          try {
            const result = prometheus
              ? await this.prometheus(pool, prometheus, inventory, now)
              : await this.entryRate(pool, requestsPerSecond!, byName.get(requestsPerSecond!.entryPool), inventory, now);
            readings.set(pool.name, result);
          } catch (err) {
            readings.set(pool.name, { readError: (err as Error).message });
          }
        }),
    );
    return readings;
  }

  private async entryRate(pool: PoolSpec, metric: RequestsPerSecondMetric, entry: PoolSpec | undefined, inventory: Inventory, now: number): Promise<PoolReading> {
    if (!pool.upstream) return { readError: `pool ${pool.name} has no upstream, so the entry tier has no backend for it` };
    if (!entry) return { readError: `entry pool ${metric.entryPool} is not in the desired state` };
    const portIndex = entry.ports.findIndex((p) => p.name === metric.port);
    if (portIndex < 0) return { readError: `entry pool ${entry.name} has no port named ${metric.port}` };
    const urls = liveContainers(inventory, entry.name).map(({ host, container }) => `http://${host.address}:${container.ports[portIndex]}${metric.path}`);
    const parse = metric.format === "prometheus" ? parseHaproxyPrometheus : parseHaproxyCsv;
    const pairs = new Map<string, SamplePair>();
    const failures: string[] = [];
    await Promise.all(
      urls.map((url) =>
        this.limit(async () => {
          let backends: Map<string, BackendCounters>;
          try {
            backends = parse(await this.fetch(url, this.timeoutMs), url);
          } catch (err) {
            failures.push((err as Error).message);
            return;
          }
          const latest: CounterSample = { at: now, backends };
          const pair = { previous: this.counters.get(url)?.latest, latest };
          this.counters.set(url, pair);
          pairs.set(url, pair);
        }),
      ),
    );
    for (const url of [...this.counters.keys()]) if (!urls.includes(url)) this.counters.delete(url);
    const { reading, error } = requestsPerSecond(pairs, pool.upstream.name);
    return reading ? { reading } : { readError: [error, ...failures].filter(Boolean).join("; ") };
  }

  private async prometheus(pool: PoolSpec, metric: PrometheusMetric, inventory: Inventory, now: number): Promise<PoolReading> {
    const value = sumOf(parsePrometheus(await this.fetch(metric.url, this.timeoutMs), metric.url), metric.series, metric.labels, metric.url);
    const key = `${metric.url} ${metric.series} ${JSON.stringify(metric.labels)}`;
    const latest = { at: now, value };
    const previous = this.values.get(key);
    this.values.set(key, latest);
    const serving = liveContainers(inventory, pool.name).filter(({ container }) => container.health !== "critical").length;
    const { reading, error } = prometheusReading(metric, latest, previous, serving);
    return reading ? { reading } : { readError: error };
  }
}
