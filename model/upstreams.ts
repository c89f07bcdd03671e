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
