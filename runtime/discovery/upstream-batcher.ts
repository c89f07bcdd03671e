/**
 * Upstream edits made while an apply runs, written together. Edits are queued per
 * upstream; a flush applies every edit that arrived within the batch window to what KV
 * holds, diffs (diffUpstreams: the last entry of an emptied upstream is marked down) and
 * writes one transaction, split at 64 operations. Each transaction is a Raft write with an
 * fsync on the servers: a 300-container scale-out wrote about one per container, and with
 * this about one per window.
 *
 * Edits come from writers (the executor's chains). When every writer in flight waits on a
 * queue, nothing more can arrive, e.g. at the end of an apply: the flush goes at once.
 */
import type { UpstreamEntry } from "../../model/inventory";
import type { KvOp } from "../consul/client";
import { diffUpstreams, parseUpstreamKey, parseUpstreamValue } from "./upstreams";
import { upstreamValue } from "../../model/upstreams";

/** How long an edit waits for others to share its transaction. */
export const UPSTREAM_BATCH_MS = 250;

/** Where the operations go: DiscoveryPublisher.apply (one Consul transaction per 64). */
export interface UpstreamWrites {
  apply(ops: KvOp[]): Promise<void>;
}

export interface UpstreamServer {
  upstream: string;
  server: string;
  weight: number;
  maxFails: number;
  failTimeoutSeconds: number;
  /** The entry stays but takes no traffic (its container's check fails). Default false. */
  down?: boolean;
}

/** An edit of one server's entry in an upstream's entries by server. */
type Edit = { server: string; edit: (entries: Map<string, UpstreamEntry>) => void; resolve: () => void; reject: (err: unknown) => void };

export class UpstreamBatcher {
  /** What KV holds, by upstream then server: each flush diffs only its own upstream. */
  private readonly kv = new Map<string, Map<string, UpstreamEntry>>();
  /** Servers whose entry in KV is not in dcp's form (e.g. edited by hand), by upstream: every diff rewrites them. */
  private readonly odd = new Map<string, Set<string>>();
  private readonly queues = new Map<string, Edit[]>();
  private readonly flushing = new Set<string>();
  private readonly wakers = new Set<() => void>();
  private writers = 0;
  private queued = 0;

  constructor(
    private readonly writes: UpstreamWrites,
    private readonly prefix: string,
    live: UpstreamEntry[],
    private readonly windowMs: number = UPSTREAM_BATCH_MS,
  ) {
    for (const u of live) {
      this.entries(u.upstream).set(u.server, u);
      if (u.raw !== upstreamValue(u)) this.oddOf(u.upstream).add(u.server);
    }
  }

  /** Sets the server's entry (weight, max_fails, fail_timeout, up or down); resolves once it is in KV. */
  publish(s: UpstreamServer): Promise<void> {
    const params = { weight: s.weight, maxFails: s.maxFails, failTimeoutSeconds: s.failTimeoutSeconds, down: s.down ?? false };
    const entry: UpstreamEntry = { upstream: s.upstream, server: s.server, ...params, raw: upstreamValue(params) };
    return this.change(s.upstream, s.server, (entries) => void entries.set(s.server, entry));
  }

  /** Takes the server out of the upstream; resolves once KV says so. */
  unpublish(upstream: string, server: string): Promise<void> {
    return this.change(upstream, server, (entries) => void entries.delete(server));
  }

  /** Runs `work` as a writer: while it runs and is not waiting on a queue, flushes wait their window for its edits. */
  async writer<T>(work: () => Promise<T>): Promise<T> {
    this.writers++;
    try {
      return await work();
    } finally {
      this.writers--;
      this.wakeIfAllWaiting();
    }
  }

  /** The entries of an upstream as KV holds them after the flushes so far. */
  current(upstream: string): UpstreamEntry[] {
    return [...this.entries(upstream).values()];
  }

  private entries(upstream: string): Map<string, UpstreamEntry> {
    let entries = this.kv.get(upstream);
    if (!entries) this.kv.set(upstream, (entries = new Map()));
    return entries;
  }

