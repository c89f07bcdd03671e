/**
 * One figure of a benchmark, with the target it is judged against. A figure that misses
 * its target is reported as missed, never dropped.
 */
export interface Figure {
  /** e.g. "scheduler.binpack.seconds" */
  name: string;
  value: number;
  unit: string;
  /** Human-readable target, e.g. "<= 0.5". Absent for figures reported for context. */
  target?: { op: "<=" | ">="; value: number };
  note?: string;
}

export interface Benchmark {
  /** Short name shown in the table. */
  name: string;
  /** Needs the local fleet (root, Docker, Consul); skipped with a reason when absent. */
  needsFleet: boolean;
  run(): Promise<Figure[]>;
}

export function met(f: Figure): boolean | undefined {
  if (!f.target) return undefined;
  return f.target.op === "<=" ? f.value <= f.target.value : f.value >= f.target.value;
}

/** The middle value (the upper middle for an even count). */
export function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Peak RSS of this process so far, in MB (Linux: VmHWM). */
export function peakRssMB(): number {
  const status = require("node:fs").readFileSync("/proc/self/status", "utf8") as string;
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : process.memoryUsage().rss / 1024 / 1024;
}
