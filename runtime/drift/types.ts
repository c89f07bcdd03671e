/**
 * Drift: differences between the desired state and what is live, found without changing
 * anything. The report is plain data; `dcp drift` renders it as a table, JSON
 * (schema/drift.schema.json) or a Markdown comment.
 */

export const DRIFT_KINDS = [
  "missing-container",
  "extra-container",
  "spec-changed",
  "dead-upstream",
  "upstream-edited",
  "assignment-mismatch",
  "label-mismatch",
  "unowned-entry",
  "infrastructure",
] as const;

export type DriftKind = (typeof DRIFT_KINDS)[number];

/**
 * How `dcp drift --fix` repairs a finding:
 * - `apply`: the normal apply path (create, remove, replace, assign) converges it;
 * - `upstream`: the upstream diff rewrites or removes the KV entry;
 * - `remove`: the entry nobody owns is deleted (see `entry`);
 * - `node-meta`: the catalog node meta is re-registered from the host agent's own
 *   configuration; when that configuration is itself wrong, the host needs a new bootstrap;
 * - `manual`: dcp cannot repair it (Terraform drift).
 */
export type DriftRepair = "apply" | "upstream" | "remove" | "node-meta" | "manual";

/** A Consul entry nobody owns, precise enough to delete it. */
export type UnownedEntry =
  | { type: "kv"; key: string }
  | { type: "service"; node: string; serviceId: string }
  | { type: "node"; node: string };

export interface DriftFinding {
  kind: DriftKind;
  /** What drifted, e.g. "pool feed-api", "container feed-api-00003 on h2", "kv upstreams/feed_api/10.0.0.7:8080". */
  object: string;
  expected: string;
  actual: string;
  /** One line a person can act on. */
  explanation: string;
  repair: DriftRepair;
  pool?: string;
  node?: string;
  entry?: UnownedEntry;
}

export interface DriftReport {
  version: 1;
  /** When the inventory was read. */
  at: string;
  findings: DriftFinding[];
  /** Findings per kind; every kind is present, zero when none. */
  counts: Record<DriftKind, number>;
  /** Limits of what was checked (unreachable hosts, no Terraform binary, pool scope). */
  notes: string[];
}
