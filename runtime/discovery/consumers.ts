/**
 * Waits until the consumers of an upstream have stopped routing to a server that dcp
 * removed from it, before the server's container is stopped (see model/take-down.ts).
 *
 * With status endpoints, each is polled until the server is gone from it; without, or when
 * one never confirms, the wait ends after the upstream's followWithin, the longest a
 * consumer may take by its declaration. The pages are read as their consumers write them:
 * - nginx-upsync-module's `upstream_show`: `Upstream name: <u>;Backend server counts: <n>`
 *   then one `server <ip:port> weight=… max_fails=… fail_timeout=…;` line per server.
 * - HAProxy's stats CSV (`;csv`): rows of the upstream's backend by `addr`; a server in
 *   MAINT with no current session no longer routes.
 */
import { get } from "node:http";
import { ConsumerStatus, statusUrl } from "../../model/take-down";

/** Servers an upstream_show page lists for `upstream` (undefined: the page has no such upstream). */
export function upstreamShowServers(page: string, upstream: string): Set<string> | undefined {
  const blocks = page.split(/(?=Upstream name: )/);
  const block = blocks.find((b) => b.startsWith(`Upstream name: ${upstream};`));
  if (!block) return undefined;
  return new Set([...block.matchAll(/^\s+server (\S+?)[;\s]/gm)].map((m) => m[1]));
}

/** Servers of backend `upstream` that HAProxy may still send to (not MAINT, or with sessions open). */
export function haproxyCsvServers(csv: string, upstream: string): Set<string> | undefined {
  const [header, ...rows] = csv.trim().split("\n");
  const columns = header.replace(/^# /, "").split(",");
  const col = (name: string) => columns.indexOf(name);
  const [px, sv, scur, status, addr] = ["pxname", "svname", "scur", "status", "addr"].map(col);
  if ([px, sv, scur, status, addr].some((i) => i < 0)) return undefined;
  const servers = new Set<string>();
  let found = false;
  for (const row of rows) {
    const f = row.split(",");
    if (f[px] !== upstream || f[sv] === "FRONTEND" || f[sv] === "BACKEND") continue;
    found = true;
    if (f[status] === "MAINT" && Number(f[scur]) === 0) continue;
    servers.add(f[addr]);
  }
  return found ? servers : undefined;
}

/** True when the page shows that the consumer no longer routes `server` of `upstream`. */
export function consumerDropped(status: ConsumerStatus, page: string, upstream: string, server: string): boolean {
  const servers = status.format === "upstream_show" ? upstreamShowServers(page, upstream) : haproxyCsvServers(page, upstream);
  return servers !== undefined && !servers.has(server);
}

export type PageReader = (url: string, timeoutMs: number) => Promise<string>;

/** GET a page as text, without keep-alive: each endpoint is read now and then, and is a different server. */
export const readPage: PageReader = (url, timeoutMs) =>
  new Promise((resolve, reject) => {
    const req = get(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${url} answered HTTP ${res.statusCode}`))));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`${url}: no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
  });

export interface ConsumerWait {
  upstream: string;
  server: string;
  status: ConsumerStatus[];
  withinMs: number;
}

export interface ConsumerWaitResult {
  waitedMs: number;
  /** Endpoints that never confirmed within the bound (empty: all did, or there were none). */
  unconfirmed: string[];
}

const POLL_MS = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls every endpoint until each shows the server gone, or waits out the bound. */
export async function awaitConsumers(wait: ConsumerWait, read: PageReader = readPage): Promise<ConsumerWaitResult> {
  const started = Date.now();
  const deadline = started + wait.withinMs;
  if (wait.status.length === 0) {
    await sleep(wait.withinMs);
    return { waitedMs: Date.now() - started, unconfirmed: [] };
  }
  let pending = [...wait.status];
  while (pending.length > 0 && Date.now() < deadline) {
    const timeoutMs = Math.max(100, Math.min(2000, deadline - Date.now()));
    const dropped = await Promise.all(
      pending.map((s) => read(statusUrl(s, wait.upstream), timeoutMs).then((page) => consumerDropped(s, page, wait.upstream, wait.server), () => false)),
    );
    pending = pending.filter((_, i) => !dropped[i]);
    if (pending.length > 0) await sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
  }
  return { waitedMs: Date.now() - started, unconfirmed: pending.map((s) => s.url) };
}
