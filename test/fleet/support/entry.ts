/** The entry tier in fleet tests: a pool running the site's entry image (HAProxy following dcp's upstreams). */
import { entryPoolShape, LocalSite } from "../../../local-site";
import { PoolSpec } from "../../../model/desired-state";
import { Suite, testPool } from "./apply";

/** A pool of the entry image that routes `upstreams`; dynamic traffic and status ports. */
export function entryPool(fleet: LocalSite, name: string, replicas: number, upstreams: string[], env: Record<string, string> = {}): PoolSpec {
  return testPool(fleet, name, replicas, entryPoolShape(fleet.entryImage, upstreams, { env }));
}

/** An entry pool that follows `upstream`: dcp polls each container's upstream_show before it stops a server of it. */
export function followingEntryPool(fleet: LocalSite, name: string, replicas: number, upstream: string): PoolSpec {
  return testPool(fleet, name, replicas, entryPoolShape(fleet.entryImage, [upstream], { follow: true }));
}

/** From clean: the pools behind the entry tier first, then the tier that follows them (as an entry tier joins a live fleet). */
export async function deployBehindEntry(suite: Suite, pools: PoolSpec[], entry: PoolSpec): Promise<void> {
  await suite.cleanup([...pools, entry]);
  for (const step of [pools, [...pools, entry]]) {
    const out = await suite.apply(step);
    if (out.code !== 2) throw new Error(`first apply failed (${out.code}): ${out.stderr.slice(-2000)}`);
  }
}

/** The servers an entry container's upstream_show lists for one upstream. */
export async function upstreamShow(address: string, statusPort: number, upstream: string): Promise<Array<{ server: string; weight: number }>> {
  const res = await fetch(`http://${address}:${statusPort}/upstream_show?upstream=${upstream}`, { signal: AbortSignal.timeout(2000) });
  const text = await res.text();
  return [...text.matchAll(/server (\S+) weight=(\d+)/g)].map((m) => ({ server: m[1], weight: Number(m[2]) }));
}
