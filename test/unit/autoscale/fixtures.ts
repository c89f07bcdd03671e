/** Autoscale rules and desired states for the autoscale tests. */
import { AutoscaleSpec } from "../../../model/autoscale";
import { desired, pool } from "../plan/fixtures";

export function spec(overrides: Partial<AutoscaleSpec> = {}): AutoscaleSpec {
  return {
    min: 2,
    max: 20,
    metric: { requestsPerSecond: { entryPool: "nginx-entry", port: "status", format: "haproxy-csv", path: "/haproxy-stats;csv" } },
    target: 50,
    scaleOutCooldownSeconds: 10,
    scaleInCooldownSeconds: 60,
    schedule: [],
    ...overrides,
  };
}

/** feed-api (autoscaled, 3 own replicas) depends on feed-cache with ratio 0.2; feed-cache declares 1 of its own. */
export function feedState(apiReplicas = 3, autoscale: Partial<AutoscaleSpec> = {}) {
  const cache = pool("feed-cache", { replicas: 1, effectiveReplicas: 1 + Math.ceil(0.2 * apiReplicas) });
  const api = pool("feed-api", { replicas: apiReplicas, effectiveReplicas: apiReplicas, autoscale: spec(autoscale), dependencies: [{ pool: "feed-cache", ratio: 0.2 }] });
  return desired([api, cache]);
}

export const T0 = Date.parse("2026-02-16T10:00:00Z");