  private oddOf(upstream: string): Set<string> {
    let odd = this.odd.get(upstream);
    if (!odd) this.odd.set(upstream, (odd = new Set()));
    return odd;
  }

  private change(upstream: string, server: string, edit: Edit["edit"]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (!this.queues.has(upstream)) this.queues.set(upstream, []);
      this.queues.get(upstream)!.push({ server, edit, resolve, reject });
      this.queued++;
      if (!this.flushing.has(upstream)) void this.flush(upstream);
      else this.wakeIfAllWaiting();
    });
  }

  private async flush(upstream: string): Promise<void> {
    this.flushing.add(upstream);
    const queue = this.queues.get(upstream)!;
    while (queue.length > 0) {
      await this.window();
      const batch = queue.splice(0);
      this.queued -= batch.length;
      try {
        await this.write(upstream, batch);
        batch.forEach((e) => e.resolve());
      } catch (err) {
        batch.forEach((e) => e.reject(err));
      }
    }
    this.flushing.delete(upstream);
  }

  /** One diff of the batch's edits against KV, written; what KV holds is updated from the operations. */
  private async write(upstream: string, batch: Edit[]): Promise<void> {
    const entries = this.entries(upstream);
    const ops = this.diff(upstream, batch);
    if (ops.length > 0) await this.writes.apply(ops);
    for (const op of ops) {
      const k = parseUpstreamKey(this.prefix, op.key);
      if (!k) continue;
      this.oddOf(upstream).delete(k.server);
      if (op.verb === "set") {
        const v = parseUpstreamValue(op.value);
        entries.set(k.server, { ...k, weight: v.weight, maxFails: v.maxFails, failTimeoutSeconds: v.failTimeoutSeconds, down: v.down, raw: op.value });
      } else {
        entries.delete(k.server);
      }
    }
  }

  /**
   * The batch's edits applied to what KV holds, diffed. An upstream whose entries are all
   * down was emptied: its down entry is the placeholder nginx needs, dropped once a server
   * comes back, so the edits start from nothing and the whole upstream is diffed. Beside
   * servers that are up, a down entry is one whose container's check fails: it stays until
   * its container passes or goes, and only the servers the batch edits (and odd entries) can
   * change. Only those are diffed then, with one entry the batch leaves alone, so that the
   * diff sees the upstream keep a server: diffing all 10,000 entries of an upstream at every
   * flush took a sixth of dcp's CPU in the scale simulation.
   */
  private diff(upstream: string, batch: Edit[]): KvOp[] {
    const entries = this.entries(upstream);
    if (!firstEntry(entries, (u) => !u.down)) {
      const desired = new Map<string, UpstreamEntry>();
      for (const e of batch) e.edit(desired);
      return diffUpstreams([...desired.values()], [...entries.values()], this.prefix);
    }
    const servers = new Set([...batch.map((e) => e.server), ...this.oddOf(upstream)]);
    const live = [...servers].flatMap((server) => entries.get(server) ?? []);
    const desired = new Map(live.map((u) => [u.server, u]));
    for (const e of batch) e.edit(desired);
    // At most one more entry than the batch's servers is looked at.
    const kept = firstEntry(entries, (u) => !servers.has(u.server));
    const beside = kept ? [kept] : [];
    return diffUpstreams([...desired.values(), ...beside], [...live, ...beside], this.prefix);
  }

  /** The batch window: ends after windowMs, or at once when every writer waits on a queue. */
  private window(): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, this.windowMs);
      this.wakers.add(wake);
      this.wakeIfAllWaiting();
    });
  }

  private wakeIfAllWaiting(): void {
    if (this.queued >= this.writers) for (const wake of [...this.wakers]) wake();
  }
}

/** The first entry that `wanted` accepts, without copying the upstream's entries. */
function firstEntry(entries: Map<string, UpstreamEntry>, wanted: (u: UpstreamEntry) => boolean): UpstreamEntry | undefined {
  for (const u of entries.values()) if (wanted(u)) return u;
  return undefined;
}
