/**
 * Scheduled minimums: capacity raised for planned events (DCP's cron trigger before the
 * Spring Festival Gala). A window opens each time its cron expression fires and lasts its
 * duration; while any window is open, the pool keeps at least that window's minimum.
 */
import { CronExpressionParser } from "cron-parser";
import { ScheduledMinimum } from "../../model/autoscale";

export interface OpenWindow {
  window: ScheduledMinimum;
  /** When this opening of the window started and when it ends. */
  from: Date;
  until: Date;
}

/** The window's opening that contains `now`, if any. */
export function openingAt(window: ScheduledMinimum, now: Date): OpenWindow | undefined {
  // prev() is strictly before currentDate: one millisecond on, a window firing exactly now counts.
  const last = CronExpressionParser.parse(window.cron, { currentDate: new Date(now.getTime() + 1), tz: window.timezone }).prev().toDate();
  const until = new Date(last.getTime() + window.durationSeconds * 1000);
  return now < until ? { window, from: last, until } : undefined;
}

/** The open window with the highest minimum at `now` (none: no scheduled minimum holds). */
export function scheduledMinimum(schedule: ScheduledMinimum[], now: Date): OpenWindow | undefined {
  let best: OpenWindow | undefined;
  for (const window of schedule) {
    const open = openingAt(window, now);
    if (open && (!best || open.window.min > best.window.min)) best = open;
  }
  return best;
}
