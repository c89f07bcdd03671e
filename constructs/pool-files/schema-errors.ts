/**
 * Validation of a parsed pool against schema/pool.schema.json (the same schema editors
 * use), with ajv's errors rewritten as messages that say what to change.
 */
import Ajv, { ErrorObject } from "ajv";
import poolSchema from "../../schema/pool.schema.json";
import { FieldPath, pointerToPath } from "./locate";
import { nearest } from "./suggest";

export interface SchemaProblem {
  path: FieldPath;
  /** The problem is with the field's key (unknown field, bad name) rather than its value. */
  atKey: boolean;
  message: string;
}

const ajv = new Ajv({ allErrors: true, verbose: true });
// Understood by editors (vscode-json-languageservice); the loader uses it for the same message.
ajv.addKeyword({ keyword: "patternErrorMessage", schemaType: "string" });
const validatePool = ajv.compile(poolSchema);

export function schemaProblems(data: unknown): SchemaProblem[] {
  if (validatePool(data)) return [];
  const problems: SchemaProblem[] = [];
  for (const error of validatePool.errors ?? []) {
    const problem = toProblem(error, data);
    if (problem) problems.push(problem);
  }
  return problems;
}

function toProblem(error: ErrorObject, root: unknown): SchemaProblem | undefined {
  const path = pointerToPath(error.instancePath, root);
  const data: unknown = error.data;
  const parentSchema = (error.parentSchema ?? {}) as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return { path: [...path, error.params.missingProperty as string], atKey: false, message: "required field is missing" };
    case "additionalProperties": {
      const field = error.params.additionalProperty as string;
      const known = Object.keys((parentSchema.properties ?? {}) as object);
      const guess = nearest(field, known);
      const hint = guess ? `did you mean "${guess}"?` : `expected one of ${known.join(", ")}`;
      return { path: [...path, field], atKey: true, message: `unknown field; ${hint}` };
    }
    case "propertyNames":
      // ajv reports the failing name itself as a separate error (with propertyName), handled below.
      return undefined;
    case "enum": {
      const allowed = error.params.allowedValues as unknown[];
      const guess = typeof data === "string" ? nearest(data, allowed.map(String)) : undefined;
      const got = `got ${describe(data)}${guess ? `; did you mean "${guess}"?` : ""}`;
      return { path, atKey: false, message: `must be one of ${allowed.join(", ")} (${got})` };
    }
    case "type": {
      // A string with a format (duration, image…) is better explained by its format than by "a string".
      const format = parentSchema.patternErrorMessage as string | undefined;
      const message = format ? `${format} (got ${describe(data)})` : typeMessage(error.params.type as string, data);
      return { path, atKey: false, message };
    }
    case "pattern": {
      const text = (parentSchema.patternErrorMessage as string | undefined) ?? `must match ${error.params.pattern}`;
      if (error.propertyName !== undefined) {
        return { path: [...path, error.propertyName], atKey: true, message: `name ${text} (got "${error.propertyName}")` };
      }
      return { path, atKey: false, message: `${text} (got ${describe(data)})` };
    }
    case "uniqueItems": {
      const later = error.params.i as number;
      const first = error.params.j as number;
      const items = data as unknown[];
      return { path: [...path, later], atKey: false, message: `${describe(items[later])} is listed twice (also item ${first})` };
    }
    case "minItems":
    case "minLength":
      return { path, atKey: false, message: "must not be empty" };
    default:
      return { path, atKey: false, message: `${error.message ?? "is invalid"} (got ${describe(data)})` };
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  integer: "a whole number",
  number: "a number",
  boolean: "true or false",
  object: "a mapping (key: value lines)",
  array: "a list",
};

function typeMessage(expected: string, data: unknown): string {
  let message = `must be ${TYPE_NAMES[expected] ?? expected} (got ${describe(data)})`;
  if (expected === "string" && (typeof data === "number" || typeof data === "boolean")) {
    message += `; quote it: "${String(data)}"`;
  } else if ((expected === "integer" || expected === "number") && typeof data === "string" && data.trim() !== "" && !Number.isNaN(Number(data))) {
    message += "; write it without quotes";
  }
  return message;
}

/** A value as the user wrote it, for "got …". */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}
