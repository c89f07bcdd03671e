/**
 * The upstream rules of the contract with nginx-upsync-module (DESIGN: Contracts): the
 * weight of a cloud host's server, and the exact value dcp writes for a server. Reading
 * values back, with the module's leniency, is runtime/discovery/upstreams.ts.
 */
import { DcpError } from "./errors";

/**
 * Cloud hosts run slower for the same container shape, so their upstream weight is scaled
 * by the IDC's factor (20 × 0.8 → 16); never below 1, which nginx would treat as invalid.
 */
export function cloudWeight(weight: number, factor: number): number {
  if (!Number.isInteger(weight) || weight < 1) throw new DcpError(`upstream weight ${weight} must be an integer >= 1`);
  if (!(factor > 0 && factor <= 1)) throw new DcpError(`cloud weight factor ${factor} must be in (0, 1]`);
  return Math.max(1, Math.round(weight * factor));
}

export interface UpstreamServerParams {
  weight: number;
  maxFails: number;
  failTimeoutSeconds: number;
  down: boolean;
}

/** The exact value dcp writes: strict JSON, integers, fixed field order, nothing else. */
export function upstreamValue(p: UpstreamServerParams): string {
  const problems: string[] = [];
  if (!Number.isInteger(p.weight) || p.weight < 1) problems.push(`weight ${p.weight} must be an integer >= 1`);
  if (!Number.isInteger(p.maxFails) || p.maxFails < 0) problems.push(`maxFails ${p.maxFails} must be an integer >= 0`);
  if (!Number.isInteger(p.failTimeoutSeconds) || p.failTimeoutSeconds < 0) {
    problems.push(`failTimeoutSeconds ${p.failTimeoutSeconds} must be an integer >= 0`);
  }
  if (problems.length) throw new DcpError(`upstream server parameters are invalid: ${problems.join("; ")}`);
  return `{"weight":${p.weight},"max_fails":${p.maxFails},"fail_timeout":${p.failTimeoutSeconds},"down":${p.down ? 1 : 0}}`;
}
