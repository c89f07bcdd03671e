/**
 * Placement constraints over a host's attributes (idc, zone, fleet, node and node meta),
 * in Swarm's syntax:
 *
 * - `key==value` / `key!=value`: the host must (must not) have the attribute at that value;
 * - `*` in the value matches any run of characters, none included (`zone==cn-beijing-*`);
 *   a host without the attribute matches no value, not even `*`, so `key!=value` admits it;
 * - `key==~value` / `key!=~value`: a preference, not a requirement. It never excludes a
 *   host; the scheduler ranks hosts that meet more of a pool's preferences first (after
 *   its buffer and IDC order, before the strategy);
 * - `/regex/` values are refused: a glob says what dcp pools need.
 *
 * The scheduler's constraint filter and preference scorer, the min-zones policy and every
 * validation of a pool read constraints through this module.
 */
import { DcpError } from "../errors";
import { FieldPath, FieldProblem } from "../fields";
import { PatternRule, listProblems, patternProblems } from "./rule";

export interface Constraint {
  /** The host attribute: idc, zone, fleet, node or a node meta key. */
  key: string;
  op: "==" | "!=";
  /** Matched whole; `*` matches any run of characters. */
  value: string;
  /** A preference (`key==~value`): ranks hosts and never excludes one. Absent: a requirement. */
  soft?: boolean;
}

/** What a constraint's text says: the constraint, or what is wrong with the text. */
export type ConstraintParse = { ok: true; constraint: Constraint } | { ok: false; problem: string };

/** The value may not start with `/` (a Swarm regular expression) or a second `~`. */
export const CONSTRAINT: PatternRule = {
  pattern: /^([A-Za-z0-9_.-]+)(==|!=)(~?)([^\s/~]\S*)$/,
  message:
    "must be key==value or key!=value, with * for any characters and ~ before the value for a preference " +
    "(e.g. zone==cn-beijing-*, zone==~cn-beijing-h); /regex/ is not supported, write a glob",
};

export function readConstraint(text: string): ConstraintParse {
  const m = CONSTRAINT.pattern.exec(text);
  if (!m) return { ok: false, problem: CONSTRAINT.message };
  const constraint: Constraint = { key: m[1], op: m[2] as Constraint["op"], value: m[4] };
  return { ok: true, constraint: m[3] ? { ...constraint, soft: true } : constraint };
}

/** A constraint of a pool that was validated; `where` names the pool for the error that should not happen. */
export function parseConstraint(text: string, where = "constraint"): Constraint {
  const parsed = readConstraint(text);
  if (!parsed.ok) throw new DcpError(`${where}: invalid placement constraint "${text}": ${parsed.problem}`);
  return parsed.constraint;
}

/** The constraint as a pool file writes it, e.g. "zone==~cn-beijing-h". */
export function constraintText(constraint: Constraint): string {
  return `${constraint.key}${constraint.op}${constraint.soft ? "~" : ""}${constraint.value}`;
}

/** Whether `text` matches `glob` whole, `*` matching any run of characters. */
function matchesGlob(glob: string, text: string): boolean {
  const parts = glob.split("*");
  if (parts.length === 1) return glob === text;
  const head = parts[0];
  const tail = parts[parts.length - 1];
  if (text.length < head.length + tail.length || !text.startsWith(head) || !text.endsWith(tail)) return false;
  // The leftmost place for each middle part leaves the most room for the rest.
  let at = head.length;
  const end = text.length - tail.length;
  for (const part of parts.slice(1, -1)) {
    const found = text.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

/**
 * Whether a host whose attribute `constraint.key` has `value` (undefined: it has none)
 * meets the constraint; for a preference, whether it is preferred.
 */
export function admits(constraint: Constraint, value: string | undefined): boolean {
  return (value !== undefined && matchesGlob(constraint.value, value)) === (constraint.op === "==");
}

export function constraintProblems(constraints: unknown, path: FieldPath = ["placement", "constraints"]): FieldProblem[] {
  return listProblems(constraints, path, (items) => items.flatMap((c, i) => patternProblems(CONSTRAINT, c, [...path, i])));
}
