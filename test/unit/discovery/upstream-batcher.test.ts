/** Upstream edits of an apply: batched per upstream within a window, at once when every writer waits, diffed against what KV holds. */
import fc from "fast-check";
import { UpstreamEntry } from "../../../model/inventory";
import { KvOp } from "../../../runtime/consul/client";
import { UPSTREAM_BATCH_MS, UpstreamBatcher } from "../../../runtime/discovery/upstream-batcher";
import { diffUpstreams } from "../../../runtime/discovery/upstreams";
import { upstreamValue } from "../../../model/upstreams";

/** Records each transaction instead of writing it; `fail` makes the next one throw. */
class RecordedWrites {
  readonly transactions: KvOp[][] = [];
  fail?: Error;
  async apply(ops: KvOp[]): Promise<void> {
    if (this.fail) {
      const err = this.fail;
      this.fail = undefined;
      throw err;
    }
    this.transactions.push(ops);
  }
}

const server = (n: number) => ({ upstream: "web", server: `10.0.0.${n}:8080`, weight: 20, maxFails: 2, failTimeoutSeconds: 10 });
const live = (n: number, down = false): UpstreamEntry => {
  const params = { weight: 20, maxFails: 2, failTimeoutSeconds: 10, down };
  return { upstream: "web", server: `10.0.0.${n}:8080`, ...params, raw: upstreamValue(params) };
};
const keys = (ops: KvOp[]) => ops.map((o) => `${o.verb} ${o.key}`);

