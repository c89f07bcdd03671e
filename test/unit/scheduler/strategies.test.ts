/** Each strategy and the preference scorer on their own: lower score / tier goes first. */
import { HostState } from "../../../runtime/scheduler/host-state";
import { preferenceTier } from "../../../runtime/scheduler/scorers/preference";
import { binpack } from "../../../runtime/scheduler/strategies/binpack";
import { freshDraw, random, redrawWinner } from "../../../runtime/scheduler/strategies/random";
import { spread } from "../../../runtime/scheduler/strategies/spread";
import { mulberry32 } from "../../../runtime/scheduler/rng";
import { host, request } from "./fixtures";

const state = (overrides: Parameters<typeof host>[1] = {}, index = 0) =>
  new HostState(host(`h${index}`, overrides), index);
const r = request("a", 1);

describe("binpack strategy", () => {
  it("scores the host with less free CPU lower, whatever its memory", () => {
    const lessCpu = state({ reserved: { cpu: 10, memoryMiB: 0 } });
    const lessMemory = state({ reserved: { cpu: 8, memoryMiB: 30000 } });
    expect(binpack.score(lessCpu, r)).toBeLessThan(binpack.score(lessMemory, r));
  });
  it("breaks CPU ties by free memory", () => {
    const a = state({ reserved: { cpu: 8, memoryMiB: 20000 } });
    const b = state({ reserved: { cpu: 8, memoryMiB: 10000 } });
    expect(binpack.score(a, r)).toBeLessThan(binpack.score(b, r));
  });
  it("prefers a small host's last gap to a big empty host", () => {
    const small = state({ capacity: { cpu: 4, memoryMiB: 8192 } });
    const big = state({ capacity: { cpu: 64, memoryMiB: 131072 } });
    expect(binpack.score(small, r)).toBeLessThan(binpack.score(big, r));
  });
});

describe("spread strategy", () => {
  it("scores by the pool's container count first", () => {
    const idleWithOne = state({ poolCounts: { a: 1 } });
    const busyWithNone = state({ reserved: { cpu: 15, memoryMiB: 30000 }, poolCounts: { b: 5 } });
    expect(spread.score(busyWithNone, r)).toBeLessThan(spread.score(idleWithOne, r));
  });
  it("then by the reserved share", () => {
    const quarter = state({ reserved: { cpu: 4, memoryMiB: 8192 } });
    const half = state({ reserved: { cpu: 8, memoryMiB: 16384 } });
    expect(spread.score(quarter, r)).toBeLessThan(spread.score(half, r));
  });
  it("keeps an overcommitted host's share from outweighing a whole container", () => {
    const overcommitted = state({ reserved: { cpu: 40, memoryMiB: 80000 } });
    const oneMore = state({ poolCounts: { a: 1 } });
    expect(spread.score(overcommitted, r)).toBeLessThan(spread.score(oneMore, r));
  });
});

describe("random strategy", () => {
  it("scores by the host's draw", () => {
    const a = state();
    const b = state();
    a.draw = 0.2;
    b.draw = 0.7;
    expect(random.score(a, r)).toBeLessThan(random.score(b, r));
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
