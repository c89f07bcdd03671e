/**
 * A report is what dcp prints for people: a title, a summary of one line per item that
 * matters, then sections of rows. The renderers beside it turn it into a terminal table
 * or a pull-request comment; `plan --base`, `drift` and `cost` each build one.
 */
export interface ReportSection {
  title: string;
  headers: string[];
  rows: string[][];
  /** Shown when there are no rows. */
  empty?: string;
}

export interface Report {
  title: string;
  /** First thing a reviewer reads: one line per pool, fleet, cost, policy… */
  summary: string[];
  sections: ReportSection[];
  /** Caveats: example prices, what was skipped and why, overrides. */
  notes: string[];
}

/** A signed number for deltas: "+3", "-2", "0". */
export function signed(n: number, digits = 0): string {
  const s = n.toFixed(digits);
  // Anything that rounds to zero prints as plain zero, never "-0.00".
  if (Number(s) === 0) return (0).toFixed(digits);
  return n > 0 ? `+${s}` : s;
}
