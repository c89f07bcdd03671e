/**
 * Phase 4, ordering: waves in order; inside a wave host changes first, then every up
 * chain (and in-place replacement), then every down chain, so nothing is removed before
 * its replacement serves.
 * The sort is stable: chains keep the order the phases made them in.
 */
import { Change } from "./types";

/** In-place replacements run beside the up chains (each takes down only its own old container). */
const DIRECTION_ORDER = { host: 0, up: 1, "in-place": 1, down: 2 } as const;

export function orderChanges(changes: Change[]): Change[] {
  return changes
    .map((c, i) => ({ c, i }))
    .sort((a, b) => a.c.wave - b.c.wave || DIRECTION_ORDER[a.c.direction] - DIRECTION_ORDER[b.c.direction] || a.i - b.i)
    .map((x) => x.c);
}
