import { openingAt, scheduledMinimum } from "../../../runtime/autoscale/schedule";

const window = (cron: string, hours: number, min: number, name = "w", timezone = "UTC") => ({ name, cron, durationSeconds: hours * 3600, min, timezone });

describe("scheduled minimums", () => {
  it("opens when the cron expression fires and closes after the duration", () => {
    const w = window("0 18 * * *", 2, 10);
    expect(openingAt(w, new Date("2026-02-16T17:59:59Z"))).toBeUndefined();
    expect(openingAt(w, new Date("2026-02-16T18:00:00Z"))).toMatchObject({ from: new Date("2026-02-16T18:00:00Z"), until: new Date("2026-02-16T20:00:00Z") });
    expect(openingAt(w, new Date("2026-02-16T19:59:59Z"))).toBeDefined();
    expect(openingAt(w, new Date("2026-02-16T20:00:00Z"))).toBeUndefined();
  });

  it("reads the cron expression in the window's time zone", () => {
    const w = window("0 19 16 2 *", 1, 10, "gala", "Asia/Shanghai");
    expect(openingAt(w, new Date("2026-02-16T11:30:00Z"))?.from).toEqual(new Date("2026-02-16T11:00:00Z"));
    expect(openingAt(w, new Date("2026-02-16T19:30:00Z"))).toBeUndefined();
  });

  it("takes the highest minimum of the open windows", () => {
    const windows = [window("0 18 * * *", 4, 10, "evening"), window("0 19 * * *", 1, 30, "peak"), window("0 6 * * *", 1, 99, "morning")];
    expect(scheduledMinimum(windows, new Date("2026-02-16T19:30:00Z"))?.window.name).toBe("peak");
    expect(scheduledMinimum(windows, new Date("2026-02-16T21:00:00Z"))?.window.name).toBe("evening");
    expect(scheduledMinimum(windows, new Date("2026-02-16T23:00:00Z"))).toBeUndefined();
  });
});
