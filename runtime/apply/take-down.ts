/**
 * The wait of a take-down (an await-consumers change): every upstream the server left is
 * checked with its consumers' status endpoints at once; without endpoints the wait is the
 * declared bound. A consumer that never confirmed is reported: the take-down goes ahead at
 * the bound, the longest that consumer may take by its declaration.
 */
import { awaitConsumers } from "../discovery/consumers";
import { AwaitConsumersChange } from "../plan/types";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function awaitTakeDown(change: AwaitConsumersChange, warnings: string[]): Promise<void> {
  const withinMs = change.seconds * 1000;
  const server = change.server;
  const checked = server ? change.upstreams.filter((u) => u.status.length > 0) : [];
  if (checked.length === 0 || checked.length < change.upstreams.length) {
    await Promise.all([sleep(withinMs), ...checked.map((u) => awaitConsumers({ upstream: u.upstream, server: server!, status: u.status, withinMs }))]);
    return;
  }
  const results = await Promise.all(checked.map((u) => awaitConsumers({ upstream: u.upstream, server: server!, status: u.status, withinMs }).then((r) => ({ ...r, upstream: u.upstream }))));
  for (const r of results) {
    for (const url of r.unconfirmed) {
      warnings.push(`${change.instance} on ${change.node}: consumer ${url} did not confirm within ${change.seconds} s that it stopped routing ${r.upstream} ${server}; stopped it at the bound`);
    }
  }
}
