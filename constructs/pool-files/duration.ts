/**
 * Durations in pool files are strings like "500ms", "5s", "1m" or "1m30s"; pool
 * definitions carry seconds.
 */
import poolSchema from "../../schema/pool.schema.json";

/** The schema's `duration` pattern (positive; ms, s, m or h; segments may combine), so both agree. */
export const DURATION = new RegExp(poolSchema.definitions.duration.pattern, "u");

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
const SEGMENT = /([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g;

/** Seconds in a duration string that matches DURATION. */
export function durationSeconds(text: string): number {
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(SEGMENT)) seconds += Number(amount) * UNIT_SECONDS[unit];
  // Rounded to the millisecond so that "100ms" is 0.1, not 0.1000000000000000055.
  return Math.round(seconds * 1000) / 1000;
}
