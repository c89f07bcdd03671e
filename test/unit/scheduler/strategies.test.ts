/** Each strategy and the preference scorer on their own: lower keys / tier go first. */
import { HostState } from "../../../runtime/scheduler/host-state";
import { parseConstraint } from "../../../model/pool-rules/constraints";
import { preferenceTier } from "../../../runtime/scheduler/scorers/preference";
import { unmetPreferences } from "../../../runtime/scheduler/scorers/soft-constraints";
import { binpack } from "../../../runtime/scheduler/strategies/binpack";
import { freshDraw, random, redrawWinner } from "../../../runtime/scheduler/strategies/random";
import { spread } from "../../../runtime/scheduler/strategies/spread";
import { Strategy } from "../../../runtime/scheduler/strategy";
import { mulberry32 } from "../../../runtime/scheduler/rng";
import { host, request } from "./fixtures";

const state = (overrides: Parameters<typeof host>[1] = {}, index = 0) =>
  new HostState(host(`h${index}`, overrides), index);
const r = request("a", 1);

/** Whether the strategy ranks host a before host b: its scorers compared in order. */
function before(strategy: Strategy, a: HostState, b: HostState, req = r): boolean {
  for (const scorer of strategy.scorers) {
    const d = scorer(a, req) - scorer(b, req);
    if (d !== 0) return d < 0;
  }
  return false;
}

describe("binpack strategy", () => {
  it("ranks the host with less free CPU first, whatever its memory", () => {
    const lessCpu = state({ reserved: { cpu: 10, memoryMiB: 0 } });
    const lessMemory = state({ reserved: { cpu: 8, memoryMiB: 30000 } });
    expect(before(binpack, lessCpu, lessMemory)).toBe(true);
    expect(before(binpack, lessMemory, lessCpu)).toBe(false);
  });
  it("breaks CPU ties by free memory", () => {
    const a = state({ reserved: { cpu: 8, memoryMiB: 20000 } });
    const b = state({ reserved: { cpu: 8, memoryMiB: 10000 } });
    expect(before(binpack, a, b)).toBe(true);
  });
  it("prefers a small host's last gap to a big empty host", () => {
    const small = state({ capacity: { cpu: 4, memoryMiB: 8192 } });
    const big = state({ capacity: { cpu: 64, memoryMiB: 131072 } });
    expect(before(binpack, small, big)).toBe(true);
  });
  it("breaks a tie of free resources towards the host with more containers, of any pool", () => {
    const used = { cpu: 8, memoryMiB: 16384 };
    const many = state({ reserved: used, poolCounts: { b: 3, c: 2 } });
    const few = state({ reserved: used, poolCounts: { a: 4 } });
    expect(before(binpack, many, few)).toBe(true);
    expect(before(binpack, few, many)).toBe(false);
  });
});

describe("spread strategy", () => {
  it("ranks by the pool's container count first on hosts of one class", () => {
    const idleWithOne = state({ poolCounts: { a: 1 } });
    const busyWithNone = state({ reserved: { cpu: 14, memoryMiB: 28672 }, poolCounts: { b: 5 } });
    expect(before(spread, busyWithNone, idleWithOne)).toBe(true);
  });
  it("weighs the pool's count by host size: a host twice as big holds two for one", () => {
    const big = (count: number) => state({ capacity: { cpu: 32, memoryMiB: 65536 }, poolCounts: { a: count } });
    const small = state({ capacity: { cpu: 16, memoryMiB: 32768 }, poolCounts: { a: 1 } });
    expect(before(spread, big(2), small)).toBe(true);
    expect(spread.scorers[0](big(3), r)).toBe(spread.scorers[0](small, r));
    expect(before(spread, small, big(4))).toBe(true);
  });
  it("ranks equal pool shares by the load the host would have", () => {
    const quarter = state({ reserved: { cpu: 4, memoryMiB: 8192 } });
    const half = state({ reserved: { cpu: 8, memoryMiB: 16384 } });
    expect(before(spread, quarter, half)).toBe(true);
  });
  it("ties shares that are equal but computed along different float paths, so the next scorer decides", () => {
    // A third of a 4-core host and 9 of a 12-core one are the same share; in floats 9 × (1/12 + 1/48) / 2 comes out lower.
    const one = { resources: { cpu: 1, memoryMiB: 1024 } };
    const small = state({ capacity: { cpu: 4, memoryMiB: 16384 }, reserved: { cpu: 2, memoryMiB: 2048 }, poolCounts: { a: 2 } });
    const big = state({ capacity: { cpu: 12, memoryMiB: 49152 }, reserved: { cpu: 9, memoryMiB: 9216 }, poolCounts: { a: 8, b: 1 } });
    const req = request("a", 1, one);
    expect(9 * big.share(req.resources)).toBeLessThan(3 * small.share(req.resources));
    expect(spread.scorers[0](big, req)).toBe(spread.scorers[0](small, req));
    expect(before(spread, small, big, req)).toBe(true);
  });
  it("breaks a tie of share and load towards the host with fewer containers", () => {
    const used = { cpu: 4, memoryMiB: 8192 };
    const one = state({ reserved: used, poolCounts: { b: 1 } });
    const two = state({ reserved: used, poolCounts: { c: 2 } });
    expect(before(spread, one, two)).toBe(true);
    expect(before(spread, two, one)).toBe(false);
  });
});

