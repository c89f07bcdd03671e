/**
 * What a pool needs to run the site's entry image (`dcp/entry:1`, hosts/entry-image): its
 * traffic and status ports (dynamic), its health path, one container per host, and the
 * upstreams it routes (UPSYNC_UPSTREAMS). Following them makes dcp poll each container's
 * upstream_show before it stops a server of one. Fleet tests and benchmarks build their
 * entry tiers from it; the example's nginx-entry gets the same image from synth.
 */
import { PoolSpec } from "../model/desired-state";

export type EntryPoolShape = Pick<PoolSpec, "image" | "ports" | "upstream" | "healthCheck" | "placement" | "env"> & Partial<Pick<PoolSpec, "follows">>;

export function entryPoolShape(image: string, upstreams: string[], options: { follow?: boolean; env?: Record<string, string> } = {}): EntryPoolShape {
  return {
    image,
    ports: [{ name: "http", port: 0 }, { name: "status", port: 0 }],
    upstream: undefined,
    healthCheck: { path: "/nginx-health", port: 0, intervalSeconds: 1, timeoutSeconds: 1 },
    placement: { strategy: "spread", antiAffinity: "host", constraints: [] },
    env: { UPSYNC_UPSTREAMS: upstreams.join(","), ...options.env },
    ...(options.follow ? { follows: { upstreams, status: { port: "status", path: "/upstream_show", format: "upstream_show" } } } : {}),
  };
}
