/**
 * Per-call latencies of the simulation: the samples that bench/sim/measure-latencies.ts
 * recorded on the real daemons of a local site (latencies.json), replayed at random
 * (seeded) and multiplied by a factor to stand in for slower, cloud-like hosts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { mulberry32, Rng } from "../../runtime/scheduler/rng";

/** The calls an apply makes on a host: Docker Engine API, then the host's Consul agent. */
export const SIM_CALLS = ["ping", "list", "imageInspect", "create", "start", "inspect", "stop", "remove", "register", "deregister"] as const;
export type SimCall = (typeof SIM_CALLS)[number];

export interface LatencyFile {
  measuredAt: string;
  /** How and where the samples were taken. */
  how: string;
  samplesMs: Record<SimCall, number[]>;
}

export function readLatencyFile(file = join(__dirname, "latencies.json")): LatencyFile {
  return JSON.parse(readFileSync(file, "utf8")) as LatencyFile;
}

export function medianMs(file: LatencyFile, call: SimCall): number {
  const sorted = [...file.samplesMs[call]].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * The factor that makes the median create + start take `seconds`: the figure for
 * real cloud hosts is 1–2 s per create + start, so the cloud-like runs use 1.5 s.
 */
export function factorFor(file: LatencyFile, createPlusStartSeconds: number): number {
  return (createPlusStartSeconds * 1000) / (medianMs(file, "create") + medianMs(file, "start"));
}

/** Draws one recorded sample of the call, times the factor, in ms. */
export class LatencyModel {
  private readonly rng: Rng;

  constructor(readonly file: LatencyFile, readonly factor: number, seed: number) {
    this.rng = mulberry32(seed);
  }

  drawMs(call: SimCall): number {
    const samples = this.file.samplesMs[call];
    return samples[Math.floor(this.rng() * samples.length)] * this.factor;
  }
}