describe("random strategy", () => {
  it("ranks by the host's draw", () => {
    const a = state();
    const b = state();
    a.draw = 0.2;
    b.draw = 0.7;
    expect(before(random, a, b)).toBe(true);
    expect(before(random, b, a)).toBe(false);
  });
  it("keeps redrawing a winner above its old draw, with room to spare after many wins", () => {
    const rng = mulberry32(5);
    const winner = state();
    winner.draw = freshDraw(rng);
    for (let i = 0; i < 10000; i++) {
      const before = winner.draw;
      redrawWinner(winner, rng);
      expect(winner.draw).toBeGreaterThan(before);
    }
    expect(Number.isFinite(winner.draw)).toBe(true);
  });
  it("picks each feasible host about equally often", () => {
    // The engine's draw-once-then-redraw-the-winner scheme: 4 hosts, 8,000 picks, each host ~2,000.
    const rng = mulberry32(11);
    const hosts = [0, 1, 2, 3].map((i) => state({}, i));
    for (const h of hosts) h.draw = freshDraw(rng);
    const wins = [0, 0, 0, 0];
    for (let i = 0; i < 8000; i++) {
      const winner = hosts.reduce((best, h) => (h.draw < best.draw ? h : best));
      wins[winner.index]++;
      redrawWinner(winner, rng);
    }
    for (const w of wins) expect(Math.abs(w - 2000)).toBeLessThan(200);
  });
});

describe("preference tier", () => {
  const both = request("a", 1, { idcs: ["yf-private", "aliyun-bj"] });
  it("follows the request's IDC order for assigned hosts", () => {
    expect(preferenceTier(state({ idc: "yf-private" }), both)).toBe(0);
    expect(preferenceTier(state({ idc: "aliyun-bj" }), both)).toBe(1);
  });
  it("puts every buffer host after every assigned host", () => {
    expect(preferenceTier(state({ idc: "yf-private", buffer: true }), both)).toBe(2);
    expect(preferenceTier(state({ idc: "aliyun-bj", buffer: true }), both)).toBe(3);
  });
  it("counts a buffer host as assigned once it took a container", () => {
    const h = state({ buffer: true });
    h.place(both);
    expect(preferenceTier(h, both)).toBe(0);
  });
});

describe("soft-constraint scorer", () => {
  it("counts the request's preferences the host misses, and never its requirements", () => {
    const h = state({ zone: "yf-a", attributes: { zone: "yf-a", disk: "ssd" } });
    const rules = (...texts: string[]) => request("a", 1, { constraints: texts.map((t) => parseConstraint(t)) });
    expect(unmetPreferences(h, rules("zone==~yf-a", "disk==~ssd"))).toBe(0);
    expect(unmetPreferences(h, rules("zone==~yf-b", "disk==~ssd", "gpu==~*"))).toBe(2);
    expect(unmetPreferences(h, rules("zone==yf-b", "zone!=~yf-*"))).toBe(1);
    expect(unmetPreferences(h, r)).toBe(0);
  });
});
