/** The entry tier in fleet tests: a pool running the site's entry image (HAProxy following dcp's upstreams). */
import { LocalSite } from "../../../local-site";
import { PoolSpec } from "../../../model/desired-state";
import { testPool } from "./apply";

/** A pool of the entry image that routes `upstreams`; dynamic traffic and status ports. */
export function entryPool(fleet: LocalSite, name: string, replicas: number, upstreams: string[], env: Record<string, string> = {}): PoolSpec {
  return testPool(fleet, name, replicas, {
    image: fleet.entryImage,
    ports: [{ name: "http", port: 0 }, { name: "status", port: 0 }],
    upstream: undefined,
    healthCheck: { path: "/nginx-health", port: 0, intervalSeconds: 1, timeoutSeconds: 1 },
    placement: { strategy: "spread", antiAffinity: "host", constraints: [] },
    env: { UPSYNC_UPSTREAMS: upstreams.join(","), ...env },
  });
}

/** The servers an entry container's upstream_show lists for one upstream. */
export async function upstreamShow(address: string, statusPort: number, upstream: string): Promise<Array<{ server: string; weight: number }>> {
  const res = await fetch(`http://${address}:${statusPort}/upstream_show?upstream=${upstream}`, { signal: AbortSignal.timeout(2000) });
  const text = await res.text();
  return [...text.matchAll(/server (\S+) weight=(\d+)/g)].map((m) => ({ server: m[1], weight: Number(m[2]) }));
}
