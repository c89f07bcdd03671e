/**
 * The entry tier's own view, checked against dcp's: every container of a pool that follows
 * upstreams answers its health check, and its status page lists exactly the servers that
 * KV holds for each upstream it follows, with their weights. `dcp status` runs it.
 */
import { PoolSpec } from "../../model/desired-state";
import { Inventory } from "../../model/inventory";
import { ConsumerStatus } from "../../model/take-down";
import { PageReader, readPage, upstreamShowServers } from "./consumers";

export interface EntryContainerStatus {
  pool: string;
  node: string;
  /** http://<host>:<traffic port>/ */
  url: string;
  problems: string[];
}

/** The status endpoint of one container of an entry pool, or undefined when the pool names none. */
export function entryStatusEndpoint(pool: PoolSpec, address: string, ports: number[]): ConsumerStatus | undefined {
  const status = pool.follows?.status;
  if (!status) return undefined;
  const index = pool.ports.findIndex((p) => p.name === status.port);
  if (index < 0 || ports[index] === undefined) return undefined;
  return { url: `http://${address}:${ports[index]}${status.path}`, format: status.format };
}

async function checkContainer(pool: PoolSpec, address: string, ports: number[], inventory: Inventory, read: PageReader): Promise<string[]> {
  const problems: string[] = [];
  const health = `http://${address}:${ports[0]}${pool.healthCheck?.path ?? "/"}`;
  await read(health, 2000).catch((err: Error) => problems.push(`health check ${health}: ${err.message}`));
  const endpoint = entryStatusEndpoint(pool, address, ports);
  if (!endpoint || endpoint.format !== "upstream_show") return problems;
  for (const upstream of pool.follows!.upstreams) {
    const url = `${endpoint.url}?upstream=${upstream}`;
    const page = await read(url, 2000).catch((err: Error) => (problems.push(`${url}: ${err.message}`), undefined));
    if (page === undefined) continue;
    const routed = upstreamShowServers(page, upstream) ?? new Set<string>();
    const inKv = new Set(inventory.upstreams.filter((u) => u.upstream === upstream).map((u) => u.server));
    const missing = [...inKv].filter((s) => !routed.has(s));
    const extra = [...routed].filter((s) => !inKv.has(s));
    if (missing.length > 0) problems.push(`${upstream}: does not route to ${missing.join(", ")} (in KV)`);
    if (extra.length > 0) problems.push(`${upstream}: still routes to ${extra.join(", ")} (not in KV)`);
  }
  return problems;
}

/** Every running container of every entry pool, with what is wrong with it (empty: it follows dcp). */
export async function checkEntryTier(pools: PoolSpec[], inventory: Inventory, read: PageReader = readPage): Promise<EntryContainerStatus[]> {
  const checks: Array<Promise<EntryContainerStatus>> = [];
  for (const pool of pools.filter((p) => p.follows)) {
    for (const host of inventory.hosts) {
      for (const c of (host.containers ?? []).filter((c) => c.pool === pool.name && c.running)) {
        const url = `http://${host.address}:${c.ports[0]}/`;
        checks.push(checkContainer(pool, host.address, c.ports, inventory, read).then((problems) => ({ pool: pool.name, node: host.node, url, problems })));
      }
    }
  }
  return Promise.all(checks);
}
