/**
 * `--abort`: a canary, or a roll stopped by a failed health check, goes back to the old
 * spec. The old spec is the one most of a pool's live containers run besides the desired
 * one; apply recorded each spec it deployed by hash (RecordedSpecs), so the desired state
 * is rewritten with that spec for the pool and planned as an ordinary roll back, within the
 * same budget and without a canary. Pools whose containers all run the desired spec stay
 * as they are.
 */
import { DesiredState, PoolSpec } from "../../model/desired-state";
import { DcpError } from "../../model/errors";
import { Inventory } from "../../model/inventory";
import { usable } from "./context";
import { DefiningSpec, definingSpec, specHash } from "./spec";

/** Per pool, the defining specs apply recorded, by spec hash. */
export type RecordedSpecs = Map<string, Record<string, DefiningSpec>>;

/** Specs apply keeps per pool: the current one and a few before it, enough to return from a canary or a stopped roll. */
export const SPECS_KEPT = 5;

/** A pool's recorded specs with these added (oldest first), each moved to the end, the last SPECS_KEPT kept. */
export function withSpecs(recorded: Record<string, DefiningSpec> | undefined, specs: DefiningSpec[]): Record<string, DefiningSpec> {
  const out = { ...(recorded ?? {}) };
  for (const spec of specs) {
    const hash = specHash(spec);
    delete out[hash];
    out[hash] = definingSpec(spec);
  }
  return Object.fromEntries(Object.entries(out).slice(-SPECS_KEPT));
}

export interface Aborted {
  desired: DesiredState;
  notes: string[];
}

export function abortRolls(desired: DesiredState, inventory: Inventory, recorded: RecordedSpecs, scope?: string[]): Aborted {
  const inScope = new Set(scope ?? desired.pools.map((p) => p.name));
  const notes: string[] = [];
  const pools = desired.pools.map((pool) => {
    if (!inScope.has(pool.name)) return pool;
    const old = oldHash(pool, inventory);
    if (!old) return pool;
    const spec = recorded.get(pool.name)?.[old];
    if (!spec) throw new DcpError(`pool ${pool.name}: cannot abort, the old spec ${old} was not recorded (it was deployed before dcp recorded specs); revert the pool file and apply instead. Nothing was changed.`);
    notes.push(`pool ${pool.name}: abort returns its containers to spec ${old} (image ${spec.image}); the pool file still asks for ${specHash(pool)}`);
    const update = pool.update ? { ...pool.update, canary: undefined } : undefined;
    return { ...pool, ...definingSpec(spec), ...(update ? { update } : {}) } satisfies PoolSpec;
  });
  return { desired: { ...desired, pools }, notes };
}

/** The spec most live containers of the pool run other than the desired one (ties: the lowest hash); none when all run the desired one. */
function oldHash(pool: PoolSpec, inventory: Inventory): string | undefined {
  const desired = specHash(pool);
  const counts = new Map<string, number>();
  for (const host of inventory.hosts) {
    if (!usable(host)) continue;
    for (const c of host.containers!) if (c.pool === pool.name && c.specHash !== desired) counts.set(c.specHash, (counts.get(c.specHash) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
}
