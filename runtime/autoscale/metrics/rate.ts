/**
 * Requests per second per container from two readings of the entry tier's counters.
 * Each entry instance counts on its own, so rates are taken per instance and summed; the
 * containers are the servers the instances send to (the same servers seen by several
 * instances count once).
 */
import { PrometheusMetric } from "../../../model/autoscale";
import { MetricReading } from "../rule";
import { BackendCounters } from "./haproxy";

/** One entry instance's counters at one time (ms). */
export interface CounterSample {
  at: number;
  backends: Map<string, BackendCounters>;
}

/** Counter increase between two readings; a counter that went down was reset (HAProxy restarted) and counts from zero. */
export function increase(before: number, after: number): number {
  return after >= before ? after - before : after;
}

/** Per instance (e.g. the entry container's address): the previous and the latest sample. */
export interface SamplePair {
  previous?: CounterSample;
  latest: CounterSample;
}

/**
 * The reading for one backend; undefined with a reason when no instance has two samples
 * of it yet.
 */
export function requestsPerSecond(instances: ReadonlyMap<string, SamplePair>, backend: string): { reading?: MetricReading; error?: string } {
  let total = 0;
  let rated = 0;
  const addresses = new Set<string>();
  let serving = 0;
  let named = true;
  for (const { previous, latest } of instances.values()) {
    const now = latest.backends.get(backend);
    if (!now) continue;
    serving = Math.max(serving, now.serving);
    if (now.addresses) now.addresses.forEach((a) => addresses.add(a));
    else named = false;
    const then = previous?.backends.get(backend);
    const seconds = previous ? (latest.at - previous.at) / 1000 : 0;
    if (!then || seconds <= 0) continue;
    total += increase(then.requests, now.requests) / seconds;
    rated++;
  }
  if (rated === 0) return { error: instances.size === 0 ? "no entry instance answered" : `no two readings yet of backend ${backend}` };
  return { reading: { total, containers: named ? addresses.size : serving } };
}

/** A value of a Prometheus metric at one time (ms): the sum of its matching series. */
export interface ValueSample {
  at: number;
  value: number;
}

/**
 * The reading of a Prometheus metric: a gauge as it is, a counter as its rate between two
 * samples; a pool total as it is, a per-container value times the serving containers.
 */
export function prometheusReading(metric: PrometheusMetric, latest: ValueSample, previous: ValueSample | undefined, containers: number): { reading?: MetricReading; error?: string } {
  let value = latest.value;
  if (metric.counter) {
    const seconds = previous ? (latest.at - previous.at) / 1000 : 0;
    if (!previous || seconds <= 0) return { error: `no two readings yet of counter ${metric.series}` };
    value = increase(previous.value, latest.value) / seconds;
  }
  return { reading: { total: metric.per === "pool" ? value : value * containers, containers } };
}
