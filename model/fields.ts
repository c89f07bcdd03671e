/**
 * Fields of a document (a pool file, a price table, a desired state) as errors name them,
 * and a problem with one of them. Rules report problems by field; whoever read the
 * document turns the field into a place (a file's line and column, a construct's path).
 */
export type FieldPath = Array<string | number>;

/** One broken rule: the field it is about and what to change. */
export interface FieldProblem {
  path: FieldPath;
  message: string;
}

/** `placement.constraints[0]`, the way a reader names a field. */
export function formatFieldPath(path: FieldPath): string {
  let out = "";
  for (const segment of path) {
    out += typeof segment === "number" ? `[${segment}]` : out ? `.${segment}` : segment;
  }
  return out;
}

/** A JSON object or YAML mapping, not a list. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A value as the user wrote it, for "got …". */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}
