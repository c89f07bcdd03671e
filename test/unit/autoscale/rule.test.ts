import { decideScale, ScaleInput } from "../../../runtime/autoscale/rule";
import { spec, T0 } from "./fixtures";

const input = (overrides: Partial<ScaleInput> = {}): ScaleInput => ({
  spec: spec(),
  current: 3,
  contributed: 0,
  reading: { total: 150, containers: 3 },
  now: T0,
  history: { since: T0 - 3_600_000, entries: [] },
  ...overrides,
});

describe("target tracking", () => {
  it("scales to ceil(containers × metric ÷ target)", () => {
    // 3 containers at 152 requests/s each against a target of 50: ceil(456 / 50) = 10.
    const d = decideScale(input({ reading: { total: 456, containers: 3 } }));
    expect(d).toMatchObject({ kind: "scale-out", replicas: 10, recommended: 10 });
    expect(d.why).toContain("ceil(456 ÷ 50) = 10");
  });

  it("holds within 10% of the target", () => {
    expect(decideScale(input({ reading: { total: 160, containers: 3 } }))).toMatchObject({ kind: "hold", replicas: 3 });
    expect(decideScale(input({ reading: { total: 170, containers: 3 } }))).toMatchObject({ kind: "scale-out", replicas: 4 });
  });

  it("keeps the result within [min, max]", () => {
    expect(decideScale(input({ reading: { total: 5000, containers: 3 } }))).toMatchObject({ kind: "scale-out", replicas: 20 });
    const quiet = decideScale(input({ reading: { total: 0, containers: 3 }, history: { since: T0 - 3_600_000, entries: [] } }));
    expect(quiet).toMatchObject({ kind: "scale-in", replicas: 2 });
  });

  it("subtracts what dependents add: the bounds are the pool's own replicas", () => {
    // 500 requests/s need 10 containers; 4 come from a dependent's ratio, so the pool's own become 6.
    expect(decideScale(input({ current: 3, contributed: 4, reading: { total: 500, containers: 7 } }))).toMatchObject({ kind: "scale-out", replicas: 6 });
  });

  it("scales out from no serving container when traffic arrives", () => {
    expect(decideScale(input({ current: 2, reading: { total: 300, containers: 0 } }))).toMatchObject({ kind: "scale-out", replicas: 6 });
  });

  it("holds within the bounds when the metric cannot be read", () => {
    const d = decideScale(input({ reading: undefined, readError: "connection refused" }));
    expect(d).toMatchObject({ kind: "hold", replicas: 3 });
    expect(d.why).toContain("connection refused");
    expect(decideScale(input({ current: 1, reading: undefined }))).toMatchObject({ kind: "scale-out", replicas: 2 });
  });
});

describe("scale out fast, scale in slowly", () => {
  it("waits for the scale-out cooldown before the next scale-out", () => {
    const busy = { reading: { total: 1000, containers: 5 }, current: 5 };
    expect(decideScale(input({ ...busy, lastScaleOutAt: T0 - 4_000 }))).toMatchObject({ kind: "hold", replicas: 5 });
    expect(decideScale(input({ ...busy, lastScaleOutAt: T0 - 10_000 }))).toMatchObject({ kind: "scale-out", replicas: 20 });
  });

  it("scales in only to the highest recommendation of the scale-in window", () => {
    const history = { since: T0 - 120_000, entries: [{ at: T0 - 50_000, replicas: 8 }, { at: T0 - 20_000, replicas: 4 }, { at: T0 - 70_000, replicas: 12 }] };
    // The entry from 70 s ago is outside the 60 s window; 8 from 50 s ago is the highest left.
    const d = decideScale(input({ current: 10, reading: { total: 100, containers: 10 }, history }));
    expect(d).toMatchObject({ kind: "scale-in", replicas: 8, recommended: 2 });
    expect(d.history.entries.map((e) => e.replicas)).toEqual([8, 4, 2]);
  });

  it("does not scale in before it has watched the pool for the scale-in cooldown (a new leader)", () => {
    const d = decideScale(input({ current: 10, reading: { total: 100, containers: 10 }, history: { since: T0 - 30_000, entries: [] } }));
    expect(d).toMatchObject({ kind: "hold", replicas: 10 });
    expect(d.why).toMatch(/watched 30 s/);
  });

  it("does not scale in within the scale-in cooldown of a scale-out", () => {
    const d = decideScale(input({ current: 10, reading: { total: 100, containers: 10 }, lastScaleOutAt: T0 - 30_000 }));
    expect(d).toMatchObject({ kind: "hold", replicas: 10 });
    expect(decideScale(input({ current: 10, reading: { total: 100, containers: 10 }, lastScaleOutAt: T0 - 61_000 }))).toMatchObject({ kind: "scale-in", replicas: 2 });
  });

  it("applies a lower max at once, whatever the cooldowns", () => {
    const d = decideScale(input({ spec: spec({ max: 6 }), current: 10, reading: { total: 1000, containers: 10 }, lastScaleOutAt: T0 - 1_000 }));
    expect(d).toMatchObject({ kind: "scale-in", replicas: 6 });
  });
});

describe("scheduled minimum", () => {
  // 19:00 in Shanghai is 11:00 UTC; the window lasts 6 h.
  const gala = spec({ schedule: [{ name: "spring-gala", cron: "0 19 * * *", durationSeconds: 6 * 3600, min: 15, timezone: "Asia/Shanghai" }] });

  it("raises the floor inside the window, at once and with the window named", () => {
    const d = decideScale(input({ spec: gala, now: Date.parse("2026-02-16T11:00:00Z"), lastScaleOutAt: Date.parse("2026-02-16T10:59:58Z") }));
    expect(d).toMatchObject({ kind: "scale-out", replicas: 15 });
    expect(d.why).toContain("schedule spring-gala (min 15 until 2026-02-16T17:00:00.000Z)");
  });

  it("holds the floor against low load until the window ends", () => {
    const quiet = { current: 15, reading: { total: 10, containers: 15 } };
    expect(decideScale(input({ ...quiet, spec: gala, now: Date.parse("2026-02-16T16:59:00Z") }))).toMatchObject({ kind: "hold", replicas: 15 });
    expect(decideScale(input({ ...quiet, spec: gala, now: Date.parse("2026-02-16T17:00:00Z") }))).toMatchObject({ kind: "scale-in", replicas: 2 });
  });

  it("never goes above max", () => {
    const capped = spec({ max: 10, schedule: [{ ...gala.schedule[0], min: 10 }] });
    expect(decideScale(input({ spec: capped, now: Date.parse("2026-02-16T12:00:00Z") }))).toMatchObject({ replicas: 10 });
  });
});
