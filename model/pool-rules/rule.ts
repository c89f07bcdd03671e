/**
 * The shapes pool rules are made of. A rule that a JSON Schema can state (a pattern, a
 * number range, a list of values) is data here, and schema/pool.schema.json states the
 * same (test/unit/pool-rules/schema.test.ts compares them). Its checks read values
 * defensively: a file or a JSON document may hold anything.
 */
import { FieldPath, FieldProblem, describeValue, isMapping } from "../fields";

/** A string that must match a pattern; `message` says what it must be, as the schema's patternErrorMessage does. */
export interface PatternRule {
  readonly pattern: RegExp;
  readonly message: string;
}

/** A number with bounds, as JSON Schema's type, minimum, maximum and exclusiveMinimum say it. */
export interface NumberRule {
  readonly integer: boolean;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
}

/** A time in seconds: more than none. */
export const SECONDS: NumberRule = { integer: false, exclusiveMinimum: 0 };

export function patternProblems(rule: PatternRule, value: unknown, path: FieldPath): FieldProblem[] {
  if (typeof value !== "string") return [{ path, message: `must be a string (got ${describeValue(value)})` }];
  return rule.pattern.test(value) ? [] : [{ path, message: `${rule.message} (got ${describeValue(value)})` }];
}

/** Worded as ajv words the same schema, so a pool file and a construct say the same. */
export function numberProblems(rule: NumberRule, value: unknown, path: FieldPath): FieldProblem[] {
  const got = `(got ${describeValue(value)})`;
  if (typeof value !== "number" || !Number.isFinite(value)) return [{ path, message: `must be ${rule.integer ? "a whole number" : "a number"} ${got}` }];
  const messages: string[] = [];
  if (rule.integer && !Number.isInteger(value)) messages.push(`must be a whole number ${got}`);
  if (rule.minimum !== undefined && value < rule.minimum) messages.push(`must be >= ${rule.minimum} ${got}`);
  if (rule.maximum !== undefined && value > rule.maximum) messages.push(`must be <= ${rule.maximum} ${got}`);
  if (rule.exclusiveMinimum !== undefined && value <= rule.exclusiveMinimum) messages.push(`must be > ${rule.exclusiveMinimum} ${got}`);
  return messages.map((message) => ({ path, message }));
}

export function oneOfProblems(allowed: readonly string[], value: unknown, path: FieldPath): FieldProblem[] {
  return allowed.includes(value as string) ? [] : [{ path, message: `must be one of ${allowed.join(", ")} (got ${describeValue(value)})` }];
}

/** Problems of an optional mapping field: none when absent, one when it is not a mapping, else what `check` finds. */
export function mappingProblems(value: unknown, path: FieldPath, check: (fields: Record<string, unknown>) => FieldProblem[]): FieldProblem[] {
  if (value === undefined) return [];
  if (!isMapping(value)) return [{ path, message: `must be a mapping (got ${describeValue(value)})` }];
  return check(value);
}

/** Problems of an optional list field: none when absent, one when it is not a list, else what `check` finds. */
export function listProblems(value: unknown, path: FieldPath, check: (items: unknown[]) => FieldProblem[]): FieldProblem[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return [{ path, message: `must be a list (got ${describeValue(value)})` }];
  return check(value);
}