/** A writer that stays busy until released: flushes must wait their window for it. */
function busyWriter(batcher: UpstreamBatcher): { release: () => void; done: Promise<void> } {
  let release!: () => void;
  const done = batcher.writer(() => new Promise<void>((resolve) => (release = resolve)));
  return { release, done };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

test("edits that arrive within the window share one transaction; none is written before the window ends", async () => {
  const writes = new RecordedWrites();
  const batcher = new UpstreamBatcher(writes, "upstreams", []);
  const busy = busyWriter(batcher);
  const first = batcher.writer(() => batcher.publish(server(1)));
  const second = batcher.writer(() => batcher.publish(server(2)));
  await jest.advanceTimersByTimeAsync(UPSTREAM_BATCH_MS - 1);
  expect(writes.transactions).toEqual([]);
  await jest.advanceTimersByTimeAsync(1);
  await Promise.all([first, second]);
  expect(writes.transactions.map(keys)).toEqual([["set upstreams/web/10.0.0.1:8080", "set upstreams/web/10.0.0.2:8080"]]);
  busy.release();
  await busy.done;
});

test("when every writer waits on a queue nothing more can arrive: the flush goes at once", async () => {
  const writes = new RecordedWrites();
  const batcher = new UpstreamBatcher(writes, "upstreams", []);
  const done = Promise.all([1, 2, 3].map((n) => batcher.writer(() => batcher.publish(server(n)))));
  await jest.advanceTimersByTimeAsync(0);
  await done;
  expect(writes.transactions).toHaveLength(1);
  expect(writes.transactions[0]).toHaveLength(3);
});

test("a writer that finishes without an edit lets the others' flush go at once", async () => {
  const writes = new RecordedWrites();
  const batcher = new UpstreamBatcher(writes, "upstreams", []);
  const busy = busyWriter(batcher);
  const edit = batcher.writer(() => batcher.publish(server(1)));
  await jest.advanceTimersByTimeAsync(0);
  expect(writes.transactions).toEqual([]);
  busy.release();
  await busy.done;
  await jest.advanceTimersByTimeAsync(0);
  await edit;
  expect(writes.transactions).toHaveLength(1);
});

test("what KV holds is diffed: an entry already right is not written, the last entry of an emptied upstream is marked down", async () => {
  const writes = new RecordedWrites();
  const batcher = new UpstreamBatcher(writes, "upstreams", [live(1), live(2)]);
  await batcher.writer(() => batcher.publish(server(1)));
  expect(writes.transactions).toEqual([]);
  await batcher.writer(async () => {
    await Promise.all([batcher.unpublish("web", "10.0.0.1:8080"), batcher.unpublish("web", "10.0.0.2:8080")]);
  });
  expect(writes.transactions).toEqual([
    [
      { verb: "set", key: "upstreams/web/10.0.0.1:8080", value: '{"weight":20,"max_fails":2,"fail_timeout":10,"down":1}' },
      { verb: "delete", key: "upstreams/web/10.0.0.2:8080" },
    ],
  ]);
  expect(batcher.current("web").map((e) => [e.server, e.down])).toEqual([["10.0.0.1:8080", true]]);
  // A real server again: the down placeholder goes.
  await batcher.writer(() => batcher.publish(server(3)));
  expect(keys(writes.transactions[1])).toEqual(["set upstreams/web/10.0.0.3:8080", "delete upstreams/web/10.0.0.1:8080"]);
});

test("an entry published down beside servers that are up stays, down, through other edits, and comes back up", async () => {
  const writes = new RecordedWrites();
  const batcher = new UpstreamBatcher(writes, "upstreams", [live(1), live(2)]);
  await batcher.writer(() => batcher.publish({ ...server(1), down: true }));
  expect(keys(writes.transactions[0])).toEqual(["set upstreams/web/10.0.0.1:8080"]);
  expect(writes.transactions[0][0]).toMatchObject({ value: '{"weight":20,"max_fails":2,"fail_timeout":10,"down":1}' });
  // Another server comes: the down entry is kept as it is.
  await batcher.writer(() => batcher.publish(server(3)));
  expect(keys(writes.transactions[1])).toEqual(["set upstreams/web/10.0.0.3:8080"]);
  await batcher.writer(() => batcher.publish(server(1)));
  expect(batcher.current("web").map((e) => [e.server, e.down]).sort()).toEqual([["10.0.0.1:8080", false], ["10.0.0.2:8080", false], ["10.0.0.3:8080", false]]);
});

test("each upstream is flushed on its own", async () => {
  const writes = new RecordedWrites();
  const batcher = new UpstreamBatcher(writes, "upstreams", []);
  await Promise.all([batcher.writer(() => batcher.publish(server(1))), batcher.writer(() => batcher.publish({ ...server(2), upstream: "api" }))]);
  expect(writes.transactions.map(keys).sort()).toEqual([["set upstreams/api/10.0.0.2:8080"], ["set upstreams/web/10.0.0.1:8080"]]);
});

test("a failed write rejects every edit of its batch, leaves KV's copy as it was, and later edits still go", async () => {
  const writes = new RecordedWrites();
  const batcher = new UpstreamBatcher(writes, "upstreams", [live(1)]);
  writes.fail = new Error("txn refused");
  const both = [batcher.writer(() => batcher.unpublish("web", "10.0.0.1:8080")), batcher.writer(() => batcher.publish(server(2)))];
  await expect(Promise.allSettled(both)).resolves.toEqual([
    { status: "rejected", reason: new Error("txn refused") },
    { status: "rejected", reason: new Error("txn refused") },
  ]);
  expect(batcher.current("web").map((e) => e.server)).toEqual(["10.0.0.1:8080"]);
  await batcher.writer(() => batcher.publish(server(2)));
  expect(writes.transactions.map(keys)).toEqual([["set upstreams/web/10.0.0.2:8080"]]);
});

/**
 * The whole-upstream diff the batcher stands for: the batch's edits applied to what KV holds
 * (from nothing when every entry is down: the placeholder of an emptied upstream), diffed.
 */
function wholeDiff(kv: UpstreamEntry[], edits: Array<{ n: number; op: "up" | "down" | "remove" }>): KvOp[] {
  const desired = new Map((kv.some((u) => !u.down) ? kv : []).map((u) => [u.server, u]));
  for (const e of edits) {
    if (e.op === "remove") desired.delete(server(e.n).server);
    else desired.set(server(e.n).server, { ...live(e.n, e.op === "down") });
  }
  return diffUpstreams([...desired.values()], kv, "upstreams");
}

test("a batch diffs only the servers it edits, and writes what the whole upstream's diff would (property)", async () => {
  // Few servers, so that batches often touch some entries and leave others, and often empty what they touch.
  const entry = fc.record({ n: fc.integer({ min: 1, max: 6 }), down: fc.boolean(), odd: fc.boolean() });
  const edit = fc.record({ n: fc.integer({ min: 1, max: 7 }), op: fc.constantFrom("up" as const, "down" as const, "remove" as const) });
  await fc.assert(
    fc.asyncProperty(fc.uniqueArray(entry, { selector: (e) => e.n, maxLength: 6 }), fc.uniqueArray(edit, { selector: (e) => e.n, minLength: 1, maxLength: 4 }), async (entries, edits) => {
      // An odd entry: in KV by hand, not in dcp's form (e.g. weight written as a string).
      const kv = entries.map((e) => (e.odd ? { ...live(e.n, e.down), raw: `{"weight":"20","down":${e.down ? 1 : 0}}` } : live(e.n, e.down)));
      const writes = new RecordedWrites();
      const batcher = new UpstreamBatcher(writes, "upstreams", kv);
      const done = batcher.writer(() =>
        Promise.all(edits.map((e) => (e.op === "remove" ? batcher.unpublish("web", server(e.n).server) : batcher.publish({ ...server(e.n), down: e.op === "down" })))),
      );
      await jest.advanceTimersByTimeAsync(0);
      await done;
      const sorted = (ops: KvOp[]) => [...ops].sort((a, b) => a.key.localeCompare(b.key) || a.verb.localeCompare(b.verb));
      expect(sorted(writes.transactions.flat())).toEqual(sorted(wholeDiff(kv, edits)));
    }),
    // The example: a batch that takes away every server it touches while another stays up.
    { numRuns: 300, examples: [[[{ n: 1, down: false, odd: false }, { n: 2, down: false, odd: false }], [{ n: 1, op: "remove" }]]] },
  );
});
