import { HostLimit } from "../../../runtime/apply/limits";
import { defaultPerHost } from "../../../runtime/apply/execute";

/** A call that runs until `release()` is called, recording when it started. */
function gate(started: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { call: () => (started.push(name), done), release: () => release() };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("HostLimit", () => {
  it("keeps calls within the bound per host and the bound over the fleet", async () => {
    const limit = new HostLimit(2, 3);
    let running = 0;
    let peak = 0;
    const perHost = new Map<string, number>();
    let peakHost = 0;
    const call = (node: string) =>
      limit.run(node, async () => {
        running++;
        perHost.set(node, (perHost.get(node) ?? 0) + 1);
        peak = Math.max(peak, running);
        peakHost = Math.max(peakHost, perHost.get(node)!);
        await tick();
        running--;
        perHost.set(node, perHost.get(node)! - 1);
      });
    await Promise.all(["a", "a", "a", "a", "b", "b", "c", "c", "c"].map(call));
    expect(peak).toBe(3);
    expect(peakHost).toBe(2);
    expect(limit.idle()).toBe(true);
  });

  it("lets a call waiting for its busy host hold no fleet slot, so another host's call runs", async () => {
    const limit = new HostLimit(1, 2);
    const started: string[] = [];
    const a1 = gate(started, "a1");
    const a2 = gate(started, "a2");
    const b1 = gate(started, "b1");
    const runs = [limit.run("a", a1.call), limit.run("a", a2.call), limit.run("b", b1.call)];
    await tick();
    expect(started).toEqual(["a1", "b1"]);
    a1.release();
    await tick();
    expect(started).toEqual(["a1", "b1", "a2"]);
    a2.release();
    b1.release();
    await Promise.all(runs);
  });

  it("keeps one host's calls in order and frees the slot of a call that failed", async () => {
    const limit = new HostLimit(1, 1);
    const order: number[] = [];
    const failing = limit.run("a", async () => {
      order.push(1);
      throw new Error("daemon said no");
    });
    const next = limit.run("a", async () => void order.push(2));
    await expect(failing).rejects.toThrow("daemon said no");
    await next;
    expect(order).toEqual([1, 2]);
    expect(limit.idle()).toBe(true);
  });

  it("is not idle while a call waits for a slot", async () => {
    const limit = new HostLimit(1, 1);
    const started: string[] = [];
    const first = gate(started, "a1");
    const runs = [limit.run("a", first.call), limit.run("b", async () => undefined)];
    await tick();
    expect(limit.idle()).toBe(false);
    first.release();
    await Promise.all(runs);
    expect(limit.idle()).toBe(true);
  });
});

describe("the default per-host bound", () => {
  test("is four while the fleet bound gives every host four, else the fleet bound shared out, at least two", () => {
    expect(defaultPerHost(2048, 6)).toBe(4);
    expect(defaultPerHost(2048, 512)).toBe(4);
    expect(defaultPerHost(2048, 513)).toBe(3);
    expect(defaultPerHost(2048, 1000)).toBe(2);
    expect(defaultPerHost(2048, 5000)).toBe(2);
    expect(defaultPerHost(16, 40)).toBe(2);
    expect(defaultPerHost(2048, 0)).toBe(4);
  });
});

describe("pacing", () => {
  test("no more than 64 calls begin in one turn of the event loop; the rest begin in the turns after", async () => {
    const limit = new HostLimit(1, 1000);
    const turns: number[] = [];
    let inTurn = 0;
    const calls = Array.from({ length: 200 }, (_, i) => limit.run(`h${i}`, async () => void turns.push(inTurn)));
    // Count turns with setImmediate, the phase the limiter yields to.
    const count = (): void => void setImmediate(() => (inTurn++, inTurn < 50 && count()));
    count();
    await Promise.all(calls);
    const perTurn = new Map<number, number>();
    for (const t of turns) perTurn.set(t, (perTurn.get(t) ?? 0) + 1);
    expect(Math.max(...perTurn.values())).toBeLessThanOrEqual(64);
    expect(perTurn.size).toBeGreaterThanOrEqual(4);
  });
});
