/**
 * Placement constraints: `key==value` or `key!=value` over a host's attributes (idc, zone,
 * fleet, node and node meta), as in Swarm. A missing attribute equals nothing, so
 * `key!=value` admits a host without it. The scheduler's constraint filter, the min-zones
 * policy and every validation of a pool read constraints through this module; a new
 * syntax (globs, regular expressions, soft constraints) is a new case of ConstraintParse.
 */
import { DcpError } from "../errors";
import { FieldPath, FieldProblem } from "../fields";
import { PatternRule, listProblems, patternProblems } from "./rule";

export interface Constraint {
  /** The host attribute: idc, zone, fleet, node or a node meta key. */
  key: string;
  op: "==" | "!=";
  value: string;
}

/** What a constraint's text says: the constraint, or what is wrong with the text. */
export type ConstraintParse = { ok: true; constraint: Constraint } | { ok: false; problem: string };

export const CONSTRAINT: PatternRule = {
  pattern: /^([A-Za-z0-9_.-]+)(==|!=)(\S+)$/,
  message: "must be key==value or key!=value, e.g. zone!=cn-beijing-j",
};

export function readConstraint(text: string): ConstraintParse {
  const m = CONSTRAINT.pattern.exec(text);
  if (!m) return { ok: false, problem: CONSTRAINT.message };
  return { ok: true, constraint: { key: m[1], op: m[2] as Constraint["op"], value: m[3] } };
}

/** A constraint of a pool that was validated; `where` names the pool for the error that should not happen. */
export function parseConstraint(text: string, where = "constraint"): Constraint {
  const parsed = readConstraint(text);
  if (!parsed.ok) throw new DcpError(`${where}: invalid placement constraint "${text}": ${parsed.problem}`);
  return parsed.constraint;
}

/** Whether a host whose attribute `constraint.key` has `value` (undefined: it has none) may run the container. */
export function admits(constraint: Constraint, value: string | undefined): boolean {
  return (value === constraint.value) === (constraint.op === "==");
}

export function constraintProblems(constraints: unknown, path: FieldPath = ["placement", "constraints"]): FieldProblem[] {
  return listProblems(constraints, path, (items) => items.flatMap((c, i) => patternProblems(CONSTRAINT, c, [...path, i])));
}
